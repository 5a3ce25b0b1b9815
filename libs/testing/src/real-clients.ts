// What an e2e test of a real client program (Codex CLI, Gemini CLI, Claude Code) needs around it: finding the
// program a devDependency installed (a native binary comes in a per-platform optional package, so it may be
// absent on another platform), running it with no terminal and a closed stdin, and a proxy trap that proves
// the program sent nothing past 127.0.0.1: every proxy variable points at it, so an update check, telemetry or
// a plugin sync shows up in `attempts` instead of leaving the machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAnthropic } from './fake-anthropic/fake-anthropic.server';
import type {
  AnthropicContentBlock,
  AnthropicRequestBody,
} from './fake-anthropic/fake-anthropic.types';
import { FakeGemini } from './fake-gemini/fake-gemini.server';
import type { GeminiRequestBody } from './fake-gemini/fake-gemini.types';
import { FakeOpenAI } from './fake-openai/fake-openai.server';
import type { ChatRequestBody } from './fake-openai/fake-openai.types';
import { waitFor } from './infra';
import { startDeployment, type Deployment } from './relaymesh-launcher';

export interface ClientRun {
  /** The exit code, or null when the run was killed (timeout) or ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunClientOptions {
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
}

/**
 * Runs `file` with `args` as a script would: stdin closed (CLIs that read extra input from a pipe see its end at
 * once), the environment given and nothing else, killed after `timeoutMs` (90 s by default).
 */
export function runClient(
  file: string,
  args: string[],
  options: RunClientOptions,
): Promise<ClientRun> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 90_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/** Where a client program is, or why it is not there. */
export type ClientLocation = { found: true; path: string } | { found: false; reason: string };

/**
 * The first of `candidates` (absolute paths) that exists. A client whose binary comes in an optional
 * per-platform package is missing on platforms it does not ship for; the reason says what to install.
 */
export function locateClient(name: string, candidates: string[]): ClientLocation {
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path !== undefined) return { found: true, path };
  return {
    found: false,
    reason:
      `${name} is not installed for ${process.platform}-${process.arch} ` +
      `(looked for ${candidates.join(', ')}): run npm install; its binary is an optional dependency`,
  };
}

/** Whether `env` says this is a CI run (`CI` set to anything but empty, `0` or `false`, as CI services set it). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env['CI'] ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/**
 * Whether an e2e suite of a client should run: where it is installed, yes; where it is not, the suite is
 * skipped with the reason printed, except in CI (`CI=true`), where a missing client must fail the run rather
 * than pass it silently.
 */
export function shouldRunClientSuite(location: ClientLocation): boolean {
  if (location.found) return true;
  if (isCi(process.env)) return true;
  console.warn(`skipping: ${location.reason}`);
  return false;
}

/**
 * A loopback TCP server that takes the place of an HTTP(S) proxy: it records the first line of each
 * connection (`CONNECT api.github.com:443 HTTP/1.1`, `GET http://… HTTP/1.1`) and closes it, so nothing gets
 * through and a test can assert that nothing was even tried.
 */
export class ProxyTrap {
  readonly attempts: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ProxyTrap> {
    const server = createServer();
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('ProxyTrap: no port');
    const trap = new ProxyTrap(server, `http://127.0.0.1:${address.port}`);
    server.on('connection', (socket) => trap.capture(socket));
    return trap;
  }

  /**
   * The proxy variables every HTTP stack reads (curl, reqwest, undici, Go, Python), in both cases, pointed at
   * the trap, with 127.0.0.1 and localhost exempt so relaymesh itself is reached directly.
   */
  env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY']) {
      env[name] = this.url;
      env[name.toLowerCase()] = this.url;
    }
    env['NO_PROXY'] = '127.0.0.1,localhost';
    env['no_proxy'] = '127.0.0.1,localhost';
    return env;
  }

  reset(): void {
    this.attempts.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((closed) => this.server.close(() => closed()));
  }

  private capture(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\n');
      // A request line is short; past 4 KiB without one it is not HTTP, recorded as it came.
      if (end === -1 && head.length < 4096) return;
      this.attempts.push((end === -1 ? head : head.slice(0, end)).trim());
      socket.destroy();
    });
  }
}

