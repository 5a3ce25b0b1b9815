// The Node floor row: what one proxy hop costs in Node itself, measured in the same run. The least a metering
// gateway written in Node must do, with the libraries relaymesh relays with and nothing else: a node:http
// server reads the request's body and parses it (a gateway must read `model` and `stream`), forwards it with
// undici (a keep-alive pool per upstream) and, for a JSON answer, reads and parses the whole answer (its
// `usage`) before sending it on; a stream's chunks go on as they come. No keys, no routing, no metering, no
// metrics, no logs. Requests are the direct calls, unchanged, as nginx gets them: `/v1/messages` goes to the
// Anthropic fake, anything else to the OpenAI one. In a process of its own (forked by the bench, so its CPU and
// memory are measured alone); nginx's row is the floor of a proxy hop in C, this one the floor in Node, so
// relaymesh's figures over this one are what relaymesh itself costs.
import { ChildProcess, fork } from 'node:child_process';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { FakeUpstreamUrls } from './fake-upstreams';

export interface NodeFloor {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Request headers not passed on: hop-by-hop ones, and those undici sets itself. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length']);

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

async function proxy(
  pools: { openai: Pool; anthropic: Pool },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const request = JSON.parse(body) as { model?: unknown; stream?: unknown };
  if (typeof request.model !== 'string') {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"model"}');
    return;
  }
  const pool = req.url?.startsWith('/v1/messages') ? pools.anthropic : pools.openai;
  const answer = await pool.request({
    method: 'POST',
    path: req.url ?? '/',
    headers: forwardedHeaders(req),
    body,
  });
  const contentType = String(answer.headers['content-type'] ?? 'application/json');
  if (contentType.startsWith('text/event-stream')) {
    res.writeHead(answer.statusCode, { 'content-type': contentType, 'cache-control': 'no-cache' });
    for await (const chunk of answer.body) res.write(chunk);
    res.end();
    return;
  }
  const text = await answer.body.text();
  // What a metering gateway reads from a JSON answer; parsed, as it would be, and thrown away here.
  JSON.parse(text);
  res.writeHead(answer.statusCode, { 'content-type': contentType }).end(text);
}

/** The forked process: serves on a free loopback port, tells the bench its URL. */
function serve(): void {
  const urls = JSON.parse(process.env.NODE_FLOOR_UPSTREAMS ?? '{}') as FakeUpstreamUrls;
  const pools = {
    openai: new Pool(urls.openai, { connections: 128 }),
    anthropic: new Pool(urls.anthropic, { connections: 128 }),
  };
  const server = createServer((req, res) => {
    proxy(pools, req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.(`http://127.0.0.1:${port}`);
  });
  process.once('disconnect', () => process.exit(0));
}

/**
 * Forks the Node floor in front of the fakes, with the V8 flags relaymesh's apps run with (the same young
 * generation), not the bench's own (--cpu-prof). This file imports nothing but node and undici, so the floor's
 * memory is its own.
 */
export function startNodeFloor(
  upstreams: FakeUpstreamUrls,
  nodeFlags: readonly string[],
): Promise<NodeFloor> {
  const child: ChildProcess = fork(__filename, ['--serve'], {
    env: { ...process.env, NODE_FLOOR_UPSTREAMS: JSON.stringify(upstreams) },
    execArgv: [...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('message', (url) =>
      resolve({
        url: url as string,
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            await exited;
          }
        },
      }),
    );
    child.once('exit', (code) => reject(new Error(`node floor exited with ${code}`)));
  });
}

if (require.main === module && process.argv.includes('--serve')) serve();
