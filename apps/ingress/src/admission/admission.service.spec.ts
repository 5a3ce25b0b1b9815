import { KeyRecord } from '@relaymesh/contracts';
import { MessageBus } from '@relaymesh/messaging';
import { keyRecord } from '../__fixtures__/key-record';
import { loadIngressEnv } from '../config/ingress.env';
import { CreditGuard } from '../credit/credit-guard.service';
import { PriceBook } from '../credit/price-book.service';
import { GatewayError } from '../http/gateway-error';
import { RequestObservers, RequestTrace, startTrace } from '../http/request-trace';
import { KeyCache } from '../keys/key-cache.service';
import { RateLimiter } from '../limits/rate-limiter.service';
import type { AdmissionNeeds } from '../routes/route-table';
import { Admission, ModelRequest } from './admission.service';
import { Authenticator } from './authenticator.service';

const env = loadIngressEnv({
  RELAYMESH_SECRET_KEY: 'x'.repeat(32),
  RELAYMESH_ADMIN_TOKEN: 'admin-token-long-enough',
});

const record = keyRecord;

const bus = {
  emit: () => undefined,
  request: () => Promise.reject(new Error('no requests expected')),
  isConnected: () => true,
} as unknown as MessageBus;

/** Admission over the real authenticator, limiter and credit guard, with the key cache answering `key`. */
function admissionFor(key: KeyRecord): Admission {
  const cache = { resolve: () => Promise.resolve(key) } as unknown as KeyCache;
  return new Admission(
    new Authenticator(cache),
    new RateLimiter(bus, env, new RequestObservers()),
    new CreditGuard(new PriceBook(bus), env, bus),
  );
}

const caller = (ip = '127.0.0.1') => ({ headers: { authorization: 'Bearer sk-x' }, query: {}, ip });
const REQUEST: ModelRequest = { model: 'm', stream: true, maxTokens: 8, body: { model: 'm' } };
const newTrace = (): RequestTrace => startTrace('r', 'chat_completions', 'openai', {});

/** The status a request for REQUEST gets (200: admitted), and what its trace then says. */
async function outcome(key: KeyRecord, needs: AdmissionNeeds, times = 1) {
  const admission = admissionFor(key);
  let status = 200;
  let trace = newTrace();
  for (let i = 0; i < times; i++) {
    trace = newTrace();
    try {
      const gate = await admission.open(caller(), trace, needs);
      if (needs === 'key') gate.admitKey();
      else await gate.admitModel(REQUEST);
    } catch (err) {
      status = (err as GatewayError).status;
    }
  }
  return { status, model: trace.model, metered: trace.key !== null };
}

describe('Admission', () => {
  it.each<
    [string, Partial<KeyRecord>, AdmissionNeeds, number, { status: number; model: string | null }]
  >([
    ['a good key', {}, 'model', 1, { status: 200, model: 'm' }],
    [
      'a disabled key, metered with its model',
      { enabled: false },
      'model',
      1,
      { status: 403, model: 'm' },
    ],
    [
      'an expired key',
      { expires_at: '2020-01-01T00:00:00Z' },
      'model',
      1,
      { status: 403, model: 'm' },
    ],
    [
      'a model outside the key list',
      { models: ['other'] },
      'model',
      1,
      { status: 403, model: 'm' },
    ],
    ['a disabled key, no model', { enabled: false }, 'key', 1, { status: 403, model: null }],
    ['the second request over rpm 1', { rpm: 1 }, 'model', 2, { status: 429, model: 'm' }],
    [
      'an unbilled route over rpm 1: not limited',
      { rpm: 1 },
      'model_unbilled',
      2,
      { status: 200, model: 'm' },
    ],
    [
      'a route without a model over rpm 1: not limited',
      { rpm: 1 },
      'key',
      2,
      { status: 200, model: null },
    ],
    [
      'a credit key for an unpriced model',
      { unlimited: false, remaining_usd: 5 },
      'model',
      1,
      { status: 403, model: 'm' },
    ],
    [
      'a credit key for an unpriced model, unbilled route: no credit check',
      { unlimited: false, remaining_usd: 5 },
      'model_unbilled',
      1,
      { status: 200, model: 'm' },
    ],
  ])('%s: %s', async (_, over, needs, times, expected) => {
    // A route without a model (lists, the key's own record) is not usage: no key on its trace, no record.
    expect(await outcome(record(over), needs, times)).toEqual({
      ...expected,
      metered: needs !== 'key',
    });
  });

  it('should refuse an address outside allow_ips before any route-specific step', async () => {
    const admission = admissionFor(record({ allow_ips: ['203.0.113.0/24'] }));
    const trace = newTrace();
    await expect(admission.open(caller('127.0.0.1'), trace, 'model')).rejects.toMatchObject({
      status: 403,
      details: { code: 'ip_not_allowed' },
    });
    expect(trace.key).toBeNull();
  });

  it('should record the admitted request on the trace and mark the gate passed', async () => {
    const trace = newTrace();
    const gate = await admissionFor(record()).open(caller(), trace, 'model');
    expect(gate.done).toBe(false);
    const admitted = await gate.admitModel(REQUEST);
    expect({ done: gate.done, model: admitted.model, group: admitted.key.group }).toEqual({
      done: true,
      model: 'm',
      group: 'default',
    });
    expect({ stream: trace.stream, maxTokens: trace.maxTokens }).toEqual({
      stream: true,
      maxTokens: 8,
    });
  });

  it('should not let a handler take the wrong kind of admission for its route', async () => {
    const admission = admissionFor(record());
    const keyGate = await admission.open(caller(), newTrace(), 'key');
    await expect(keyGate.admitModel(REQUEST)).rejects.toThrow("route that needs 'key'");
    const modelGate = await admission.open(caller(), newTrace(), 'model');
    expect(() => modelGate.admitKey()).toThrow("route that needs 'model'");
  });
});
