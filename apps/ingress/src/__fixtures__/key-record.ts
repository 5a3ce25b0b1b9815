// A key record as the ledger sends it, for unit tests: an enabled, unlimited key of the default group with no
// limits or lists, with whatever a test changes.
import { KeyRecord } from '@relaymesh/contracts';

export const keyRecord = (over: Partial<KeyRecord> = {}): KeyRecord => ({
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
