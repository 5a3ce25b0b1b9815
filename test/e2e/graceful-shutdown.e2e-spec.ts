// Graceful shutdown of an ingress replica (SIGTERM, as Kubernetes sends it): it stops taking requests (503 with
// Retry-After, and /readyz not ready, so the load balancer moves on), lets the streams under way finish, flushes
// the usage of every request it served, and exits 0. Past RELAYMESH_SHUTDOWN_GRACE_MS a stream still running is
// cancelled and ends with the format's error event instead of a cut connection.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';

describe('graceful shutdown of ingress (distributed)', () => {
  let upstream: FakeOpenAI;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
  });
  afterAll(() => upstream?.close());

  const setUp = async (label: string, graceMs: number) => {
    const relay = await startDeployment('distributed', {
      label,
      env: { RELAYMESH_SHUTDOWN_GRACE_MS: String(graceMs) },
    });
    await relay.admin('POST', '/channels', {
      name: 'up',
      type: 'openai',
      base_url: upstream.url,
      keys: ['sk-up'],
      models: ['drain-m'],
    });
    const key = (await relay.admin<{ key: string; id: string }>('POST', '/keys', { name: 'k' }))
      .body;
    const ask = (stream: boolean) =>
      fetch(`${relay.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({
          model: 'drain-m',
          stream,
          messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
        }),
      });
    await waitFor(async () => (await ask(false)).status === 200, { what: 'drain-m routable' });
    return { relay, key, ask };
  };

  const readyz = (relay: Deployment) =>
    fetch(`${relay.url}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);

  it('should finish the stream under way, refuse new requests, flush usage and exit 0', async () => {
    const { relay, key, ask } = await setUp('drain_ok', 20_000);
    try {
      upstream.setStreamChunkDelayMs(150);
      const streaming = await ask(true);
      expect(streaming.status).toBe(200);
      const body = streaming.text();
      await waitFor(() => upstream.requests.some((r) => (r.body as { stream?: boolean }).stream), {
        what: 'the stream to be under way',
      });
      const stopped = relay.stopApp('ingress', 'SIGTERM');
      const refused = await waitFor(
        async () => {
          const res = await ask(false).catch(() => null);
          return res && res.status === 503 ? res : null;
        },
        { what: 'new requests refused while draining', intervalMs: 20 },
      );
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'shutting_down',
      );
      expect(await readyz(relay)).toBe(503);
      const text = await body;
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      expect(text).not.toContain('"error"');
      await stopped;
      expect(relay.exitOf('ingress')).toEqual({ code: 0, signal: null });
      // Every request it served was metered: the routable probe and the stream (refusals are not billed).
      await relay.startApp('ingress');
      const usage = await waitFor(
        async () => {
          const res = await relay.admin<{ data: { status: number }[] }>(
            'GET',
            `/usage?key_id=${key.id}`,
          );
          return res.body.data.filter((r) => r.status === 200).length >= 2 ? res.body.data : null;
        },
        { what: 'the usage of the drained requests', timeoutMs: 10_000 },
      );
      expect(usage.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    } finally {
      upstream.reset();
      await relay.stop();
    }
  });

  it('should cancel a stream still running at the end of the grace period with an error event', async () => {
    const { relay, ask } = await setUp('drain_cut', 300);
    try {
      upstream.setStreamChunkDelayMs(400);
      const streaming = await ask(true);
      const body = streaming.text();
      await waitFor(() => upstream.requests.some((r) => (r.body as { stream?: boolean }).stream), {
        what: 'the stream to be under way',
      });
      await relay.stopApp('ingress', 'SIGTERM');
      const text = await body;
      expect(text).toMatch(/^data: \{"error":/m);
      expect(relay.exitOf('ingress')).toEqual({ code: 0, signal: null });
    } finally {
      upstream.reset();
      await relay.stop();
    }
  });
});
