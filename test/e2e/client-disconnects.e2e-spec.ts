// Drill: 1,000 clients leave mid-stream (four processes). Each departure cancels the upstream call at once (the
// fake upstream sees every stream abandoned, none run to its end), the part delivered before it is billed (one
// usage record per request, with the prompt and the output delivered so far), the channel is not blamed for it
// (a client leaving is no upstream fault), and ingress leaks nothing: its open sockets and file descriptors go
// back to where they were before.
import { Deployment, FakeOpenAI, UsageRow, startDeployment, waitFor } from '@relaymesh/testing';
import { readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';

const STREAMS = 1_000;
const CONCURRENCY = 50;
const LONG_ANSWER = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
const PRICE = { input_usd_per_mtok: 3, output_usd_per_mtok: 15 };

/** Open file descriptors of a process, and how many of them are sockets. */
function descriptors(pid: number): { fds: number; sockets: number } {
  const links = readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return ''; // closed between the listing and the read
    }
  });
  return { fds: links.length, sockets: links.filter((l) => l.startsWith('socket:')).length };
}

/**
 * One streamed chat request on a connection of its own, dropped by the client as soon as the first piece of
 * the answer has arrived. Resolves with the request id once the socket is closed.
 */
function streamAndLeave(url: string, apiKey: string, requestId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/chat/completions`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${requestId}: status ${res.statusCode}`));
          res.resume();
          return;
        }
        let seen = '';
        res.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (seen.includes('"content":"word')) req.destroy();
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', () => undefined);
    req.on('close', () => resolve(requestId));
    req.end(
      JSON.stringify({
        model: 'long-m',
        stream: true,
        messages: [{ role: 'user', content: 'tell me a long story' }],
      }),
    );
  });
}

describe('clients leaving mid-stream (distributed)', () => {
  let relay: Deployment;
  let upstream: FakeOpenAI;
  let channelId: string;
  let key: { id: string; key: string };

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    upstream.setResponder(() => ({ text: LONG_ANSWER }));
    relay = await startDeployment('distributed', { label: 'e2e_disconnects' });
    const channel = await relay.admin<{ id: string }>('POST', '/channels', {
      name: 'long',
      type: 'openai',
      base_url: upstream.url,
      keys: ['sk-up'],
      models: ['long-m'],
    });
    channelId = channel.body.id;
    expect((await relay.admin('PUT', '/models/long-m', PRICE)).status).toBe(200);
    key = (
      await relay.admin<{ id: string; key: string }>('POST', '/keys', {
        name: 'leaver',
        credit_usd: 100,
      })
    ).body;
    const warm = await relay.admin<{ key: string }>('POST', '/keys', { name: 'warm-up' });
    await waitFor(
      async () => {
        const res = await fetch(`${relay.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${warm.body.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'long-m', messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status === 200;
      },
      { what: 'long-m routable' },
    );
    // The leaver's key cached too, by a request on a connection that is closed afterwards.
    upstream.setStreamChunkDelayMs(20);
    await streamAndLeave(relay.url, key.key, 'leave-warm-up');
    await waitFor(() => upstream.streams.abandoned === 1, { what: 'the warm-up stream abandoned' });
    upstream.reset();
    upstream.setResponder(() => ({ text: LONG_ANSWER }));
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('should cancel every upstream call, bill what was delivered and leak no socket', async () => {
    const pid = relay.pidOf('ingress');
    // Idle keep-alive connections of the warm-up close within seconds; measure from a settled process.
    const baseline = await waitFor(
      async () => {
        const first = descriptors(pid);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const second = descriptors(pid);
        return first.fds === second.fds ? second : null;
      },
      { what: 'a steady descriptor count', timeoutMs: 20_000 },
    );
    upstream.setStreamChunkDelayMs(20);

    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < STREAMS) {
          const id = `leave-${++next}`;
          ids.push(await streamAndLeave(relay.url, key.key, id));
        }
      }),
    );
    const peak = descriptors(pid);

    // Every upstream call was cancelled, none ran to its end.
    await waitFor(() => upstream.streams.abandoned >= STREAMS, {
      what: `${STREAMS} upstream streams abandoned (saw ${upstream.streams.abandoned})`,
      timeoutMs: 20_000,
    });
    expect(upstream.streams).toMatchObject({ started: STREAMS, finished: 0, abandoned: STREAMS });

    // No leak: back to the baseline once the last connections are torn down.
    const after = await waitFor(
      () => {
        const now = descriptors(pid);
        return now.sockets <= baseline.sockets && now.fds <= baseline.fds ? now : null;
      },
      { what: `sockets back to ${baseline.sockets} and fds to ${baseline.fds}`, timeoutMs: 20_000 },
    );

    // Billed for what was delivered: one record per request, with the prompt and the output sent so far.
    const rows = await waitFor(
      async () => {
        const res = await relay.admin<{ data: UsageRow[] }>(
          'GET',
          `/usage?key_id=${key.id}&limit=1000`,
        );
        const drill = res.body.data.filter((r) => /^leave-\d+$/.test(r.request_id));
        return drill.length >= STREAMS ? drill : null;
      },
      { what: `${STREAMS} usage records`, timeoutMs: 30_000 },
    );
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    const unbilled = rows.filter(
      (r) => !(r.input_tokens > 0 && r.output_tokens > 0 && r.cost_usd > 0),
    );
    expect(unbilled).toEqual([]);
    expect(rows.every((r) => r.late_error === 'client')).toBe(true);
    const fullAnswerTokens = LONG_ANSWER.length / 4;
    expect(rows.every((r) => r.output_tokens < fullAnswerTokens / 4)).toBe(true);

    // A client leaving is not the channel's fault: it is still healthy and serves.
    const channel = await relay.admin<{ health: { state: string; consecutive_failures: number } }>(
      'GET',
      `/channels/${channelId}`,
    );
    expect(channel.body.health).toMatchObject({ state: 'healthy', consecutive_failures: 0 });

    console.log(
      `client disconnect drill: ${STREAMS} streams left mid-way, ${upstream.streams.abandoned} upstream calls ` +
        `cancelled; ingress sockets ${baseline.sockets} before, ${peak.sockets} at the end of the run, ` +
        `${after.sockets} after (fds ${baseline.fds} / ${peak.fds} / ${after.fds}); every record billed ` +
        `(output ${Math.min(...rows.map((r) => r.output_tokens))}-${Math.max(...rows.map((r) => r.output_tokens))} tokens)`,
    );
  });
});
