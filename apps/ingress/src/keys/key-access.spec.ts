import { KeyRecord } from '@relaymesh/contracts';
import { checkKeyAccess, presentedKey } from './key-access';

const key = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  id: 'k1',
  name: 'team',
  key_hint: 'sk-…abcd',
  key_hash: 'h'.repeat(64),
  group: 'default',
  unlimited: true,
  credit_usd: 0,
  used_usd: 0,
  remaining_usd: null,
  models: [],
  allow_ips: [],
  rpm: null,
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
const now = Date.parse('2026-11-23T10:00:00Z');

describe('checkKeyAccess', () => {
  it.each<[string, KeyRecord, string | null, boolean, RegExp | null]>([
    ['an enabled key with no allow-list', key(), 'gpt-5-mini', true, null],
    ['a disabled key', key({ enabled: false }), 'gpt-5-mini', false, /disabled/],
    ['an expired key', key({ expires_at: '2026-11-23T09:59:59Z' }), 'gpt-5-mini', false, /expired/],
    ['a key expiring later', key({ expires_at: '2026-11-24T00:00:00Z' }), 'gpt-5-mini', true, null],
    ['a model on the allow-list', key({ models: ['gpt-5-mini'] }), 'gpt-5-mini', true, null],
    [
      'a model off the allow-list',
      key({ models: ['gpt-5-mini'] }),
      'gpt-4o',
      false,
      /not allowed to use model 'gpt-4o'/,
    ],
    ['no model (listing) with an allow-list', key({ models: ['gpt-5-mini'] }), null, true, null],
  ])('%s', (_, record, model, ok, message) => {
    const decision = checkKeyAccess(record, model, now);
    expect(decision.ok).toBe(ok);
    if (!decision.ok) {
      expect(decision.status).toBe(403);
      expect(decision.message).toMatch(message ?? /never/);
    }
  });
});

describe('presentedKey', () => {
  it.each<[string, Record<string, string>, Record<string, string>, string | null]>([
    ['Bearer', { authorization: 'Bearer sk-a' }, {}, 'sk-a'],
    ['bearer in lower case with spaces', { authorization: '  bearer   sk-b ' }, {}, 'sk-b'],
    ['x-api-key (Anthropic)', { 'x-api-key': 'sk-c' }, {}, 'sk-c'],
    ['x-goog-api-key (Gemini)', { 'x-goog-api-key': 'sk-d' }, {}, 'sk-d'],
    ['?key= (Gemini)', {}, { key: 'sk-e' }, 'sk-e'],
    ['Basic auth is not a key', { authorization: 'Basic abc' }, {}, null],
    ['nothing', {}, {}, null],
  ])('%s', (_, headers, query, expected) => {
    expect(presentedKey(headers, query)).toBe(expected);
  });
});
