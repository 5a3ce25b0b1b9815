// Self-healing channels end to end, in both deployment modes, with short thresholds: a channel answering 500
// beside a healthy one costs the OpenAI SDK nothing, is taken out of rotation (auto_disabled) and gets no user
// request while out (probes only), and comes back after its probes once it heals; a channel whose key is
// rejected is disabled at once with the reason; `POST /admin/channels/{id}/test` probes on demand.
// Time to eject and time to re-enable are printed (figures for the issue; never asserted).
import {
  Deployment,
  DeploymentMode,
  FakeOpenAI,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import OpenAI from 'openai';

type Json = Record<string, unknown>;
interface ChannelRead {
  id: string;
  status: string;
  health: { state: string; reason: string | null; last_error: string | null };
}

/** The header the prober marks its probes with (apps/health-prober/src/probes/probe-request.ts). */
const PROBE_HEADER = 'x-relaymesh-probe';

const SHORT_THRESHOLDS = {
  RELAYMESH_HEALTH_TICK_MS: '100',
  RELAYMESH_HEALTH_FLUSH_MS: '200',
  RELAYMESH_HEALTH_EJECTION_BASE_MS: '1000',
  RELAYMESH_HEALTH_EJECTION_JITTER: '0',
  RELAYMESH_HEALTH_PROBE_INTERVAL_MS: '500',
  RELAYMESH_HEALTH_PROBE_MAX_INTERVAL_MS: '1000',
  RELAYMESH_HEALTH_RAMP_MS: '1000',
};

describe.each<DeploymentMode>(['embedded', 'distributed'])('self-healing channels (%s)', (mode) => {
  let relay: Deployment;
  let flaky: FakeOpenAI;
  let steady: FakeOpenAI;
  let revoked: FakeOpenAI;
  let client: OpenAI;
  let flakyId: string;
  let steadyId: string;

  const channel = async (body: Json): Promise<string> => {
    const res = await relay.admin<{ id: string }>('POST', '/channels', body);
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const read = async (id: string): Promise<ChannelRead> => {
    const res = await relay.admin<ChannelRead>('GET', `/channels/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const chat = (model = 'gpt-5-mini') =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
  const userRequests = (fake: FakeOpenAI) =>
    fake.requests.filter((r) => r.headers[PROBE_HEADER] === undefined).length;
  const probes = (fake: FakeOpenAI) => fake.requests.filter((r) => r.headers[PROBE_HEADER] === '1');

  beforeAll(async () => {
    [flaky, steady, revoked] = await Promise.all([
      FakeOpenAI.start(),
      FakeOpenAI.start(),
      FakeOpenAI.start({ keys: ['sk-upstream-valid'] }),
    ]);
    relay = await startDeployment(mode, { label: `heal_${mode}`, env: SHORT_THRESHOLDS });
    // Same priority, flaky weighted far above steady: while it is in rotation, nearly every request tries it.
    flakyId = await channel({
      name: 'flaky',
      type: 'openai',
      base_url: flaky.url,
      keys: ['sk-upstream-flaky'],
      models: ['gpt-5-mini'],
      weight: 1000,
    });
    steadyId = await channel({
      name: 'steady',
      type: 'openai',
      base_url: steady.url,
      keys: ['sk-upstream-steady'],
      models: ['gpt-5-mini'],
      weight: 1,
    });
    const key = await relay.admin<{ key: string }>('POST', '/keys', { name: 'heal' });
    client = new OpenAI({ apiKey: key.body.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await waitFor(() => chat().then(() => true), { what: 'gpt-5-mini routable' });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([flaky?.close(), steady?.close(), revoked?.close()]);
  });

  it('should take a failing channel out with no client-visible failure, keep users off it, and re-admit it once healed', async () => {
    flaky.setStickyFault({ kind: 'status', status: 500 });
    const faultAt = performance.now();
    let failures = 0;
    let answered = 0;
    const ask = async () => {
      try {
        await chat();
        answered++;
      } catch {
        failures++;
      }
    };

    // Traffic flows while the prober decides: every request fails over from flaky to steady.
    const out = await waitFor(
      async () => {
        await ask();
        const seen = await read(flakyId);
        return seen.status === 'auto_disabled' ? seen : null;
      },
      { what: 'the flaky channel auto_disabled', timeoutMs: 30_000, intervalMs: 10 },
    );
    const timeToEject = performance.now() - faultAt;
    expect(out.health.state).toBe('ejected');
    expect(out.health.reason).toMatch(/consecutive failures|requests failed/);

    // Ingress applies the snapshot that takes flaky out: from then on, no user request reaches it.
    await waitFor(
      async () => {
        const before = userRequests(flaky);
        await ask();
        return userRequests(flaky) === before;
      },
      { what: 'ingress to stop sending to flaky', timeoutMs: 5_000, intervalMs: 10 },
    );
    const timeToStopRouting = performance.now() - faultAt;
    const usersBefore = userRequests(flaky);
    for (let i = 0; i < 10; i++) await ask();
    expect(userRequests(flaky)).toBe(usersBefore);
    expect(failures).toBe(0);
    expect(answered).toBeGreaterThanOrEqual(11);
    // While still failing, its probes (one token each) fail and keep it out.
    await waitFor(() => probes(flaky).length >= 1, { what: 'a probe of the ejected channel' });
    expect(probes(flaky)[0].body).toMatchObject({ max_completion_tokens: 1 });
    expect((await read(flakyId)).status).toBe('auto_disabled');

    flaky.setStickyFault(null);
    const healedAt = performance.now();
    await waitFor(async () => (await read(flakyId)).status === 'enabled', {
      what: 'the healed channel re-enabled',
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    const timeToReenable = performance.now() - healedAt;
    const back = await read(flakyId);
    expect(['recovering', 'healthy']).toContain(back.health.state);
    // And users reach it again.
    await waitFor(
      async () => {
        const before = userRequests(flaky);
        await ask();
        return userRequests(flaky) > before;
      },
      { what: 'user requests to reach the re-admitted channel', timeoutMs: 10_000, intervalMs: 10 },
    );
    expect(failures).toBe(0);
    await waitFor(async () => (await read(flakyId)).health.state === 'healthy', {
      what: 'the ramp to end',
      timeoutMs: 10_000,
      intervalMs: 50,
    });

    console.log(
      `[self-healing ${mode}] time to eject (admin auto_disabled): ${Math.round(timeToEject)} ms; ` +
        `until ingress stopped routing to it: ${Math.round(timeToStopRouting)} ms; ` +
        `time to re-enable after healing: ${Math.round(timeToReenable)} ms`,
    );
  });

  it('should disable a channel whose upstream key is rejected at once, with the reason', async () => {
    const revokedId = await channel({
      name: 'revoked',
      type: 'openai',
      base_url: revoked.url,
      keys: ['sk-upstream-revoked'],
      models: ['gpt-4o-mini'],
    });
    await waitFor(
      async () => {
        await chat('gpt-4o-mini').catch(() => undefined);
        return revoked.requests.length > 0;
      },
      { what: 'a request to reach the revoked channel' },
    );
    const disabled = await waitFor(
      async () => {
        const seen = await read(revokedId);
        return seen.status === 'auto_disabled' ? seen : null;
      },
      { what: 'the revoked channel auto_disabled', timeoutMs: 5_000, intervalMs: 25 },
    );
    expect(disabled.health.state).toBe('disabled');
    expect(disabled.health.reason).toMatch(/^upstream key rejected: 401 invalid_api_key/);
    // The only channel of its model is out: the caller hears so in its own format, once the router's new
    // snapshot has reached ingress (the admin read above comes from the router, a moment earlier).
    const refusal = await waitFor(
      () =>
        chat('gpt-4o-mini').then(
          () => null,
          (err: { status?: number }) => (err.status === 503 ? err : null),
        ),
      { what: 'a 503 for the model whose only channel is disabled', timeoutMs: 5_000 },
    );
    expect(refusal).toMatchObject({ status: 503 });
  });

  it('should probe a channel on demand through POST /admin/channels/{id}/test', async () => {
    const res = await relay.admin<Json>('POST', `/channels/${steadyId}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      status: 200,
      error_class: 'none',
      message: null,
      model: 'gpt-5-mini',
      health: { state: 'healthy' },
    });
    expect(typeof res.body.latency_ms).toBe('number');
    expect(probes(steady).at(-1)?.headers.authorization).toBe('Bearer sk-upstream-steady');

    const missing = await relay.admin(
      'POST',
      '/channels/00000000-0000-4000-8000-000000000000/test',
    );
    expect(missing.status).toBe(404);
  });
});
