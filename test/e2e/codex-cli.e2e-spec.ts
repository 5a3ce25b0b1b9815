// The real OpenAI Codex CLI against relaymesh, configured exactly as its documentation says for a custom
// provider: a `model_providers.<id>` table in `$CODEX_HOME/config.toml` with `base_url` = relaymesh's `/v1`,
// `env_key` naming the variable that holds a relaymesh key, `wire_api = "responses"`. Codex speaks only the
// Responses API and always sends Responses-only tools (a `namespace` group of function tools, hosted
// `web_search`), so every channel type is a real test of the Responses adapter: `codex exec` with a plain prompt
// prints the fake's answer, and a shell-tool round trip (the fake model calls Codex's `exec_command`, Codex runs
// it in its read-only sandbox and sends the output back) ends in an answer that quotes a file only the shell
// could have read. With reasoning on the way (Claude's signed thinking, Gemini's thought signature), the second
// request also proves the signature came back to the provider that issued it: the fakes verify them.
//
// Nothing leaves 127.0.0.1: update check, analytics, feedback and OTel export are off in config.toml, the
// curated-plugin sync (github.com, chatgpt.com) is off by its feature flags, and every proxy variable points at
// a trap that records any attempt; each test asserts the trap saw none.
//
// The CLI is `@openai/codex`, a devDependency whose native binary comes in a per-platform optional package;
// where that package is absent the suite is skipped with the reason, except in CI, where it fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AnthropicRequestBody,
  ClientChannel,
  ClientGateway,
  ClientRun,
  ClientWorkspace,
  GeminiRequestBody,
  ProxyTrap,
  RecordedRequest,
  locateClient,
  makeClientWorkspace,
  resetClientGateway,
  runClient,
  scriptPlainAnswer,
  scriptShellRoundTrip,
  shouldRunClientSuite,
  startClientGateway,
  stopClientGateway,
} from '@relaymesh/testing';

const MODULES = resolve(__dirname, '../../node_modules');
/** The native build's target triple per platform, as the `@openai/codex` launcher names its vendor folder. */
const CODEX_TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};
const PLATFORM = `${process.platform}-${process.arch}`;
const CODEX_LAUNCHER = join(MODULES, '@openai/codex/bin/codex.js');
const codex = locateClient(
  `Codex CLI's native binary (@openai/codex-${PLATFORM})`,
  CODEX_TRIPLES[PLATFORM]
    ? [join(MODULES, `@openai/codex-${PLATFORM}/vendor/${CODEX_TRIPLES[PLATFORM]}/bin/codex`)]
    : [],
);

const SECRET = 'relaymesh-codex-shell-5147';
const HELLO = 'Hello from the fake model behind relaymesh.';
const SHELL_COMMAND = 'cat secret.txt';
const THINKING = 'The user wants the file; I will read it with the shell.';
// A Gemini 3 name on the Gemini channel: the fake then refuses a function call replayed without its signature.
const CHANNELS = [
  { type: 'openai', model: 'cx-gpt' },
  { type: 'anthropic', model: 'cx-claude' },
  { type: 'gemini', model: 'gemini-3-flash-preview' },
] as const satisfies readonly ClientChannel[];
type ChannelType = (typeof CHANNELS)[number]['type'];

const describeCodex = shouldRunClientSuite(codex) ? describe : describe.skip;

