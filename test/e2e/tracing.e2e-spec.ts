// OpenTelemetry traces end to end (issue 8, Traces): relaymesh runs as real processes with the SDK's real OTLP
// exporter (http/json) pointed at an in-memory receiver, and one request's trace is read back whole: the ingress
// server span (child of the client's traceparent), one client span per upstream attempt (a failover shows as two
// siblings), the health-prober's handling of each attempt's outcome (trace context in core NATS / in-process
// message headers) and the usage-ledger's commit of the request's usage record (trace context in the JetStream
// / in-process durable message). In both modes; and no key or token in anything exported.
import {
  Deployment,
  DeploymentMode,
  FakeOpenAI,
  OtlpReceiver,
  ReceivedSpan,
  SPAN_KIND,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

const USAGE_COMMIT = 'process usage.recorded.v1';
const OUTCOME_JUDGED = 'process upstream.outcomes.v1';

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
}

describe.each<DeploymentMode>(['embedded', 'distributed'])('traces (%s)', (mode) => {
  let receiver: OtlpReceiver;
  let relay: Deployment;
  let failing: FakeOpenAI;
  let healthy: FakeOpenAI;
  let clientKey: string;
  const upstreamKeys = [`sk-upstream-failing-${hex(12)}`, `sk-upstream-healthy-${hex(12)}`];

  /** Service names: one process per app in distributed mode, one for all of them embedded. */
  const service = (app: 'ingress' | 'usage-ledger' | 'health-prober') =>
    mode === 'embedded' ? 'relaymesh' : `relaymesh-${app}`;

  const chat = (body: Json, headers: Record<string, string> = {}) =>
    fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${clientKey}`,
        ...headers,
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'trace me' }], ...body }),
    });

  beforeAll(async () => {
    [receiver, failing, healthy] = await Promise.all([
      OtlpReceiver.start(),
      FakeOpenAI.start(),
      FakeOpenAI.start(),
    ]);
    relay = await startDeployment(mode, { label: `traces_${mode}`, env: receiver.exporterEnv() });
    clientKey = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'traced' })).body.key;
    // Two channels for `trace-m`: the failing one is tried first, so every request fails over once.
    for (const [name, fake, priority, key] of [
      ['trace-failing', failing, 10, upstreamKeys[0]],
      ['trace-healthy', healthy, 0, upstreamKeys[1]],
    ] as const) {
      const created = await relay.admin('POST', '/channels', {
        name,
        type: 'openai',
        base_url: fake.url,
        keys: [key],
        models: ['trace-m'],
        priority,
      });
      expect(created.status).toBe(201);
    }
    await relay.admin('POST', '/channels', {
      name: 'trace-only-failing',
      type: 'openai',
      base_url: failing.url,
      keys: [upstreamKeys[0]],
      models: ['trace-fail-m'],
    });
    await waitFor(async () => (await chat({ model: 'trace-m' })).status === 200, {
      what: 'trace-m routable',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    await waitFor(async () => (await chat({ model: 'trace-fail-m' })).status !== 404, {
      what: 'trace-fail-m routable',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([receiver?.close(), failing?.close(), healthy?.close()]);
  });

  beforeEach(() => {
    failing.reset();
    healthy.reset();
    failing.setStickyFault({ kind: 'status', status: 500 });
  });

  it('should make one trace of a request: client parent → ingress span → attempts → outcome handling and ledger commit', async () => {
    const traceId = hex(16);
    const clientSpanId = hex(8);
    const res = await chat(
      { model: 'trace-m', max_tokens: 64 },
      { traceparent: `00-${traceId}-${clientSpanId}-01` },
    );
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    expect(failing.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);

    const spans = await receiver.waitForTrace(
      traceId,
      (s) =>
        s.some((span) => span.name === USAGE_COMMIT) &&
        s.filter((span) => span.name === OUTCOME_JUDGED).length >= 2,
      `the trace of request ${requestId}, with its ledger commit`,
    );

    // The ingress span: a server span, child of the client's span, with the GenAI attributes.
    // (A request's consequences join its trace too: a health change it caused.)
    const ingress = only(
      spans.filter((s) => s.kind === SPAN_KIND.server && s.parentSpanId === clientSpanId),
      'ingress span',
    );
    expect(ingress.service).toBe(service('ingress'));
    expect(ingress.name).toBe('chat trace-m');
    expect(ingress.statusCode).not.toBe(2);
    expect(ingress.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'trace-m',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': false,
      'gen_ai.response.model': 'trace-m',
      'gen_ai.provider.name': 'openai',
      'http.response.status_code': 200,
      'relaymesh.request_id': requestId,
      'relaymesh.format': 'openai',
      'relaymesh.channel.name': 'trace-healthy',
      'relaymesh.attempts': 2,
    });
    expect(ingress.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(ingress.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(ingress.attributes['error.type']).toBeUndefined();

    // One client span per attempt, both children of the ingress span: the failed one, then the one that served.
    const attempts = spans
      .filter((s) => s.kind === SPAN_KIND.client)
      .sort(
        (a, b) =>
          Number(a.attributes['relaymesh.attempt']) - Number(b.attributes['relaymesh.attempt']),
      );
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.parentSpanId).toBe(ingress.spanId);
      expect(attempt.service).toBe(service('ingress'));
      expect(attempt.name).toBe('chat trace-m');
      expect(attempt.attributes).toMatchObject({
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'trace-m',
        'server.address': '127.0.0.1',
      });
    }
    expect(attempts[0].attributes).toMatchObject({
      'relaymesh.attempt': 1,
      'relaymesh.channel.name': 'trace-failing',
      'relaymesh.outcome': 'failure',
      'error.type': 'server',
      'http.response.status_code': 500,
    });
    expect(attempts[0].statusCode).toBe(2);
    expect(attempts[1].attributes).toMatchObject({
      'relaymesh.attempt': 2,
      'relaymesh.channel.name': 'trace-healthy',
      'relaymesh.outcome': 'success',
    });
    expect(attempts[1].attributes['error.type']).toBeUndefined();
    expect(attempts[1].attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    // Each attempt's outcome, judged by the health-prober under that attempt (a NATS event's headers).
    const judged = spans.filter((s) => s.name === OUTCOME_JUDGED);
    expect(judged.map((s) => s.parentSpanId).sort()).toEqual(attempts.map((a) => a.spanId).sort());
    for (const span of judged) {
      expect(span.service).toBe(service('health-prober'));
      expect(span.kind).toBe(SPAN_KIND.consumer);
    }

    // The ledger's commit of the request's usage record (a durable message's headers), under the ingress span.
    const commit = only(
      spans.filter((s) => s.name === USAGE_COMMIT),
      'usage commit span',
    );
    expect(commit.parentSpanId).toBe(ingress.spanId);
    expect(commit.service).toBe(service('usage-ledger'));
    expect(commit.kind).toBe(SPAN_KIND.consumer);
    expect(commit.statusCode).not.toBe(2);
    expect(commit.attributes).toMatchObject({
      'messaging.destination.name': 'usage.recorded.v1',
      'messaging.consumer.group.name': 'usage-ledger',
      'messaging.system': mode === 'embedded' ? 'in-process' : 'nats',
      'relaymesh.redeliveries': 0,
    });
    // Committed only after the request it meters was answered.
    expect(BigInt(commit.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(ingress.endTimeUnixNano));
  });

  it('should start a trace of its own for a streamed request that brings none, with time to first chunk', async () => {
    const res = await chat({
      model: 'trace-m',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('[DONE]');
    const requestId = res.headers.get('x-request-id');

    const ingress = await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.kind === SPAN_KIND.server && s.attributes['relaymesh.request_id'] === requestId,
        ),
      { what: `the ingress span of request ${requestId}`, timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(ingress.parentSpanId).toBe('');
    expect(ingress.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'trace-m',
      'relaymesh.attempts': 2,
    });
    expect(ingress.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(ingress.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    await receiver.waitForTrace(
      ingress.traceId,
      (s) => s.some((span) => span.name === USAGE_COMMIT && span.parentSpanId === ingress.spanId),
      'the ledger commit of the streamed request',
    );
  });

  it('should mark a request every channel failed as an error, with the gateway error code', async () => {
    const traceId = hex(16);
    const clientSpanId = hex(8);
    const res = await chat(
      { model: 'trace-fail-m' },
      { traceparent: `00-${traceId}-${clientSpanId}-01` },
    );
    expect(res.status).toBe(502);

    const spans = await receiver.waitForTrace(
      traceId,
      (s) => s.some((span) => span.name === USAGE_COMMIT),
      'the trace of the failed request',
    );
    const ingress = only(
      spans.filter((s) => s.kind === SPAN_KIND.server && s.parentSpanId === clientSpanId),
      'ingress span',
    );
    expect(ingress.service).toBe(service('ingress'));
    expect(ingress.statusCode).toBe(2);
    expect(ingress.attributes).toMatchObject({
      'http.response.status_code': 502,
      'error.type': 'upstream_error',
      'relaymesh.channel.name': 'trace-only-failing',
    });
    const attempt = only(
      spans.filter((s) => s.kind === SPAN_KIND.client),
      'attempt span',
    );
    expect(attempt.attributes).toMatchObject({
      'error.type': 'server',
      'relaymesh.outcome': 'failure',
    });
  });

  it('should export no key, token or upstream credential in any span', async () => {
    // Spans of every test so far (and of the set-up's admin calls, which are not data-plane requests).
    await waitFor(() => receiver.spans.length > 0, { what: 'some spans', timeoutMs: 10_000 });
    const exported = receiver.rawBodies.join('\n');
    for (const secret of [clientKey, relay.adminToken, ...upstreamKeys]) {
      expect(exported).not.toContain(secret);
    }
    // Nor the parts that identify a key in a log line.
    expect(exported).not.toContain(clientKey.slice(0, 20));
    const everyValue = receiver.spans.flatMap((s: ReceivedSpan) =>
      Object.values(s.attributes).map(String),
    );
    expect(everyValue.some((value) => value.includes('Bearer'))).toBe(false);
  });
});
