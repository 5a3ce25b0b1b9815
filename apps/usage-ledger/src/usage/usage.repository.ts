// Usage records and the debit of their cost, written together: one transaction per batch inserts the records
// (a record id already stored is skipped, so a redelivery is a no-op) and adds the cost of the records that
// were new to their keys' used_usd. Nothing is acknowledged to JetStream before this commits.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  RequestBodies,
  UsageAttempt,
  UsageQuery,
  UsageRecord,
  UsageView,
} from '@relaymesh/contracts';
import { isUuid, quoteIdent } from '@relaymesh/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { ClientKey } from '../keys/client-key.entity';
import { ClientKeyRow, clientKeyFromRow } from '../keys/client-key.repository';

export interface PricedRecord {
  record: UsageRecord;
  costUsd: number;
}

export interface CommittedBatch {
  /** The records of the batch that were new (the others had been stored before). */
  inserted: PricedRecord[];
  /** Each debited key as it is after the debit, with the record ids whose cost it took. */
  debited: { key: ClientKey; recordIds: string[] }[];
}

/** More work that must commit or roll back with a batch (a replay removes its dead letter), run first. */
export type AlongsideCommit = (tx: EntityManager) => Promise<void>;

export abstract class UsageRepository {
  /** `nowMs` (the ledger's clock) decides which budget period the debits count in. */
  abstract commit(
    batch: PricedRecord[],
    alongside?: AlongsideCommit,
    nowMs?: number,
  ): Promise<CommittedBatch>;
  /** `bodies`: include each record's logged bodies, where stored (the request explorer; not the lists). */
  abstract query(query: UsageQuery, options?: { bodies?: boolean }): Promise<UsageView[]>;
  /** Deletes the logged bodies of records created before `before` (retention); answers how many. */
  abstract pruneBodies(before: Date): Promise<number>;
  /** A stored record by its id (not its request id), or null. */
  abstract get(id: string): Promise<UsageView | null>;
}

/**
 * The record's columns, in the order of json_to_recordset's column list. `json`, not `jsonb`: the batch is read
 * once, so converting it to jsonb first (parsing every value into jsonb's binary form) is work thrown away; the
 * text form costs Postgres 5-12% less per inserted record (embedded Postgres, README "Benchmark").
 */
const COLUMNS = `id uuid, request_id text, key_id text, channel_id text, model text, upstream_model text,
  format text, route text, stream boolean, input_tokens bigint, output_tokens bigint, cache_read_tokens bigint,
  cache_write_tokens bigint, cost_usd numeric, status integer, late_error text, latency_ms double precision,
  ttft_ms double precision, referer text, title text, attempts integer, attempt_log jsonb,
  created_at timestamptz, dropped_tools jsonb`;
const NAMES = COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]);

interface UsageRow {
  id: string;
  request_id: string;
  key_id: string;
  channel_id: string | null;
  model: string | null;
  upstream_model: string | null;
  format: string;
  route: string;
  stream: boolean;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  cost_usd: string;
  status: number;
  late_error: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  referer: string | null;
  title: string | null;
  attempts: number;
  /** Null for records stored before attempts were logged, or from an older ingress. */
  attempt_log: UsageAttempt[] | null;
  created_at: Date;
  dropped_tools: string[] | null;
  /** Only when asked for and stored (request_bodies). */
  bodies?: RequestBodies | null;
}

function toView({ attempt_log, bodies, ...row }: UsageRow): UsageView {
  return {
    ...row,
    ...(attempt_log === null ? {} : { attempt_log }),
    ...(bodies ? { bodies } : {}),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cache_read_tokens: Number(row.cache_read_tokens),
    cache_write_tokens: Number(row.cache_write_tokens),
    cost_usd: Number(row.cost_usd),
    created_at: row.created_at.toISOString(),
    dropped_tools: row.dropped_tools ?? [],
  };
}

