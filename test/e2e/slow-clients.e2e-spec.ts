// Drill: slow parties (four processes). A client that stops reading a big stream gets backpressure all the way
// to the upstream: the fake upstream's writes stall after a bounded amount (what the socket buffers on the way
// hold), ingress's memory stays flat instead of holding the stream, and the rest arrives intact once the client
// reads again. Slowloris clients that trickle the request head or body are cut off (408) by the header and
// request timeouts, while a long streamed answer to a request that arrived in time is not.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import { readFileSync } from 'node:fs';
import { IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';

const WORD = 'x'.repeat(4_000);
const WORDS = 50_000;
/**
 * About 210 MB of stream: far more than every socket buffer between the fake and the client holds, and than the
 * garbage ingress leaves while relaying what those buffers took (so a memory bound can tell the two apart: that
 * garbage measured 29 MB with Nest 11 and 36–45 MB with Nest 12 and TypeORM 1, against a third of the stream).
 */
const BIG_ANSWER = Array.from({ length: WORDS }, () => WORD).join(' ');
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

/** Resolves once `read()` has given the same value `times` times in a row, `everyMs` apart. */
async function steady(read: () => number, what: string, times = 5, everyMs = 200): Promise<number> {
  let last = -1;
  let same = 0;
  return waitFor(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      const now = read();
      same = now === last ? same + 1 : 0;
      last = now;
      return same >= times ? now : null;
    },
    { what, timeoutMs: 30_000, intervalMs: 0 },
  );
}

/** Writes `piece` every `everyMs` until the server closes the socket; resolves with what the server sent. */
function trickle(
  port: number,
  head: string,
  piece: string,
  everyMs: number,
): Promise<{ answer: string; piecesSent: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let piecesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, piecesSent });
    });
    socket.once('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (socket.writable) {
          socket.write(piece);
          piecesSent += 1;
        }
      }, everyMs);
    });
  });
}

describe('slow clients (distributed)', () => {
  let relay: Deployment;
  let upstream: FakeOpenAI;
  let key: string;
  let port: number;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    relay = await startDeployment('distributed', {
      label: 'e2e_slow_clients',
      env: {
        RELAYMESH_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        RELAYMESH_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
    });
    port = Number(new URL(relay.url).port);
    await relay.admin('POST', '/channels', {
      name: 'big',
      type: 'openai',
      base_url: upstream.url,
      keys: ['sk-up'],
      models: ['big-m'],
    });
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'slow' })).body.key;
    await waitFor(
      async () => {
        const res = await fetch(`${relay.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'big-m', messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status === 200;
      },
      { what: 'big-m routable' },
    );
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  afterEach(() => upstream.reset());

  it('should push back on the upstream while a client does not read, and hold no stream in memory', async () => {
    upstream.setResponder(() => ({ text: BIG_ANSWER }));
    const pid = relay.pidOf('ingress');
    const rssBefore = rssBytes(pid);

    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${relay.url}/v1/chat/completions`, {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(
        JSON.stringify({
          model: 'big-m',
          stream: true,
          messages: [{ role: 'user', content: 'a very long answer please' }],
        }),
      );
    });
    expect(res.statusCode).toBe(200);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let stoppedReading = false;
    res.on('data', (chunk: Buffer) => {
      received.push(chunk);
      receivedBytes += chunk.length;
      // The client reads the beginning, then stops reading.
      if (receivedBytes >= 64 * 1024 && !stoppedReading) {
        stoppedReading = true;
        res.pause();
      }
    });
    const ended = new Promise<void>((resolve) => res.on('end', resolve));

    const readBeforeStopping = await waitFor(() => stoppedReading && receivedBytes, {
      what: 'the client to read the beginning',
    });
    const stalledAt = await steady(
      () => upstream.streams.bytesFlushed,
      'the upstream writes to stall',
    );
    const rssStalled = rssBytes(pid);
    const streamBytes = BIG_ANSWER.length + WORDS * 200;
    // Stalled far short of the whole stream: only what the sockets' buffers on the way hold went out.
    expect(stalledAt).toBeLessThan(streamBytes / 4);
    expect(upstream.streams.finished).toBe(0);
    // And ingress did not take it into memory either: a buffering gateway would grow by the whole stream (more,
    // as strings); this one grows by the garbage of the chunks it relayed, not yet collected.
    expect(rssStalled - rssBefore).toBeLessThan(streamBytes / 3);

    // Reading again, the client gets the whole answer, intact, to its end.
    res.resume();
    await ended;
    const text = Buffer.concat(received).toString('utf8');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(text.split(WORD).length - 1).toBe(WORDS);
    expect(upstream.streams.finished).toBe(1);

    console.log(
      `slow reader: the upstream stalled after ${(stalledAt / 1e6).toFixed(1)} MB of a ` +
        `${(streamBytes / 1e6).toFixed(0)} MB stream (the client had read ${readBeforeStopping} bytes); ingress RSS ` +
        `${(rssBefore / 1e6).toFixed(0)} MB before, ${(rssStalled / 1e6).toFixed(0)} MB while stalled`,
    );
  });

  it('should cut off a client that trickles its request head (408)', async () => {
    const { answer, piecesSent } = await trickle(
      port,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${key}\r\n`,
      'x-slow: still-coming\r\n',
      100,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // It was cut while still sending, not after it gave up.
    expect(piecesSent).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('should cut off a client that trickles its request body (408)', async () => {
    const body = JSON.stringify({ model: 'big-m', messages: [{ role: 'user', content: 'hi' }] });
    const { answer, piecesSent } = await trickle(
      port,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${key}\r\n` +
        `content-type: application/json\r\ncontent-length: ${body.length + 100_000}\r\n\r\n${body}`,
      ' ',
      100,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(piecesSent).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('should not cut a streamed answer that lasts longer than the request timeout', async () => {
    upstream.setResponder(() => ({
      text: Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '),
    }));
    upstream.setStreamChunkDelayMs(Math.ceil((REQUEST_TIMEOUT_MS * 1.5) / 30));
    const started = Date.now();
    const res = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'big-m',
        stream: true,
        messages: [{ role: 'user', content: 'take your time' }],
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS);
    expect(text).toContain('"content":"w29"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });
});