/** One channel of a client suite: its upstream type (a fake of that API behind it) and the model it serves. */
export interface ClientChannel {
  type: 'openai' | 'anthropic' | 'gemini';
  model: string;
}

/** One fake per upstream API, keyed by the channel type that points at it. */
export interface UpstreamFakes {
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  gemini: FakeGemini;
}

/** What a client suite talks to: an embedded relaymesh, the fakes behind its channels and a client key. */
export interface ClientGateway {
  relay: Deployment;
  fakes: UpstreamFakes;
  clientKey: string;
}

export interface ClientGatewayOptions {
  /** The deployment's label (its schema and subject prefix). */
  label: string;
  /** Each channel is named `${channelPrefix}-${type}`. */
  channelPrefix: string;
  /** The client key's name. */
  keyName: string;
  /** Created in this order, each pointed at the fake of its type. */
  channels: readonly ClientChannel[];
}

/** The upstream keys the fakes are given, one per API, in each API's own shape. */
const UPSTREAM_KEYS: Record<ClientChannel['type'], string> = {
  openai: 'sk-upstream',
  anthropic: 'sk-ant-upstream',
  gemini: 'AIza-upstream',
};

/**
 * The gateway a client suite runs against: the three fakes, an embedded deployment with one channel per entry
 * of `channels`, and a client key, answered once every channel is routable (the model list shows them all).
 * Throws with the admin API's answer when a channel or the key is refused; on any failure what was started is
 * stopped again.
 */
export async function startClientGateway(options: ClientGatewayOptions): Promise<ClientGateway> {
  const [openai, anthropic, gemini] = await Promise.all([
    FakeOpenAI.start(),
    FakeAnthropic.start(),
    FakeGemini.start(),
  ]);
  const fakes: UpstreamFakes = { openai, anthropic, gemini };
  let relay: Deployment | undefined;
  try {
    relay = await startDeployment('embedded', { label: options.label });
    for (const { type, model } of options.channels) {
      const channel = await relay.admin('POST', '/channels', {
        name: `${options.channelPrefix}-${type}`,
        type,
        base_url: fakes[type].url,
        keys: [UPSTREAM_KEYS[type]],
        models: [model],
      });
      if (channel.status !== 201) {
        throw new Error(`channel refused (${channel.status}): ${JSON.stringify(channel.body)}`);
      }
    }
    const created = await relay.admin<{ key: string }>('POST', '/keys', { name: options.keyName });
    if (created.status !== 201) {
      throw new Error(`key refused (${created.status}): ${JSON.stringify(created.body)}`);
    }
    const clientKey = created.body.key;
    const deployment = relay;
    await waitFor(
      async () => {
        const res = await fetch(`${deployment.url}/v1/models`, {
          headers: { authorization: `Bearer ${clientKey}` },
        });
        const list = (await res.json()) as { data?: { id: string }[] };
        return (list.data ?? []).length >= options.channels.length;
      },
      { what: 'the three channels routable', timeoutMs: 10_000 },
    );
    return { relay: deployment, fakes, clientKey };
  } catch (err) {
    await stopClientGateway({ relay, fakes });
    throw err;
  }
}

/** Stops what startClientGateway started; safe on a gateway that never finished starting. */
export async function stopClientGateway(
  gateway: { relay?: Deployment; fakes?: Partial<UpstreamFakes> } | undefined,
): Promise<void> {
  await gateway?.relay?.stop();
  const { openai, anthropic, gemini } = gateway?.fakes ?? {};
  await Promise.all([openai?.close(), anthropic?.close(), gemini?.close()]);
}

