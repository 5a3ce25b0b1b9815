// The usage records the ledger parked instead of storing (issue 15, D1): refused by Postgres after bounded
// retries, or breaking the contract. One row per message id, written once (a redelivered batch parks its bad
// record again as a no-op), so the metric and the log line count each parked record once.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { storableText } from '@relaymesh/contracts';
import { quoteIdent } from '@relaymesh/persistence';
import { DataSource } from 'typeorm';

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

export abstract class DeadLetterRepository {
  /** Parks the letters; resolves with the message ids that were not parked before. */
  abstract park(letters: DeadLetter[]): Promise<string[]>;
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
}
