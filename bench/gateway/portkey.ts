// The optional side-by-side baseline (`--portkey`): Portkey's open-source gateway, @portkey-ai/gateway 1.15.2,
// the figure issue 9 compares against. Installed with npm into a directory under the OS temp dir, outside the
// repository (never a dependency of relaymesh, never committed), reused by later runs; skipped with a note
// when the registry cannot be reached. Requests go to the same fake upstreams through its custom-host header.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@relaymesh/testing';
import {
  HttpCall,
  Scenario,
  UPSTREAM_ANTHROPIC_KEY,
  UPSTREAM_OPENAI_KEY,
  UpstreamName,
} from './scenarios';

const PACKAGE = '@portkey-ai/gateway';
const VERSION = '1.15.2';
const INSTALL_DIR = join(tmpdir(), 'relaymesh-bench-portkey');

export interface PortkeyGateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function installedVersion(): string | null {
  const file = join(INSTALL_DIR, 'node_modules', PACKAGE, 'package.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
}

/** Installs (once) and starts Portkey; null with the reason printed when it cannot be had. */
export async function startPortkey(log: (line: string) => void): Promise<PortkeyGateway | null> {
  if (installedVersion() !== VERSION) {
    log(`portkey: installing ${PACKAGE}@${VERSION} into ${INSTALL_DIR} ...`);
    try {
      await promisify(execFile)(
        'npm',
        ['install', '--prefix', INSTALL_DIR, '--no-audit', '--no-fund', `${PACKAGE}@${VERSION}`],
        { timeout: 300_000 },
      );
    } catch (err) {
      log(
        `portkey: skipped, npm install failed (offline?): ${(err as Error).message.split('\n')[0]}`,
      );
      return null;
    }
  }
  const port = await freePort();
  const entry = join(INSTALL_DIR, 'node_modules', PACKAGE, 'build', 'start-server.js');
  const child: ChildProcess = spawn(process.execPath, [entry, `--port=${port}`, '--headless'], {
    cwd: INSTALL_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(url)).ok, {
      what: 'portkey gateway up',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  } catch (err) {
    child.kill('SIGKILL');
    log(`portkey: skipped, it did not start: ${(err as Error).message}`);
    return null;
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The scenario's gateway request as Portkey takes it: provider and upstream in headers, upstream credentials. */
export function portkeyCall(scenario: Scenario, upstreams: Record<UpstreamName, string>): HttpCall {
  const call = scenario.viaGateway('unused');
  const headers = Object.fromEntries(
    Object.entries(call.headers).filter(
      ([name]) => name !== 'authorization' && name !== 'x-api-key',
    ),
  );
  const credentials: Record<string, string> =
    scenario.servedBy === 'openai'
      ? { authorization: `Bearer ${UPSTREAM_OPENAI_KEY}` }
      : { 'x-api-key': UPSTREAM_ANTHROPIC_KEY };
  return {
    ...call,
    headers: {
      ...headers,
      ...credentials,
      'x-portkey-provider': scenario.servedBy,
      'x-portkey-custom-host': `${upstreams[scenario.servedBy]}/v1`,
    },
  };
}
