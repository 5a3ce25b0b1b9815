import { loadUsageLedgerEnv } from './usage-ledger.env';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };

describe('usage-ledger environment: body log retention', () => {
  it('should keep logged bodies 72 hours by default, and take hours', () => {
    expect(loadUsageLedgerEnv(base).bodyLogRetentionMs).toBe(72 * 3_600_000);
    expect(
      loadUsageLedgerEnv({ ...base, RELAYMESH_BODY_LOG_RETENTION_HOURS: '1.5' }).bodyLogRetentionMs,
    ).toBe(5_400_000);
  });

  it('should refuse a negative retention, naming it', () => {
    expect(() => loadUsageLedgerEnv({ ...base, RELAYMESH_BODY_LOG_RETENTION_HOURS: '-1' })).toThrow(
      /RELAYMESH_BODY_LOG_RETENTION_HOURS/,
    );
  });
});
