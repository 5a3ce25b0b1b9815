// The prober's probes against a hostile upstream (issue 15, D3/D8): a probe reads the answer as ingress reads a
// request's, within the same limit and with the same idea of what an answer is, so a channel that redirects,
// serves an HTML page or never ends its body is not re-admitted as healthy, and an endless body costs the prober
// one limit's worth of memory, not all of it.
import { SecretBox } from '@relaymesh/secrets';
import { FakeOpenAI, HostileBehaviour } from '@relaymesh/testing';
import { KnownChannel } from '../src/channels/known-channel';
import { loadHealthProberEnv } from '../src/config/health-prober.env';
import { Prober } from '../src/probes/prober.service';

describe('prober against a hostile upstream', () => {
  let upstream: FakeOpenAI;
  let prober: Prober;
  let channel: KnownChannel;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    prober = new Prober(
      loadHealthProberEnv({
        RELAYMESH_SECRET_KEY: SecretBox.generateSecret(),
        RELAYMESH_MAX_UPSTREAM_BODY_BYTES: String(1024 * 1024),
      }),
    );
    channel = {
      id: 'c1',
      name: 'hostile-probed',
      type: 'openai',
      base_url: upstream.url,
      keys: ['sk-probe'],
      secrets: ['sk-probe'],
      models: ['gpt-5-mini'],
      model_mapping: {},
      headers: {},
      timeout_ms: 5_000,
      status: 'enabled',
      groups: ['default'],
      priority: 0,
      weight: 1,
    };
  });
  afterAll(async () => {
    await prober.onApplicationShutdown();
    await upstream.close();
  });
  afterEach(() => upstream.reset());

  it('should pass an honest answer', async () => {
    expect(await prober.probe(channel)).toMatchObject({ errorClass: 'none', status: 200 });
  });

  it.each<[string, HostileBehaviour]>([
    ['a 300 MB answer', { kind: 'huge-json', bytes: 300e6 }],
    ['a redirect without Location', { kind: 'status-only', status: 302 }],
    ['an empty 204', { kind: 'status-only', status: 204 }],
    ['an HTML page', { kind: 'html' }],
    ['gzip bytes it did not ask for', { kind: 'gzip', labelled: true }],
    ['a JSON bomb', { kind: 'json-bomb', shape: 'deep', bytes: 100_000 }],
  ])('should fail a probe answered with %s', async (_, behaviour) => {
    upstream.setStickyFault({ kind: 'hostile', behaviour });
    const result = await prober.probe(channel);
    expect(result.errorClass).toBe('server');
    // Stopped reading at the limit (plus what sockets buffer on the way).
    expect(upstream.hostileBytesSent).toBeLessThan(30e6);
  });
});