/** Forgets what the fakes recorded and what the trap saw, between tests. */
export function resetClientGateway(
  gateway: ClientGateway | undefined,
  trap: ProxyTrap | undefined,
): void {
  gateway?.fakes.openai.reset();
  gateway?.fakes.anthropic.reset();
  gateway?.fakes.gemini.reset();
  trap?.reset();
}

/** A client's temp HOME and project folder, the project holding `secret.txt` only a tool could read. */
export interface ClientWorkspace {
  home: string;
  project: string;
  remove(): void;
}

/** Makes the temp HOME and project of `client` (a name for the folders), with `secret` in project/secret.txt. */
export function makeClientWorkspace(client: string, secret: string): ClientWorkspace {
  const home = mkdtempSync(join(tmpdir(), `relaymesh-${client}-home-`));
  const project = mkdtempSync(join(tmpdir(), `relaymesh-${client}-project-`));
  writeFileSync(join(project, 'secret.txt'), `${secret}\n`);
  return {
    home,
    project,
    remove: () => {
      for (const dir of [home, project]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every fake answers `text` to whatever it is asked. */
export function scriptPlainAnswer(fakes: UpstreamFakes, text: string): void {
  fakes.openai.setResponder(() => ({ text }));
  fakes.anthropic.setResponder(() => ({ text }));
  fakes.gemini.setResponder(() => ({ text }));
}

/** A shell-tool round trip as the fake model plays it on every upstream. */
export interface ShellRoundTrip {
  /** The client's shell tool and the arguments the model calls it with. */
  tool: string;
  call: Record<string, unknown>;
  /** What only the file holds: the final answer quotes it only if the tool output carried it. */
  secret: string;
  /** The reasoning Claude (signed thinking) and Gemini (a thought, signed) give with the call. */
  thinking: string;
  /** Claude thinks always, or only when the request asks for thinking, as the real one does. */
  anthropicThinking: 'always' | 'when-asked';
}

/** The fake model's answer once it has the tool's output: `The file says: <secret>` only if the output had it. */
export function shellRoundTripAnswer(trip: ShellRoundTrip, toolOutput: string): string {
  return `The file says: ${toolOutput.includes(trip.secret) ? trip.secret : 'something else'}`;
}

/** The last user turn's tool_result content as JSON, or null when the turn carries none. */
function anthropicToolResult(request: AnthropicRequestBody): string | null {
  const last = request.messages.at(-1);
  if (!last || typeof last.content === 'string') return null;
  const result = last.content.find((b: AnthropicContentBlock) => b.type === 'tool_result');
  return result ? JSON.stringify(result['content']) : null;
}

/** Scripts every fake to call the shell tool first, then answer from what the tool printed. */
export function scriptShellRoundTrip(fakes: UpstreamFakes, trip: ShellRoundTrip): void {
  fakes.openai.setResponder((request: ChatRequestBody) => {
    const last = request.messages.at(-1);
    return last?.role === 'tool'
      ? { text: shellRoundTripAnswer(trip, JSON.stringify(last.content)) }
      : { toolCalls: [{ name: trip.tool, arguments: JSON.stringify(trip.call) }] };
  });
  fakes.anthropic.setResponder((request: AnthropicRequestBody) => {
    const output = anthropicToolResult(request);
    if (output !== null) return { text: shellRoundTripAnswer(trip, output) };
    const thinks = trip.anthropicThinking === 'always' || Boolean(request['thinking']);
    return {
      ...(thinks ? { thinking: { text: trip.thinking } } : {}),
      toolCalls: [{ name: trip.tool, input: trip.call }],
    };
  });
  fakes.gemini.setResponder((request: GeminiRequestBody) => {
    const response = request.contents.at(-1)?.parts.find((p) => p.functionResponse);
    return response
      ? { text: shellRoundTripAnswer(trip, JSON.stringify(response.functionResponse)) }
      : { thought: trip.thinking, functionCalls: [{ name: trip.tool, args: trip.call }] };
  });
}
