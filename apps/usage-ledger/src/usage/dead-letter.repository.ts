// The usage records the ledger parked instead of storing (issue 15, D1): refused by Postgres after bounded
// retries, or breaking the contract. One row per message id, written once (a redelivered batch parks its bad
// record again as a no-op), so the metric and the log line count each parked record once. An operator lists
// them and replays one once its cause is fixed; the replay takes the row in the transaction that stores it.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DeadLetterQuery, DeadLetterView, storableText } from '@relaymesh/contracts';
import { isUuid, quoteIdent } from '@relaymesh/persistence';
import { DataSource, EntityManager } from 'typeorm';

export interface DeadLetter {
  msgId: string;
  /** The record's id when it had one. */
  recordId: string | null;
  /** The payload as received: an object (a record) or the raw text of a message that broke the contract. */
  payload: unknown;
  reason: string;
  attempts: number;
}

/** Longest payload and reason kept: a parked record is for a person to read and replay, not a blob store. */
const MAX_PAYLOAD = 256 * 1024;
const MAX_REASON = 2000;
const MAX_ID = 200;

/**
 * A dead letter as its row: JSON.stringify escapes control characters and lone surrogates (`\u0000`,
 * `\ud800`), so the payload text is always storable; the reason (Postgres may quote the bad value) and ids
 * are normalised like any record text.
 */
export function deadLetterRow(letter: DeadLetter) {
  return {
    msg_id: storableText(letter.msgId, MAX_ID),
    record_id: letter.recordId === null ? null : storableText(letter.recordId, MAX_ID),
    payload: storableText(JSON.stringify(letter.payload) ?? 'null', MAX_PAYLOAD),
    reason: storableText(letter.reason, MAX_REASON),
    attempts: letter.attempts,
  };
}

interface DeadLetterRow {
  id: string;
  msg_id: string;
  record_id: string | null;
  payload: string;
  reason: string;
  attempts: number;
  parked_at: Date;
}

/**
 * The parked payload back from its JSON text, for display and replay; the text itself when it does not parse
 * (a payload cut at the bound).
 */
export function parkedPayloadOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function deadLetterViewOf(row: DeadLetterRow): DeadLetterView {
  return {
    id: row.id,
    msg_id: row.msg_id,
    record_id: row.record_id,
    reason: row.reason,
    attempts: row.attempts,
    parked_at: row.parked_at.toISOString(),
    record: parkedPayloadOf(row.payload),
  };
}

const VIEW_COLUMNS = 'id, msg_id, record_id, payload, reason, attempts, parked_at';

export abstract class DeadLetterRepository {
  /** Parks the letters; resolves with the message ids that were not parked before. */
  abstract park(letters: DeadLetter[]): Promise<string[]>;
  /** Newest first. */
  abstract list(query: DeadLetterQuery): Promise<DeadLetterView[]>;
  abstract find(id: string): Promise<DeadLetterView | null>;
  /**
   * Removes the dead letter within `tx` (so it is gone only if what stored its record commits); false when it
   * is no longer there (replayed meanwhile). A concurrent replay of the same letter waits for this one's lock.
   */
  abstract takeIn(tx: EntityManager, id: string): Promise<boolean>;
}

@Injectable()
export class SqlDeadLetterRepository extends DeadLetterRepository {
  private readonly table: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    const schema = quoteIdent((dataSource.options as { schema?: string }).schema ?? 'public');
    this.table = `${schema}.usage_dead_letters`;
  }

  async park(letters: DeadLetter[]): Promise<string[]> {
    if (letters.length === 0) return [];
    const rows = await this.dataSource.query<{ msg_id: string }[]>(
      `INSERT INTO ${this.table} (msg_id, record_id, payload, reason, attempts)
       SELECT msg_id, record_id, payload, reason, attempts
       FROM jsonb_to_recordset($1::jsonb)
         AS r(msg_id text, record_id text, payload text, reason text, attempts integer)
       ON CONFLICT (msg_id) DO NOTHING
       RETURNING msg_id`,
      [JSON.stringify(letters.map(deadLetterRow))],
    );
    return rows.map((row) => row.msg_id);
  }

  async list(query: DeadLetterQuery): Promise<DeadLetterView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.since !== undefined) where.push(`parked_at >= $${params.push(query.since)}`);
    if (query.until !== undefined) where.push(`parked_at < $${params.push(query.until)}`);
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT ${VIEW_COLUMNS} FROM ${this.table}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY parked_at DESC, id
       LIMIT $${params.push(query.limit)}`,
      params,
    );
    return rows.map(deadLetterViewOf);
  }

  async find(id: string): Promise<DeadLetterView | null> {
    if (!isUuid(id)) return null;
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT ${VIEW_COLUMNS} FROM ${this.table} WHERE id = $1`,
      [id],
    );
    return rows.length === 0 ? null : deadLetterViewOf(rows[0]);
  }

  async takeIn(tx: EntityManager, id: string): Promise<boolean> {
    const deleted = await tx.query<[unknown[], number] | unknown[]>(
      `DELETE FROM ${this.table} WHERE id = $1 RETURNING id`,
      [id],
    );
    // TypeORM's postgres driver answers DELETE … RETURNING with [rows, affected].
    const rows = Array.isArray(deleted[0]) ? deleted[0] : deleted;
    return rows.length > 0;
  }
}
