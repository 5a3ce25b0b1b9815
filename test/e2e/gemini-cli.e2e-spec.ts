// The real Google Gemini CLI against relaymesh, set up as its documentation says for a custom endpoint:
// `GOOGLE_GEMINI_BASE_URL` pointed at relaymesh, a relaymesh key as `GEMINI_API_KEY`, API-key auth, telemetry,
// usage statistics and auto-update off in `~/.gemini/settings.json` (a temp HOME). `gemini -p` answers a plain
// prompt and runs a shell-tool round trip (the fake model calls `run_shell_command`, allowed for this one
// command by a policy file, and the answer quotes a file only the shell could have read) over openai,
// anthropic and gemini channels.
//
// The Claude channel is the case of issue 17: Gemini CLI asks for thinking, Claude answers with a signed
// thinking block, relaymesh hands the signature to Gemini CLI on the functionCall part (as real Gemini does),
// and Gemini CLI's next request must get Claude that very signature back — the fake Anthropic refuses any
// other (a placeholder, a made-up one) with 400 "Invalid `signature` in `thinking` block", as the real API does.
//
// Nothing leaves 127.0.0.1: every proxy variable points at a trap, and each test asserts it saw nothing.
// The CLI is `@google/gemini-cli` (JavaScript, a devDependency; node-pty is optional and not needed headless).
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

const GEMINI_CLI = resolve(__dirname, '../../node_modules/@google/gemini-cli/bundle/gemini.js');
const gemini = locateClient('Gemini CLI (@google/gemini-cli)', [GEMINI_CLI]);

const SECRET = 'relaymesh-gemini-shell-8812';
const HELLO = 'Hello from the fake model behind relaymesh.';
const SHELL_COMMAND = 'cat secret.txt';
const THINKING = 'The user wants the file; I will read it with the shell.';
// A Gemini 3 name on the Gemini channel: the fake then refuses a function call replayed without its signature.
const CHANNELS = [
  { type: 'openai', model: 'gm-gpt' },
  { type: 'anthropic', model: 'gm-claude' },
  { type: 'gemini', model: 'gemini-3-flash-preview' },
] as const satisfies readonly ClientChannel[];
type ChannelType = (typeof CHANNELS)[number]['type'];

const describeGemini = shouldRunClientSuite(gemini) ? describe : describe.skip;

describeGemini('Google Gemini CLI through relaymesh (gemini -p, GOOGLE_GEMINI_BASE_URL)', () => {
  let gateway: ClientGateway;
  let trap: ProxyTrap;
  let workspace: ClientWorkspace;

  const runGemini = (model: string, prompt: string): Promise<ClientRun> =>
    runClient(
      process.execPath,
      // --skip-trust: a headless run in a folder never trusted interactively refuses to start without it.
      [GEMINI_CLI, '--model', model, '--skip-trust', '--output-format', 'json', '--prompt', prompt],
      {
        cwd: workspace.project,
        // Under jest's 90 s, so a hung client fails with its own output rather than a bare timeout.
        timeoutMs: 60_000,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: workspace.home,
          GOOGLE_GEMINI_BASE_URL: gateway.relay.url,
          GEMINI_API_KEY: gateway.clientKey,
          ...trap.env(),
        },
      },
    );

  beforeAll(async () => {
    if (!gemini.found) throw new Error(gemini.reason);
    workspace = makeClientWorkspace('gemini', SECRET);
    const { home } = workspace;
    mkdirSync(join(home, '.gemini', 'policies'), { recursive: true });
    writeFileSync(
      join(home, '.gemini', 'settings.json'),
      JSON.stringify({
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        security: { auth: { selectedType: 'gemini-api-key' } },
      }),
    );
    // Headless runs deny what would ask the user; this one command is allowed, nothing else.
    writeFileSync(
      join(home, '.gemini', 'policies', 'relaymesh-e2e.toml'),
      [
        '[[rule]]',
        'toolName = "run_shell_command"',
        `commandPrefix = "${SHELL_COMMAND}"`,
        'decision = "allow"',
        'priority = 100',
        '',
      ].join('\n'),
    );
    trap = await ProxyTrap.start();
    gateway = await startClientGateway({
      label: 'gemini_cli',
      channelPrefix: 'gemini-cli',
      keyName: 'gemini-cli',
      channels: CHANNELS,
    });
  }, 90_000);

  afterEach(() => resetClientGateway(gateway, trap));

  afterAll(async () => {
    await stopClientGateway(gateway);
    await trap?.close();
    workspace?.remove();
  });

  const generationRequests = (type: ChannelType): RecordedRequest[] =>
    gateway.fakes[type].requests.filter(
      (r) => r.method === 'POST' && !/count_?tokens/i.test(r.path),
    );

  /** The answer Gemini CLI printed (`--output-format json`), after checking the run succeeded. */
  const answerOf = (run: ClientRun): string => {
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    return (JSON.parse(run.stdout) as { response: string }).response;
  };

  it.each(CHANNELS)(
    'should answer a plain prompt over the $type channel',
    async ({ type, model }) => {
      scriptPlainAnswer(gateway.fakes, HELLO);

      const run = await runGemini(model, 'Say hello.');

      expect(answerOf(run).trim()).toBe(HELLO);
      expect(generationRequests(type)).toHaveLength(1);
      expect(JSON.stringify(generationRequests(type)[0].body)).toContain('run_shell_command');
      expect(trap.attempts).toEqual([]);
    },
  );

  it.each(CHANNELS)(
    'should run a shell-tool round trip over the $type channel',
    async ({ type, model }) => {
      scriptShellRoundTrip(gateway.fakes, {
        tool: 'run_shell_command',
        call: { command: SHELL_COMMAND },
        secret: SECRET,
        thinking: THINKING,
        // Thinking only when asked for, as Claude does (Gemini CLI asks through thinkingConfig).
        anthropicThinking: 'when-asked',
      });

      const run = await runGemini(
        model,
        'Read secret.txt with the shell and tell me what it says.',
      );

      expect(answerOf(run).trim()).toBe(`The file says: ${SECRET}`);
      const requests = generationRequests(type);
      expect(requests).toHaveLength(2);
      // The second request carries what the shell printed, which only the file holds.
      expect(JSON.stringify(requests[1].body)).toContain(SECRET);
      if (type === 'anthropic') {
        // Thinking was on, and Claude got its own signed thinking back before the tool_use: the fake verified
        // the signature (a placeholder or a made-up one would have been a 400 and a failed run).
        const body = requests[1].body as AnthropicRequestBody;
        expect(body['thinking']).toEqual(expect.objectContaining({ type: 'enabled' }));
        const assistant = body.messages.find((m) => m.role === 'assistant');
        expect(assistant?.content).toEqual([
          expect.objectContaining({ type: 'thinking', thinking: THINKING }),
          expect.objectContaining({ type: 'tool_use', name: 'run_shell_command' }),
        ]);
      }
      if (type === 'gemini') {
        const body = requests[1].body as GeminiRequestBody;
        const modelTurn = body.contents.find((c) => c.role === 'model');
        expect(modelTurn?.parts.find((p) => p.functionCall)).toEqual(
          expect.objectContaining({ thoughtSignature: expect.any(String) }),
        );
      }
      expect(trap.attempts).toEqual([]);
    },
  );
});
