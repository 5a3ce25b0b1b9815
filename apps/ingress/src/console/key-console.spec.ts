import { KeyView, ModelPrice, UsageView } from '@relaymesh/contracts';
import {
  keyHolderView,
  keyModels,
  keyRefusal,
  keyUsageRow,
  pinSummaryQuery,
  pinUsageQuery,
} from './key-console';

const now = Date.parse('2026-11-23T10:00:00Z');
const key = (over: Partial<KeyView> = {}): KeyView => ({
  id: 'k1',
  name: 'team',
  key_hint: 'sk-…abcd',
  group: 'default',
  unlimited: false,
  credit_usd: 5,
  used_usd: 1,
  remaining_usd: 4,
  models: [],
  allow_ips: [],
  rpm: 60,
  tpm: null,
  expires_at: null,
  budget_usd: null,
  budget_period: null,
  budget_spent_usd: null,
  budget_resets_at: null,
  enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('pinUsageQuery and pinSummaryQuery', () => {
  it("should replace any key_id the page sends with the session's", () => {
    expect(pinUsageQuery({ key_id: 'k2', model: 'm', limit: '5' }, 'k1')).toEqual({
      ok: true,
      query: { key_id: 'k1', model: 'm', limit: '5' },
    });
    expect(pinUsageQuery(undefined, 'k1')).toEqual({ ok: true, query: { key_id: 'k1' } });
    expect(pinSummaryQuery({ key_id: 'k2', group_by: 'model' }, 'k1')).toEqual({
      ok: true,
      query: { key_id: 'k1', group_by: 'model' },
    });
  });

  it.each([
    [{ group_by: 'key' }, /by model only/],
    [{ group_by: 'channel' }, /by model only/],
    [{ channel_id: 'c1' }, /not filter its usage by channel/],
  ])('should refuse a summary of other keys or of channels: %j', (query, message) => {
    const pinned = pinSummaryQuery(query, 'k1');
    expect(pinned.ok).toBe(false);
    if (!pinned.ok) expect(pinned.message).toMatch(message);
  });
});

describe('keyRefusal', () => {
  it.each<[string, Partial<KeyView>, string, RegExp | null]>([
    ['an enabled key', {}, '127.0.0.1', null],
    ['a disabled key', { enabled: false }, '127.0.0.1', /disabled/],
    ['an expired key', { expires_at: '2026-11-23T09:00:00Z' }, '127.0.0.1', /expired/],
    ['an address inside allow_ips', { allow_ips: ['127.0.0.0/8'] }, '127.0.0.1', null],
    ['an address outside allow_ips', { allow_ips: ['10.0.0.0/8'] }, '127.0.0.1', /allow_ips/],
    // A model allow-list narrows what the key may call, not whether its holder may read its page.
    ['a key with a model allow-list', { models: ['gpt-5'] }, '127.0.0.1', null],
  ])('%s', (_, over, ip, refusal) => {
    const answer = keyRefusal(key(over), ip, now);
    if (refusal) expect(answer).toMatch(refusal);
    else expect(answer).toBeNull();
  });
});

describe('what a key holder sees', () => {
  it('should show the key without its allow-list', () => {
    const view = keyHolderView(
      key({
        allow_ips: ['10.0.0.0/8'],
        budget_usd: 2,
        budget_period: 'day',
        budget_spent_usd: 0.5,
        budget_resets_at: '2026-11-24T00:00:00.000Z',
      }),
    );
    // Its period budget too: what was spent in the period and when it resets.
    expect(view).toMatchObject({
      id: 'k1',
      remaining_usd: 4,
      rpm: 60,
      budget_usd: 2,
      budget_period: 'day',
      budget_spent_usd: 0.5,
      budget_resets_at: '2026-11-24T00:00:00.000Z',
    });
    expect(view).not.toHaveProperty('allow_ips');
  });

  it('should show its records without channel or upstream model', () => {
    const record = {
      id: '00000000-0000-4000-8000-000000000001',
      request_id: 'r1',
      key_id: 'k1',
      channel_id: 'c1',
      model: 'gpt-x',
      upstream_model: 'secret-upstream-name',
      status: 200,
      cost_usd: 0.01,
    } as unknown as UsageView;
    const row = keyUsageRow(record);
    expect(row).toMatchObject({ request_id: 'r1', model: 'gpt-x', status: 200, cost_usd: 0.01 });
    expect(JSON.stringify(row)).not.toMatch(/c1|secret-upstream-name/);
  });

  it('should price the models it may call, and say null for an unpriced one', () => {
    const price: ModelPrice = {
      model: 'a',
      input_usd_per_mtok: 2,
      output_usd_per_mtok: 8,
      cache_read_multiplier: 0.1,
      cache_write_multiplier: 1.25,
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    expect(keyModels(['a', 'b'], [price, { ...price, model: 'c' }])).toEqual([
      {
        model: 'a',
        input_usd_per_mtok: 2,
        output_usd_per_mtok: 8,
        cache_read_multiplier: 0.1,
        cache_write_multiplier: 1.25,
      },
      {
        model: 'b',
        input_usd_per_mtok: null,
        output_usd_per_mtok: null,
        cache_read_multiplier: null,
        cache_write_multiplier: null,
      },
    ]);
  });
});
