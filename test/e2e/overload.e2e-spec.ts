// Overload: past RELAYMESH_MAX_IN_FLIGHT concurrent data-plane requests, a replica refuses at once with 503 and
// Retry-After in the caller's envelope, instead of queueing until everything times out; the requests it took
// still complete, and it serves again as soon as they do.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';

describe('overload (embedded)', () => {
  let relay: Deployment;
  let upstream: FakeOpenAI;
  let key: string;

  const chat = () =>
    fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'slow-m', messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    relay = await startDeployment('embedded', {
      label: 'overload',
      env: { RELAYMESH_MAX_IN_FLIGHT: '2' },
    });
    await relay.admin('POST', '/channels', {
      name: 'slow',
      type: 'openai',
      base_url: upstream.url,
      keys: ['sk-up'],
      models: ['slow-m'],
    });
    key = (await relay.admin<{ key: string }>('POST', '/keys', { name: 'overload' })).body.key;
    await waitFor(async () => (await chat()).status === 200, { what: 'slow-m routable' });
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('should refuse the request past the bound at once with 503 and Retry-After, and serve the others', async () => {
    upstream.setStickyFault({ kind: 'delay', ms: 1_500 });
    const held = [chat(), chat()];
    // Both held requests have reached the upstream: the replica is at its bound.
    await waitFor(() => upstream.requests.length >= 3, { what: 'two requests in flight' });
    const pending = chat();
    // Refused at once: the answer comes while the held requests still wait on the upstream.
    const first = await Promise.race([
      pending.then(() => 'refused'),
      Promise.race(held).then(() => 'held'),
    ]);
    expect(first).toBe('refused');
    const refused = await pending;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('overloaded');
    upstream.setStickyFault(null);
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await chat()).status).toBe(200);
  });
});
