// The floor row: what one proxy hop costs when nothing is done but relaying, measured in the same run. Debian's
// `nginx`, one process (`master_process off`: the one worker is the process the bench meters), started by the
// bench from a config in a temp dir on 127.0.0.1, `proxy_pass` to the same fake upstreams with upstream
// keep-alive and no buffering (a stream's chunks go on as they come). Requests are the direct calls, unchanged:
// `/v1/messages` goes to the Anthropic fake, anything else to the OpenAI one. Skipped with a note when no
// nginx binary is installed.
import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, waitFor } from '@relaymesh/testing';
import type { FakeUpstreamUrls } from './fake-upstreams';

export interface NginxFloor {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The nginx binary: on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export function findNginx(path = process.env.PATH ?? ''): string | null {
  const dirs = [...path.split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const file = join(dir, 'nginx');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** host:port of a loopback URL, as an nginx `server` line takes it. */
function hostPort(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port}`;
}

/** The whole config: one process, no logs on the request path, temp files inside `dir`. */
export function nginxConfig(dir: string, port: number, upstreams: FakeUpstreamUrls): string {
  const proxied = (upstream: string) =>
    [
      `proxy_pass http://${upstream};`,
      // Upstream keep-alive needs HTTP/1.1 and no `Connection: close` passed on.
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_buffering off;',
      'proxy_request_buffering off;',
    ].join(' ');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000;
  upstream openai { server ${hostPort(upstreams.openai)}; keepalive 128; keepalive_requests 1000000; }
  upstream anthropic { server ${hostPort(upstreams.anthropic)}; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port};
    location /v1/messages { ${proxied('anthropic')} }
    location / { ${proxied('openai')} }
  }
}
`;
}

/** Starts nginx in front of the fakes; null with the reason printed when it is not installed or fails. */
export async function startNginx(
  upstreams: FakeUpstreamUrls,
  log: (line: string) => void,
): Promise<NginxFloor | null> {
  const binary = findNginx();
  if (binary === null) {
    log('nginx: skipped, no nginx binary (Debian: apt-get install nginx)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'relaymesh-bench-nginx-'));
  const port = await freePort();
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, nginxConfig(dir, port, upstreams));
  // -e: the error log before the config is read (the default, /var/log/nginx, may not be writable).
  const child: ChildProcess = spawn(
    binary,
    ['-p', dir, '-c', config, '-e', join(dir, 'error.log')],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
        return (await fetch(`${url}/nginx-floor-ready`)).status > 0;
      },
      { what: 'nginx up', timeoutMs: 10_000, intervalMs: 100 },
    );
  } catch (err) {
    await stop();
    log(`nginx: skipped, it did not start: ${(err as Error).message}`);
    return null;
  }
  return { url, pid: child.pid!, stop };
}
