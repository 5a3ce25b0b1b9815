// Storage of credit leases behind a small abstract class. A grant reads the key's balance and its leases and
// writes the grant under the key's row lock (the same lock the usage writer's debits take), so concurrent
// grants on any number of ledger replicas are served one after the other and never hand out more than the
// balance.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUuid, quoteIdent } from '@relaymesh/persistence';
import { DataSource } from 'typeorm';
import { BudgetPeriod, BudgetState, budgetAt } from '../keys/budget-period';
import { leaseGrant } from './lease-grant';

export type LeaseGrantResult =
  | { found: false }
  | { found: true; unlimited: true }
  | {
      found: true;
      unlimited: false;
      grantedUsd: number;
      remainingUsd: number;
      heldElsewhereUsd: number;
      /** The key's period budget as it stands (null without one): leases are slices of it too. */
      budget: BudgetState | null;
    };

export abstract class CreditLeaseRepository {
  /**
   * Adds up to `wantUsd` of free balance (and free period budget, as it stands at `now`) to the holder's lease
   * and sets its expiry to `expiresAt`.
   */
  abstract grant(
    keyId: string,
    holder: string,
    wantUsd: number,
    expiresAt: Date,
    now: Date,
  ): Promise<LeaseGrantResult>;
  /** Takes `releaseUsd` out of the holder's lease and marks it given back at `now`. */
  abstract release(keyId: string, holder: string, releaseUsd: number, now: Date): Promise<boolean>;
  /** Deletes the leases that ended (expired or given back) more than `skewMs` before `caughtUpAt`. */
  abstract dropEnded(caughtUpAt: Date, skewMs: number): Promise<number>;
}

interface KeyBalanceRow {
  unlimited: boolean;
  remaining: string;
  budget_usd: string | null;
  budget_period: BudgetPeriod | null;
  budget_spent_usd: string;
  budget_period_start: Date | null;
}

@Injectable()
export class SqlCreditLeaseRepository extends CreditLeaseRepository {
  private readonly leases: string;
  private readonly keys: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.leases = `${schema}.credit_leases`;
    this.keys = `${schema}.client_keys`;
  }

  async grant(
    keyId: string,
    holder: string,
    wantUsd: number,
    expiresAt: Date,
    now: Date,
  ): Promise<LeaseGrantResult> {
    if (!isUuid(keyId)) return { found: false };
    return this.dataSource.transaction(async (tx) => {
      const [key] = await tx.query<KeyBalanceRow[]>(
        `SELECT unlimited, credit_usd - used_usd AS remaining, budget_usd, budget_period, budget_spent_usd,
                budget_period_start
         FROM ${this.keys} WHERE id = $1 FOR UPDATE`,
        [keyId],
      );
      if (!key) return { found: false } as const;
      if (key.unlimited) return { found: true, unlimited: true } as const;
      const [held] = await tx.query<{ all: string; mine: string }[]>(
        `SELECT coalesce(sum(held_usd), 0) AS all,
                coalesce(sum(held_usd) FILTER (WHERE holder = $2), 0) AS mine
         FROM ${this.leases} WHERE key_id = $1`,
        [keyId, holder],
      );
      const remainingUsd = Number(key.remaining);
      const heldUsd = Number(held.all);
      const budget = budgetAt(
        {
          budgetUsd: key.budget_usd === null ? null : Number(key.budget_usd),
          period: key.budget_period,
          spentUsd: Number(key.budget_spent_usd),
          periodStartMs: key.budget_period_start?.getTime() ?? null,
        },
        now.getTime(),
      );
      const grantedUsd = leaseGrant({
        remainingUsd: budget ? Math.min(remainingUsd, budget.leftUsd) : remainingUsd,
        heldUsd,
        wantUsd,
      });
      await tx.query(
        `INSERT INTO ${this.leases} (key_id, holder, held_usd, expires_at, released_at)
         VALUES ($1, $2, $3, $4, NULL)
         ON CONFLICT (key_id, holder) DO UPDATE
         SET held_usd = credit_leases.held_usd + EXCLUDED.held_usd,
             expires_at = EXCLUDED.expires_at,
             released_at = NULL`,
        [keyId, holder, grantedUsd, expiresAt],
      );
      return {
        found: true,
        unlimited: false,
        grantedUsd,
        remainingUsd,
        heldElsewhereUsd: Math.max(0, heldUsd - Number(held.mine)),
        budget,
      } as const;
    });
  }

  async release(keyId: string, holder: string, releaseUsd: number, now: Date): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    const result = await this.dataSource.query<[unknown[], number]>(
      `UPDATE ${this.leases} SET held_usd = greatest(0, held_usd - $3), released_at = $4
       WHERE key_id = $1 AND holder = $2`,
      [keyId, holder, releaseUsd, now],
    );
    return result[1] > 0;
  }

  async dropEnded(caughtUpAt: Date, skewMs: number): Promise<number> {
    // The SQL form of leaseEnded (lease-grant.ts).
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${this.leases}
       WHERE least(expires_at, coalesce(released_at, 'infinity')) < $1`,
      [new Date(caughtUpAt.getTime() - skewMs)],
    );
    return result[1];
  }
}
