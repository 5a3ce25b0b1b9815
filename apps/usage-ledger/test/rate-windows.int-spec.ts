// The shared windows of small limits against the real Postgres and NATS: concurrent admissions of one key
// never pass its rpm, a refusal says when the window frees, and charged tokens count toward its tpm.
import {
  AdminKeyCreate,
  KeyCreateSchema,
  KeyViewSchema,
  LimitsAdmit,
  LimitsCharge,
} from '@relaymesh/contracts';
import { waitFor } from '@relaymesh/testing';
import { LedgerHarness, startLedgerHarness } from './ledger-harness';

describe('shared rate windows (usage-ledger, NATS)', () => {
  let ledger: LedgerHarness;

  beforeAll(async () => {
    ledger = await startLedgerHarness('nats', 'windows');
  });

  afterAll(async () => {
    await ledger?.close();
  });

  async function keyWith(name: string, limits: { rpm?: number; tpm?: number }): Promise<string> {
    const created = await ledger.bus.request(
      AdminKeyCreate,
      KeyCreateSchema.parse({ name, unlimited: true, ...limits }),
    );
    expect(created.status).toBe(201);
    return KeyViewSchema.parse(created.body).id;
  }

  it('should admit exactly rpm of 40 concurrent requests, and say when the window frees', async () => {
    const keyId = await keyWith('rpm-5', { rpm: 5 });
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => ledger.bus.request(LimitsAdmit, { key_id: keyId })),
    );
    expect(replies.filter((r) => r.admitted)).toHaveLength(5);
    const refused = replies.filter((r) => !r.admitted);
    expect(refused.every((r) => r.refusal?.limit === 'rpm' && r.refusal.used === 5)).toBe(true);
    for (const { refusal } of refused) {
      expect(refusal!.retry_after).toBeGreaterThanOrEqual(58);
      expect(refusal!.retry_after).toBeLessThanOrEqual(60);
    }
  });

  it('should count charged tokens toward tpm', async () => {
    const keyId = await keyWith('tpm-100', { tpm: 100 });
    expect((await ledger.bus.request(LimitsAdmit, { key_id: keyId })).admitted).toBe(true);
    ledger.bus.emit(LimitsCharge, { key_id: keyId, tokens: 100, at: new Date().toISOString() });
    await waitFor(
      async () => {
        const reply = await ledger.bus.request(LimitsAdmit, { key_id: keyId });
        return reply.admitted ? null : reply.refusal;
      },
      { what: 'the charge counted', timeoutMs: 5_000, intervalMs: 50 },
    );
  });

  it('should answer an unknown key as not found', async () => {
    const reply = await ledger.bus.request(LimitsAdmit, {
      key_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(reply).toEqual({ found: false, admitted: false, refusal: null });
  });
});
