import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage records the ledger could not store (Postgres refused the record, or it broke the contract), parked
 * after bounded retries so they never hold up the records behind them (issue 15, D1). Every column is text an
 * operator can read and replay from: the payload as JSON text with every control character and lone surrogate
 * escaped, so a parked record is always storable, whatever it holds.
 */
export class CreateUsageDeadLetters1763900400000 implements MigrationInterface {
  name = 'CreateUsageDeadLetters1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.usage_dead_letters (
        msg_id text PRIMARY KEY,
        record_id text,
        payload text NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX usage_dead_letters_parked ON ${s}.usage_dead_letters (parked_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.usage_dead_letters`);
  }
}