@Injectable()
export class SqlUsageRepository extends UsageRepository {
  private readonly records: string;
  private readonly keys: string;
  private readonly leases: string;
  private readonly bodies: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.records = `${schema}.usage_records`;
    this.keys = `${schema}.client_keys`;
    this.leases = `${schema}.credit_leases`;
    this.bodies = `${schema}.request_bodies`;
  }

  commit(
    batch: PricedRecord[],
    alongside?: AlongsideCommit,
    nowMs = Date.now(),
  ): Promise<CommittedBatch> {
    return this.dataSource.transaction(async (manager) => {
      await alongside?.(manager);
      return this.commitIn(manager, batch, nowMs);
    });
  }

  private async commitIn(
    manager: EntityManager,
    given: PricedRecord[],
    nowMs: number,
  ): Promise<CommittedBatch> {
    // One batch may hold a record twice (published again under another message id, within the consumer's
    // linger): it is inserted once, and must be debited once, so the batch is made unique by record id first.
    const batch = [...new Map(given.map((priced) => [priced.record.id, priced])).values()];
    const rows = batch.map(({ record: { bodies: _bodies, ...record }, costUsd }) => ({
      ...record,
      cost_usd: costUsd,
    }));
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO ${this.records} (${NAMES.join(', ')})
       SELECT ${NAMES.join(', ')} FROM json_to_recordset($1::json) AS r(${COLUMNS})
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows)],
    );
    const fresh = new Set(inserted.map((row) => row.id));
    const insertedRecords = batch.filter((p) => fresh.has(p.record.id));
    await this.storeBodies(manager, insertedRecords);

    const perKey = new Map<string, { cost: number; ids: string[] }>();
    for (const { record, costUsd } of insertedRecords) {
      if (!isUuid(record.key_id)) continue;
      const entry = perKey.get(record.key_id) ?? { cost: 0, ids: [] };
      entry.cost += costUsd;
      entry.ids.push(record.id);
      perKey.set(record.key_id, entry);
    }
    if (perKey.size === 0) return { inserted: insertedRecords, debited: [] };

    // Rows locked in id order, so two ledger replicas debiting the same keys never deadlock. One key's row is
    // locked by the UPDATE below at the same point (before the leases), so that batch skips the statement.
    const keyIds = [...perKey.keys()].sort();
    if (keyIds.length > 1) {
      await manager.query(
        `SELECT id FROM ${this.keys} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [keyIds],
      );
    }
    // A period budget counts the cost in the period (UTC, calendar-aligned, as budget-period.ts) holding now:
    // the spend of an earlier period is replaced, not added to.
    const period = `date_trunc(k.budget_period, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
    const updated = await manager.query<[ClientKeyRow[], number] | ClientKeyRow[]>(
      `UPDATE ${this.keys} AS k
       SET used_usd = k.used_usd + d.cost,
           budget_spent_usd = CASE
             WHEN k.budget_period IS NULL THEN 0
             WHEN k.budget_period_start = ${period} THEN k.budget_spent_usd + d.cost
             ELSE d.cost END,
           budget_period_start = CASE WHEN k.budget_period IS NULL THEN NULL ELSE ${period} END,
           updated_at = clock_timestamp()
       FROM json_to_recordset($1::json) AS d(id uuid, cost numeric)
       WHERE k.id = d.id
       RETURNING k.*`,
      [JSON.stringify(keyIds.map((id) => ({ id, cost: perKey.get(id)!.cost }))), new Date(nowMs)],
    );
    await this.takeFromLeases(manager, insertedRecords);
    // TypeORM's postgres driver answers UPDATE … RETURNING with [rows, affected].
    const keyRows = (Array.isArray(updated[0]) ? updated[0] : updated) as ClientKeyRow[];
    return {
      inserted: insertedRecords,
      debited: keyRows.map((row) => ({
        key: clientKeyFromRow(row),
        recordIds: perKey.get(row.id)?.ids ?? [],
      })),
    };
  }

  /** The logged bodies of the new records that carry them (body logging on in ingress), with their records. */
  private async storeBodies(manager: EntityManager, records: PricedRecord[]): Promise<void> {
    const rows = records.flatMap(({ record }) =>
      record.bodies ? [{ id: record.id, created_at: record.created_at, ...record.bodies }] : [],
    );
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.bodies} (id, request, response, truncated, created_at)
       SELECT id, request, response, truncated, created_at FROM json_to_recordset($1::json)
         AS r(id uuid, request text, response text, truncated boolean, created_at timestamptz)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async pruneBodies(before: Date): Promise<number> {
    const deleted = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM ${this.bodies} WHERE created_at < $1`,
      [before],
    );
    return deleted[1];
  }

  /**
   * A debited cost leaves the lease it was admitted against (credit_holder): it moved from what the lease
   * holds to the key's used_usd, so the key's free balance (credit − used − held) counts it once.
   */
  private async takeFromLeases(manager: EntityManager, records: PricedRecord[]): Promise<void> {
    const perLease = new Map<string, { key_id: string; holder: string; cost: number }>();
    for (const { record, costUsd } of records) {
      if (!record.credit_holder || costUsd <= 0 || !isUuid(record.key_id)) continue;
      const id = `${record.key_id} ${record.credit_holder}`;
      const entry = perLease.get(id) ?? {
        key_id: record.key_id,
        holder: record.credit_holder,
        cost: 0,
      };
      entry.cost += costUsd;
      perLease.set(id, entry);
    }
    if (perLease.size === 0) return;
    await manager.query(
      `UPDATE ${this.leases} AS l SET held_usd = greatest(0, l.held_usd - d.cost)
       FROM json_to_recordset($1::json) AS d(key_id uuid, holder text, cost numeric)
       WHERE l.key_id = d.key_id AND l.holder = d.holder`,
      [JSON.stringify([...perLease.values()])],
    );
  }

  async query(query: UsageQuery, options: { bodies?: boolean } = {}): Promise<UsageView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.key_id !== undefined) add('key_id = ?', query.key_id);
    if (query.request_id !== undefined) add('request_id = ?', query.request_id);
    if (query.model !== undefined) add('model = ?', query.model);
    if (query.since !== undefined) add('created_at >= ?', query.since);
    if (query.until !== undefined) add('created_at < ?', query.until);
    params.push(query.limit);
    const bodies = options.bodies
      ? `, (SELECT jsonb_build_object('request', b.request, 'response', b.response, 'truncated', b.truncated)
           FROM ${this.bodies} b WHERE b.id = ${this.records}.id) AS bodies`
      : '';
    const rows = await this.dataSource.query<UsageRow[]>(
      `SELECT ${NAMES.join(', ')}${bodies} FROM ${this.records}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC
       LIMIT $${params.length}`,
      params,
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<UsageView | null> {
    if (!isUuid(id)) return null;
    const rows = await this.dataSource.query<UsageRow[]>(
      `SELECT ${NAMES.join(', ')} FROM ${this.records} WHERE id = $1`,
      [id],
    );
    return rows.length === 0 ? null : toView(rows[0]);
  }
}
