// What an e2e test of a real client program (Codex CLI, Gemini CLI, Claude Code) needs around it: finding the
// program a devDependency installed (a native binary comes in a per-platform optional package, so it may be
// absent on another platform), running it with no terminal and a closed stdin, and a proxy trap that proves
// the program sent nothing past 127.0.0.1: every proxy variable points at it, so an update check, telemetry or
// a plugin sync shows up in `attempts` instead of leaving the machine.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

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
