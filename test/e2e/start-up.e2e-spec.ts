// What a person sees at a terminal: `npm start` (dist/embedded/main.js) prints a short banner and then only
// warnings and errors (LOG_LEVEL brings Nest's start-up log back), and a start refused for a bad environment
// prints the reason, not a stack trace, from the embedded launcher and a standalone app alike.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitFor } from '@relaymesh/testing';

const ROOT = resolve(__dirname, '../..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(entry: string, env: Record<string, string | undefined>): Run {
  const file = join(ROOT, 'dist', entry);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [file], {
    cwd: ROOT,
    // Only what the start needs: a LOG_LEVEL or DATABASE_URL of the test runner's must not leak in.
    env: { PATH: process.env['PATH'], NO_COLOR: '1', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

/** Starts `npm start`'s process, waits until it serves, stops it, and returns all it printed. */
async function startAndStop(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const proc = run('embedded/main.js', { PORT: String(port), RELAYMESH_DATA_DIR: dataDir, ...env });
  try {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      },
      { what: 'relaymesh ready', timeoutMs: 45_000, intervalMs: 100 },
    );
    await waitFor(() => proc.output().includes('relaymesh is up'), { what: 'the banner' });
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  return proc.output();
}

const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

describe('npm start', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-start-up-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should print a short banner with the URLs and the new admin token, and no module-loading log', async () => {
    const output = await startAndStop(dataDir);
    expect(output).toMatch(/API +http:\/\/localhost:\d+\n/);
    expect(output).toMatch(/console +http:\/\/localhost:\d+\/console\n/);
    expect(output).toMatch(/admin token +rm-admin-[A-Za-z0-9_-]{32}/);
    expect(output).toContain(`data         ${dataDir}`);
    expect(output).toContain('in-process bus, embedded Postgres (PGlite)');
    expect(output).not.toContain('InstanceLoader');
    // A clean first start has nothing to warn about (a warning here is one every newcomer would see).
    expect(output).not.toMatch(/\b(WARN|ERROR)\b/);
    expect(output.trim().split('\n').length).toBeLessThanOrEqual(12);
  });

  it('should not show the admin token again at the next start', async () => {
    const output = await startAndStop(dataDir);
    expect(output).toContain('relaymesh is up');
    expect(output).not.toContain('rm-admin-');
  });

  it('should bring the start-up log back with LOG_LEVEL=log', async () => {
    const output = await startAndStop(dataDir, { LOG_LEVEL: 'log' });
    expect(output).toContain('InstanceLoader');
    expect(output).toMatch(/logs +LOG_LEVEL=log\n/);
  });
});

describe('a start refused for a bad environment', () => {
  it.each([
    ['embedded/main.js', 'relaymesh', { RELAYMESH_ADMIN_TOKEN: 'short' }],
    ['embedded/main.js', 'relaymesh', { RELAYMESH_INGRESS_WORKERS: '2' }],
    ['apps/ingress/src/main.js', 'ingress', { RELAYMESH_ADMIN_TOKEN: 'short' }],
    ['apps/router/src/main.js', 'router', { LOG_LEVEL: 'loud' }],
  ])('should say why in %s, without a stack trace, and exit 1', async (entry, app, env) => {
    const proc = run(entry, { RELAYMESH_DATA_DIR: join(tmpdir(), 'relaymesh-never-made'), ...env });
    expect(await proc.exited).toBe(1);
    const output = proc.output();
    expect(output).toContain(`${app}: invalid environment:`);
    expect(output).toContain(Object.keys(env)[0]);
    expect(output).not.toMatch(STACK_FRAME);
  });
});

describe('a start on a data directory of another Postgres major', () => {
  it('should say what the directory is and what to do, without a stack trace, and exit 1', async () => {
    // What relaymesh with PGlite 0.5 (Postgres 18) left: PGlite 0.6 cannot open it ("failed to initialize").
    const dataDir = mkdtempSync(join(tmpdir(), 'relaymesh-pg18-'));
    mkdirSync(join(dataDir, 'pglite'));
    writeFileSync(join(dataDir, 'pglite', 'PG_VERSION'), '18\n');
    try {
      const proc = run('embedded/main.js', {
        PORT: String(await freePort()),
        RELAYMESH_DATA_DIR: dataDir,
      });
      expect(await proc.exited).toBe(1);
      const output = proc.output();
      expect(output).toContain('was made by Postgres 18; this relaymesh embeds Postgres 19');
      expect(output).toContain('RELAYMESH_DATA_DIR');
      expect(output).not.toMatch(STACK_FRAME);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