describeCodex('OpenAI Codex CLI through relaymesh (codex exec, custom provider)', () => {
  let gateway: ClientGateway;
  let trap: ProxyTrap;
  let workspace: ClientWorkspace;

  const runCodex = (model: string, prompt: string): Promise<ClientRun> =>
    runClient(
      process.execPath,
      [
        CODEX_LAUNCHER,
        'exec',
        '--model',
        model,
        // Documented for non-interactive runs: no approvals are asked in exec; read-only lets `cat` run and
        // nothing be written; the temp project is no git repository; no session files kept.
        '--sandbox',
        'read-only',
        '--skip-git-repo-check',
        '--ephemeral',
        prompt,
      ],
      {
        cwd: workspace.project,
        // Under jest's 90 s, so a hung client fails with its own output rather than a bare timeout.
        timeoutMs: 60_000,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: workspace.home,
          CODEX_HOME: join(workspace.home, '.codex'),
          RELAYMESH_API_KEY: gateway.clientKey,
          ...trap.env(),
        },
      },
    );

  beforeAll(async () => {
    if (!codex.found) throw new Error(codex.reason);
    workspace = makeClientWorkspace('codex', SECRET);
    trap = await ProxyTrap.start();
    gateway = await startClientGateway({
      label: 'codex_cli',
      channelPrefix: 'codex',
      keyName: 'codex-cli',
      channels: CHANNELS,
    });
    const codexHome = join(workspace.home, '.codex');
    mkdirSync(codexHome);
    writeFileSync(
      join(codexHome, 'config.toml'),
      [
        `model = "${CHANNELS[0].model}"`,
        'model_provider = "relaymesh"',
        'check_for_update_on_startup = false',
        '',
        '[model_providers.relaymesh]',
        'name = "relaymesh"',
        `base_url = "${gateway.relay.url}/v1"`,
        'env_key = "RELAYMESH_API_KEY"',
        'wire_api = "responses"',
        '',
        '[analytics]',
        'enabled = false',
        '',
        '[feedback]',
        'enabled = false',
        '',
        '[otel]',
        'exporter = "none"',
        'trace_exporter = "none"',
        'metrics_exporter = "none"',
        '',
        // The curated-plugin sync fetches from github.com and chatgpt.com at start.
        '[features]',
        'plugins = false',
        'remote_plugin = false',
        'apps = false',
        '',
      ].join('\n'),
    );
  }, 90_000);

  afterEach(() => resetClientGateway(gateway, trap));

  afterAll(async () => {
    await stopClientGateway(gateway);
    await trap?.close();
    workspace?.remove();
  });

  const generationRequests = (type: ChannelType): RecordedRequest[] =>
    gateway.fakes[type].requests.filter(
      (r) => r.method === 'POST' && !r.path.endsWith('count_tokens'),
    );

  it.each(CHANNELS)(
    'should print the fake answer to a plain prompt over the $type channel',
    async ({ type, model }) => {
      scriptPlainAnswer(gateway.fakes, HELLO);

      const run = await runCodex(model, 'Say hello.');

      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      expect(run.stdout.trim()).toBe(HELLO);
      expect(generationRequests(type)).toHaveLength(1);
      // Codex's Responses-only tools reached the provider in its own terms (translated or passed through).
      expect(JSON.stringify(generationRequests(type)[0].body)).toContain('exec_command');
      if (type === 'openai') {
        // A pass-through: OpenAI got /v1/responses with Codex's namespace group and hosted web search as Codex
        // wrote them (translated through Chat, the group was flattened and web search dropped).
        const [request] = generationRequests(type);
        expect(request.path).toBe('/v1/responses');
        const { tools } = request.body as { tools: { type: string; name?: string }[] };
        expect(tools).toContainEqual(
          expect.objectContaining({
            type: 'namespace',
            name: 'multi_agent_v1',
            tools: expect.arrayContaining([expect.objectContaining({ type: 'function' })]),
          }),
        );
        expect(tools).toContainEqual(expect.objectContaining({ type: 'web_search' }));
      }
      expect(trap.attempts).toEqual([]);
    },
  );

  it.each(CHANNELS)(
    'should run a shell-tool round trip over the $type channel',
    async ({ type, model }) => {
      scriptShellRoundTrip(gateway.fakes, {
        tool: 'exec_command',
        call: { cmd: SHELL_COMMAND },
        secret: SECRET,
        thinking: THINKING,
        // Claude gives its signed thinking with the call whatever the request says.
        anthropicThinking: 'always',
      });

      const run = await runCodex(model, 'Read secret.txt with the shell and tell me what it says.');

      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      expect(run.stdout.trim()).toBe(`The file says: ${SECRET}`);
      const requests = generationRequests(type);
      expect(requests).toHaveLength(2);
      // The second request carries what the shell printed, which only the file holds.
      expect(JSON.stringify(requests[1].body)).toContain(SECRET);
      if (type === 'anthropic') {
        // Claude's signed thinking went back to Claude before the tool_use (the fake verified the signature).
        const body = requests[1].body as AnthropicRequestBody;
        const assistant = body.messages.find((m) => m.role === 'assistant');
        expect(assistant?.content).toEqual([
          expect.objectContaining({ type: 'thinking', thinking: THINKING }),
          expect.objectContaining({ type: 'tool_use', name: 'exec_command' }),
        ]);
      }
      if (type === 'gemini') {
        // Gemini's thought signature is back on the functionCall it came with (the fake verified it).
        const body = requests[1].body as GeminiRequestBody;
        const model = body.contents.find((c) => c.role === 'model');
        expect(model?.parts.find((p) => p.functionCall)).toEqual(
          expect.objectContaining({ thoughtSignature: expect.any(String) }),
        );
      }
      expect(trap.attempts).toEqual([]);
    },
  );
});
