// The shared windows of small limits behind a small abstract class. An admission reads the key's window and
// counts the request under the key's row lock, so concurrent admissions on any ledger replica are decided one
// after the other, each on the counts of all before it.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  LimitDecision,
  UsageWindow,
  WINDOW_SECONDS,
  decideLimits,
  secondOf,
} from '@relaymesh/limits';
import { isUuid, quoteIdent } from '@relaymesh/persistence';
import { DataSource } from 'typeorm';

export type WindowAdmission = { found: false } | { found: true; decision: LimitDecision };

export abstract class RateWindowRepository {
  /** Decides one more request of the key at `nowMs` on its shared window, counting it when admitted. */
  abstract admit(keyId: string, nowMs: number): Promise<WindowAdmission>;
  /** Adds a finished request's tokens to the key's window at `atMs`. */
  abstract charge(keyId: string, tokens: number, atMs: number): Promise<void>;
}

@Injectable()
export class SqlRateWindowRepository extends RateWindowRepository {
  private readonly windows: string;
  private readonly keys: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.windows = `${schema}.rate_windows`;
    this.keys = `${schema}.client_keys`;
  }

  admit(keyId: string, nowMs: number): Promise<WindowAdmission> {
    if (!isUuid(keyId)) return Promise.resolve({ found: false });
    const now = secondOf(nowMs);
    return this.dataSource.transaction(async (tx) => {
      const [key] = await tx.query<{ rpm: number | null; tpm: string | null }[]>(
        `SELECT rpm, tpm FROM ${this.keys} WHERE id = $1 FOR UPDATE`,
        [keyId],
      );
      if (!key) return { found: false } as const;
      await tx.query(`DELETE FROM ${this.windows} WHERE key_id = $1 AND second <= $2`, [
        keyId,
        now - WINDOW_SECONDS,
      ]);
      const rows = await tx.query<{ second: string; requests: number; tokens: string }[]>(
        `SELECT second, requests, tokens FROM ${this.windows} WHERE key_id = $1`,
        [keyId],
      );
      const window = UsageWindow.fromBuckets(
        rows.map((r) => [Number(r.second), r.requests, Number(r.tokens)] as const),
      );
      const limits = { rpm: key.rpm, tpm: key.tpm === null ? null : Number(key.tpm) };
      const decision = decideLimits(limits, [window], nowMs);
      if (decision.ok) await this.add(tx, keyId, now, 1, 0);
      return { found: true, decision } as const;
    });
  }

  async charge(keyId: string, tokens: number, atMs: number): Promise<void> {
    if (!isUuid(keyId)) return;
    await this.add(this.dataSource, keyId, secondOf(atMs), 0, tokens);
  }

  private async add(
    db: { query: DataSource['query'] },
    keyId: string,
    second: number,
    requests: number,
    tokens: number,
  ): Promise<void> {
    // A key deleted meanwhile has no row to reference: nothing to count.
    await db.query(
      `INSERT INTO ${this.windows} (key_id, second, requests, tokens)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM ${this.keys} WHERE id = $1)
       ON CONFLICT (key_id, second) DO UPDATE
       SET requests = rate_windows.requests + EXCLUDED.requests, tokens = rate_windows.tokens + EXCLUDED.tokens`,
      [keyId, second, requests, tokens],
    );
  }
}
