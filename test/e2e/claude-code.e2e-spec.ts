// The real Claude Code CLI against relaymesh, as teams run it: `ANTHROPIC_BASE_URL` pointed at the gateway, a
// relaymesh key as the API key. Claude Code is the most demanding Anthropic client there is (beta query string,
// `anthropic-beta` headers, a large system prompt with cache_control, a dozen tools, streaming, a mid-conversation
// system message for models it does not know, count_tokens). It runs against an Anthropic channel
// (pass-through), an OpenAI and a Gemini channel (translated both ways), including a real tool round trip:
// the fake model asks Claude Code to read a file, Claude Code reads it and sends the result back, and the fake
// model's final answer quotes it.
//
// The CLI is the native build of `@anthropic-ai/claude-code` for linux-x64 (the JS wrapper package needs an
// install script; the platform package is the binary itself). It is an optional dependency, so `npm ci` works on
// other platforms: there this suite skips, saying so; in CI (CI=true) a missing binary fails it.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  AnthropicContentBlock,
  AnthropicRequestBody,
  ClientWorkspace,
  Deployment,
  FakeAnthropic,
  FakeGemini,
  FakeOpenAI,
  ProxyTrap,
  locateClient,
  makeClientWorkspace,
  shouldRunClientSuite,
  startClientGateway,
  stopClientGateway,
} from '@relaymesh/testing';

const CLAUDE = resolve(__dirname, '../../node_modules/@anthropic-ai/claude-code-linux-x64/claude');
const claudeCli = locateClient(
  'Claude Code CLI (optional dependency @anthropic-ai/claude-code-linux-x64, linux-x64 glibc only)',
  [CLAUDE],
);
const runClaudeSuite = shouldRunClientSuite(claudeCli);
const SUITE = runClaudeSuite
  ? 'Claude Code CLI through relaymesh'
  : `Claude Code CLI through relaymesh (skipped: ${claudeCli.found ? '' : claudeCli.reason})`;
const describeWithClaude = runClaudeSuite ? describe : describe.skip;
const SECRET = 'relaymesh-tool-round-trip-7731';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runClaude(args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      CLAUDE,
      args,
      { cwd, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** The last user turn's tool_result text, if the turn carries one. */
function toolResultText(request: AnthropicRequestBody): string | null {
  const last = request.messages.at(-1);
  if (!last || typeof last.content === 'string') return null;
  const result = last.content.find((b: AnthropicContentBlock) => b.type === 'tool_result');
  if (!result) return null;
  const content = result['content'];
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return (content as AnthropicContentBlock[]).map((b) => b.text ?? '').join('');
  }
  return null;
}

describeWithClaude(SUITE, () => {
  let relay: Deployment;
  let anthropic: FakeAnthropic;
  let openai: FakeOpenAI;
  let gemini: FakeGemini;
  let trap: ProxyTrap;
  let clientKey: string;
  let workspace: ClientWorkspace;
  let home: string;
  let project: string;

  const env = (model: string): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: relay.url,
    ANTHROPIC_API_KEY: clientKey,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: model,
    // Nothing may leave 127.0.0.1: no update checks, telemetry or error reporting.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CI: '1',
    // Anything that still tried to leave would go through the trap, and the tests check it saw nothing.
    ...trap.env(),
  });

  beforeAll(async () => {
    workspace = makeClientWorkspace('claude', SECRET);
    ({ home, project } = workspace);
    trap = await ProxyTrap.start();
    // Anthropic first: the pass-through channel is the one Claude Code is made for.
    ({
      relay,
      clientKey,
      fakes: { anthropic, openai, gemini },
    } = await startClientGateway({
      label: 'claude_code',
      channelPrefix: 'cc',
      keyName: 'claude-code',
      channels: [
        { type: 'anthropic', model: 'cc-sonnet' },
        { type: 'openai', model: 'cc-gpt' },
        { type: 'gemini', model: 'cc-gemini' },
      ],
    }));
  }, 90_000);

  afterAll(async () => {
    await stopClientGateway({ relay, fakes: { anthropic, openai, gemini } });
    await trap?.close();
    workspace?.remove();
  });

  it('should answer a prompt over an Anthropic channel, passing Claude Code requests through', async () => {
    anthropic.reset();
    anthropic.setResponder(() => ({ text: 'Hello from the fake Claude behind relaymesh.' }));
    const run = await runClaude(
      ['-p', 'Say hello.', '--output-format', 'json', '--model', 'cc-sonnet'],
      env('cc-sonnet'),
      project,
    );
    expect(run.stderr).not.toMatch(/API Error|ECONNREFUSED/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { result: string; is_error: boolean };
    expect(result.is_error).toBe(false);
    expect(result.result).toContain('Hello from the fake Claude behind relaymesh.');

    const messages = anthropic.requests.filter((r) => r.path === '/v1/messages');
    expect(messages.length).toBeGreaterThan(0);
    const main = messages.find((r) => ((r.body as AnthropicRequestBody).tools ?? []).length > 0)!;
    expect(main).toBeDefined();
    // Passed through: Claude Code's own fields and betas reach the upstream as it sent them.
    expect(main.headers['anthropic-beta']).toBeTruthy();
    expect(main.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(JSON.stringify(main.body)).toContain('cache_control');
    expect(trap.attempts).toEqual([]);
  });

  it.each([
    ['an Anthropic channel (pass-through)', 'cc-sonnet'],
    ['an OpenAI channel (translated)', 'cc-gpt'],
    ['a Gemini channel (translated)', 'cc-gemini'],
  ])('should run a tool round trip over %s', async (_, model) => {
    anthropic.reset();
    openai.reset();
    gemini.reset();
    trap.reset();
    const file = join(project, 'secret.txt');
    const answer = (result: string) =>
      `The file says: ${result.includes(SECRET) ? SECRET : 'something else'}`;
    anthropic.setResponder((request) => {
      const result = toolResultText(request);
      return result === null
        ? { toolCalls: [{ name: 'Read', input: { file_path: file } }] }
        : { text: answer(result) };
    });
    openai.setResponder((request) => {
      const last = request.messages.at(-1);
      return last?.role === 'tool'
        ? { text: answer(JSON.stringify(last.content)) }
        : { toolCalls: [{ name: 'Read', arguments: JSON.stringify({ file_path: file }) }] };
    });
    gemini.setResponder((request) => {
      const response = request.contents.at(-1)?.parts.find((p) => p.functionResponse);
      return response
        ? { text: answer(JSON.stringify(response.functionResponse)) }
        : { functionCalls: [{ name: 'Read', args: { file_path: file } }] };
    });
    const run = await runClaude(
      [
        '-p',
        'Read secret.txt and tell me what it says.',
        '--output-format',
        'json',
        '--model',
        model,
        '--allowedTools',
        'Read',
      ],
      env(model),
      project,
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { result: string; num_turns: number };
    expect(result.result).toContain(`The file says: ${SECRET}`);
    expect(result.num_turns).toBeGreaterThanOrEqual(2);
    expect(trap.attempts).toEqual([]);
  });
});
