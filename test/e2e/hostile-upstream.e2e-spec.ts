// A deliberately hostile upstream against every ingress format (issue 15, D3, D8, D15 and beyond the list): each
// behaviour of the hostile fake (libs/testing fake-upstream.hostile.ts) is served to chat, responses, messages
// and Gemini generateContent, stream and non-stream, as a pass-through and across formats. Every answer must be a
// clean status in the caller's own envelope (no 500, no stack, no internals), cost the process at most 64 MB of
// RSS, show in the channel's health, leak no channel key, and leave metering working for the next request.
// One embedded process (all four apps): its RSS is what a 300 MB answer would grow.
import {
  Deployment,
  FakeAnthropic,
  FakeGemini,
  FakeOpenAI,
  HostileBehaviour,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;
type Upstream = 'openai' | 'anthropic' | 'gemini';
type Format = 'chat' | 'responses' | 'messages' | 'gemini' | 'embeddings';

const MB = 1024 * 1024;
/** Per request, over the RSS the process had when the request was sent. */
const RSS_BOUND = 64 * MB;
const HOSTILE_TIMEOUT_MS = 1_500;

/** How the channel's health must show the behaviour. */
type HealthEffect = 'failure' | 'disabled' | 'none';

interface Case {
  name: string;
  behaviour: HostileBehaviour;
  /** Statuses a client may get: the first failure's, and what later ones get once health has reacted. */
  statuses: number[];
  health: HealthEffect;
}

const FAILED = [502];
const CASES: Case[] = [
  {
    name: 'huge-json',
    behaviour: { kind: 'huge-json', bytes: 300e6 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'endless-line',
    behaviour: { kind: 'endless-line', bytes: 300e6 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'bomb-deep',
    behaviour: { kind: 'json-bomb', shape: 'deep', bytes: 8e6 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'bomb-wide',
    behaviour: { kind: 'json-bomb', shape: 'wide', bytes: 24e6 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'redirect',
    behaviour: { kind: 'status-only', status: 302 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'no-content',
    behaviour: { kind: 'status-only', status: 204 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'not-modified',
    behaviour: { kind: 'status-only', status: 304 },
    statuses: FAILED,
    health: 'failure',
  },
  { name: 'html', behaviour: { kind: 'html' }, statuses: FAILED, health: 'failure' },
  {
    name: 'gzip',
    behaviour: { kind: 'gzip', labelled: true },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'gzip-as-json',
    behaviour: { kind: 'gzip', labelled: false },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'invalid-utf8',
    behaviour: { kind: 'invalid-utf8' },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'upgrade',
    behaviour: { kind: 'informational', status: 101 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'continue',
    behaviour: { kind: 'informational', status: 100 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'hints',
    behaviour: { kind: 'informational', status: 103 },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'bare-cr',
    behaviour: { kind: 'bad-header', variant: 'bare-cr' },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'lf-only',
    behaviour: { kind: 'bad-header', variant: 'lf-only' },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'header-1mb',
    behaviour: { kind: 'bad-header', variant: 'oversized' },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'folded',
    behaviour: { kind: 'bad-header', variant: 'folded' },
    statuses: FAILED,
    health: 'failure',
  },
  {
    name: 'drip',
    behaviour: { kind: 'drip', everyMs: 100, contentType: 'application/json' },
    statuses: [504],
    health: 'failure',
  },
  // The caller's own fault as the upstream says it: relayed, and no fault of the channel.
  {
    name: 'echo-400',
    behaviour: { kind: 'key-echo', status: 400 },
    statuses: [400],
    health: 'none',
  },
  // The channel's key refused: disabled at once, so later requests find no channel.
  {
    name: 'echo-401',
    behaviour: { kind: 'key-echo', status: 401 },
    statuses: [502, 503],
    health: 'disabled',
  },
];

/** Each client format, and the upstream type serving it (same format: a pass-through; else translated). */
const ROUTES: { format: Format; upstream: Upstream; streams: boolean[] }[] = [
  { format: 'chat', upstream: 'openai', streams: [false, true] },
  { format: 'responses', upstream: 'openai', streams: [false, true] },
  { format: 'messages', upstream: 'anthropic', streams: [false, true] },
  { format: 'gemini', upstream: 'gemini', streams: [false, true] },
  { format: 'messages', upstream: 'openai', streams: [false, true] },
  { format: 'gemini', upstream: 'anthropic', streams: [false, true] },
  { format: 'embeddings', upstream: 'openai', streams: [false] },
];

function status(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The highest RSS of `pid` while `work` runs, sampled every few ms (VmHWM is the process's lifetime peak). */
async function peakRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peak: number }> {
  let peak = status(pid).rss;
  const timer = setInterval(() => (peak = Math.max(peak, status(pid).rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, status(pid).rss);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

function requestFor(
  format: Format,
  model: string,
  stream: boolean,
  key: string,
): { path: string; headers: Record<string, string>; body: Json } {
  const text = 'hello hostile';
  switch (format) {
    case 'chat':
      return {
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${key}` },
        body: { model, stream, messages: [{ role: 'user', content: text }] },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        headers: { authorization: `Bearer ${key}` },
        body: { model, stream, input: text },
      };
    case 'messages':
      return {
        path: '/v1/messages',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
        body: { model, stream, max_tokens: 64, messages: [{ role: 'user', content: text }] },
      };
    case 'embeddings':
      return {
        path: '/v1/embeddings',
        headers: { authorization: `Bearer ${key}` },
        body: { model, input: text },
      };
    case 'gemini':
      return {
        path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        headers: { 'x-goog-api-key': key },
        body: { contents: [{ role: 'user', parts: [{ text }] }] },
      };
  }
}

/** The error message in the caller's own envelope, or a failure saying why the body is not one. */
function envelopeMessage(format: Format, status: number, body: string): string {
  const json = JSON.parse(body) as {
    type?: string;
    error?: { message?: unknown; code?: unknown; type?: unknown };
  };
  const error = json.error;
  if (typeof error?.message !== 'string') throw new Error(`no error.message in ${body}`);
  if (format === 'messages' && json.type !== 'error') throw new Error(`not Anthropic's: ${body}`);
  if (format === 'gemini' && error.code !== status) throw new Error(`not Gemini's: ${body}`);
  return error.message;
}

describe('hostile upstream (embedded)', () => {
  let relay: Deployment;
  let pid: number;
  let clientKey: string;
  const fakes = {} as Record<Upstream, FakeOpenAI | FakeAnthropic | FakeGemini>;
  /** Channel ids and keys by `${case}-${upstream}`. */
  const channels = new Map<string, { id: string; key: string; name: string }>();
  const peaks: string[] = [];

  const post = (path: string, headers: Record<string, string>, body: Json) =>
    fetch(`${relay.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  /** An ordinary request to a healthy (mock) channel, found in the usage by its request id. */
  const meter = (requestId: string) =>
    post(
      '/v1/chat/completions',
      { authorization: `Bearer ${clientKey}`, 'x-request-id': requestId },
      { model: 'meter-m', messages: [{ role: 'user', content: 'count me' }] },
    );

  beforeAll(async () => {
    [fakes.openai, fakes.anthropic, fakes.gemini] = await Promise.all([
      FakeOpenAI.start(),
      FakeAnthropic.start(),
      FakeGemini.start(),
    ]);
    relay = await startDeployment('embedded', {
      env: {
        RELAYMESH_FIRST_BYTE_TIMEOUT_MS: String(HOSTILE_TIMEOUT_MS),
        // Every format meets every behaviour: no channel is ejected half-way through a case.
        RELAYMESH_HEALTH_CONSECUTIVE_FAILURES: '1000',
        RELAYMESH_HEALTH_WINDOW_MIN_REQUESTS: '100000',
        RELAYMESH_HEALTH_FLUSH_MS: '100',
        // Half the default: a refused answer is held up to this limit, plus socket buffers and Buffers V8 has
        // not collected yet (it collects external memory in steps of tens of MB). With PGlite in a process of
        // its own, this process has no freed heap left over to absorb that, so at the default 32 MB the growth
        // measured is the limit's own (~75 MB), not the 300 MB answer's. The bound still says memory follows
        // the limit, never the answer.
        RELAYMESH_MAX_UPSTREAM_BODY_BYTES: String(16 * MB),
      },
    });
    pid = relay.pidOf('ingress');
    clientKey = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'hostile' })).body.key;
    const prefix: Record<Upstream, string> = {
      openai: 'sk-',
      anthropic: 'sk-ant-',
      gemini: 'AIza',
    };
    for (const c of CASES) {
      for (const upstream of ['openai', 'anthropic', 'gemini'] as const) {
        const key = `${prefix[upstream]}hostile-${randomBytes(12).toString('hex')}`;
        const name = `hostile-${c.name}-${upstream}`;
        const res = await relay.admin<{ id: string }>('POST', '/channels', {
          name,
          type: upstream,
          base_url: fakes[upstream].url,
          keys: [key],
          models: [`${c.name}-${upstream}`],
          timeout_ms: HOSTILE_TIMEOUT_MS,
        });
        expect(res.status).toBe(201);
        channels.set(`${c.name}-${upstream}`, { id: res.body.id, key, name });
      }
    }
    await relay.admin('POST', '/channels', { name: 'meter', type: 'mock', models: ['meter-m'] });
    // The snapshot with the last channel holds every one before it.
    await waitFor(async () => (await meter('warm-up')).status === 200, {
      what: 'the channels routable',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all(Object.values(fakes).map((fake) => fake?.close()));
    if (peaks.length > 0) console.log(`peak RSS growth per request:\n${peaks.join('\n')}`);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    'should answer %s cleanly in every format, bounded, in health, leaking nothing, metering on',
    async (_, c) => {
      for (const fake of Object.values(fakes)) {
        fake.reset();
        fake.setStickyFault({ kind: 'hostile', behaviour: c.behaviour });
      }
      const failures: string[] = [];
      let worst = 0;
      for (const route of ROUTES) {
        const channel = channels.get(`${c.name}-${route.upstream}`)!;
        for (const stream of route.streams) {
          const what = `${route.format} via ${route.upstream}${stream ? ' (stream)' : ''}`;
          const { path, headers, body } = requestFor(
            route.format,
            `${c.name}-${route.upstream}`,
            stream,
            clientKey,
          );
          const before = status(pid).rss;
          const { result, peak } = await peakRss(pid, async () => {
            const res = await post(path, headers, body);
            return { res, text: await res.text() };
          });
          worst = Math.max(worst, peak - before);
          const { res, text } = result;
          const head = JSON.stringify([...res.headers]);
          const check = (ok: boolean, why: string) => {
            if (!ok) failures.push(`${what}: ${why} (status ${res.status}: ${text.slice(0, 300)})`);
          };
          check(c.statuses.includes(res.status), `status not in ${c.statuses.join('/')}`);
          check(peak - before <= RSS_BOUND, `RSS grew by ${((peak - before) / MB).toFixed(0)} MB`);
          let message = '';
          try {
            message = envelopeMessage(route.format, res.status, text);
          } catch (err) {
            check(false, `not the caller's envelope: ${(err as Error).message}`);
          }
          check(!/\n\s+at /.test(text), 'a stack trace');
          check(!text.includes(channel.key) && !head.includes(channel.key), 'the channel key');
          check(
            !/ECONNREFUSED|assert|127\.0\.0\.1|hostile-/.test(message),
            `internals in the message: ${message}`,
          );
        }
      }
      peaks.push(`  ${c.name}: ${(worst / MB).toFixed(1)} MB`);
      expect(failures).toEqual([]);

      // The channel's health says so (the outcome reaches the prober a moment later).
      if (c.health !== 'none') {
        for (const upstream of ['openai', 'anthropic', 'gemini'] as const) {
          const { id } = channels.get(`${c.name}-${upstream}`)!;
          await waitFor(
            async () => {
              const { body } = await relay.admin<{
                status: string;
                health: { state: string; consecutive_failures: number };
              }>('GET', `/channels/${id}`);
              return c.health === 'disabled'
                ? body.health.state === 'disabled'
                : body.health.consecutive_failures > 0;
            },
            { what: `${c.name}-${upstream} health to show the fault`, timeoutMs: 5_000 },
          );
        }
      }

      // And the next ordinary request is metered.
      const requestId = `meter-${c.name}-${randomBytes(4).toString('hex')}`;
      expect((await meter(requestId)).status).toBe(200);
      await waitFor(
        async () => {
          const { body } = await relay.admin<{ data: { output_tokens: number }[] }>(
            'GET',
            `/usage?request_id=${requestId}`,
          );
          return body.data.length === 1 && body.data[0].output_tokens > 0;
        },
        { what: `the usage of ${requestId}`, timeoutMs: 10_000 },
      );
    },
  );

  it('should say an unreachable upstream in user terms, keeping its address and name for the logs', async () => {
    await relay.admin('POST', '/channels', {
      name: 'refused-channel',
      type: 'openai',
      base_url: 'http://127.0.0.1:1',
      keys: ['sk-refused'],
      models: ['refused-m'],
    });
    const res = await waitFor(
      async () => {
        const answer = await post(
          '/v1/chat/completions',
          { authorization: `Bearer ${clientKey}` },
          { model: 'refused-m', messages: [{ role: 'user', content: 'anyone there?' }] },
        );
        return answer.status === 404 ? null : answer;
      },
      { what: 'refused-m routable', timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Every eligible channel for 'refused-m' failed: the upstream provider could not be reached.",
    );
    // The operator still learns what happened, and where.
    await waitFor(
      () => /refused-channel: connect ECONNREFUSED 127\.0\.0\.1:1/.test(relay.output()),
      {
        what: 'the attempt in the log',
        timeoutMs: 5_000,
      },
    );
  });

  // A `data:` line is held by the parser until its own bound; a line no SSE field starts with is dropped by
  // eventsource-parser 4 as it comes, without a word: only the reader's own byte count stops that one.
  it.each([
    { line: 'an SSE line', notSse: false },
    { line: 'a line that is not SSE', notSse: true },
  ])(
    'should end a started stream whose next line ($line) never ends with the format error event, bounded',
    async ({ line, notSse }) => {
      const channel = channels.get('endless-line-openai')!;
      for (const fake of Object.values(fakes)) fake.reset();
      const first = {
        id: 'c1',
        object: 'chat.completion.chunk',
        model: 'm',
        choices: [] as unknown[],
      };
      first.choices.push({ index: 0, delta: { role: 'assistant', content: 'started' } });
      const prelude = `data: ${JSON.stringify(first)}\n\n`;
      fakes.openai.setStickyFault({
        kind: 'hostile',
        behaviour: { kind: 'endless-line', bytes: 300e6, prelude, notSse },
      });
      const { path, headers, body } = requestFor('chat', 'endless-line-openai', true, clientKey);
      const before = status(pid).rss;
      const { result, peak } = await peakRss(pid, async () => {
        const res = await post(path, headers, body);
        return { res, text: await res.text() };
      });
      peaks.push(
        `  endless ${line} after a started stream: ${((peak - before) / MB).toFixed(1)} MB`,
      );
      expect(result.res.status).toBe(200);
      expect(result.text).toContain('"content":"started"');
      const events = result.text.trim().split(/\n\n/);
      expect(events.at(-1)).toMatch(/^data: \{"error":/);
      expect(events.at(-1)).not.toContain(channel.name);
      expect(peak - before).toBeLessThanOrEqual(RSS_BOUND);
      expect(fakes.openai.hostileBytesSent).toBeLessThan(100e6);
    },
  );

  it('should fail over from a hostile channel to a healthy one while nothing was sent', async () => {
    for (const fake of Object.values(fakes)) fake.reset();
    await relay.admin('POST', '/channels', {
      name: 'failover-hostile',
      type: 'openai',
      base_url: fakes.openai.url,
      keys: ['sk-failover'],
      models: ['failover-m'],
      priority: 10,
    });
    await relay.admin('POST', '/channels', {
      name: 'failover-healthy',
      type: 'anthropic',
      base_url: fakes.anthropic.url,
      keys: ['sk-ant-failover'],
      models: ['failover-m'],
      priority: 0,
    });
    const ask = (extra: Json = {}) =>
      post(
        '/v1/chat/completions',
        { authorization: `Bearer ${clientKey}` },
        { model: 'failover-m', messages: [{ role: 'user', content: 'hello relay' }], ...extra },
      );
    await waitFor(
      async () => (await ask({ provider: { only: ['failover-healthy'] } })).status === 200,
      { what: 'the healthy channel routable', timeoutMs: 10_000, intervalMs: 100 },
    );
    fakes.anthropic.reset();
    fakes.openai.setStickyFault({
      kind: 'hostile',
      behaviour: { kind: 'huge-json', bytes: 300e6 },
    });
    const res = await ask();
    expect(res.status).toBe(200);
    const completion = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0].message.content).toContain('hello relay');
    expect(fakes.openai.requests).toHaveLength(1);
    expect(fakes.anthropic.requests).toHaveLength(1);
    // It stopped reading the 300 MB soon after the limit.
    expect(fakes.openai.hostileBytesSent).toBeLessThan(100e6);
  });
});
