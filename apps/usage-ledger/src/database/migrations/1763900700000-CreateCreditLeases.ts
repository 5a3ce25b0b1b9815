import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit leases (issue 18): one row per (key, ingress replica) holding a slice of the key's balance. `held_usd`
 * is what the slice holds (granted, minus what was given back, minus the costs the debits took out of it);
 * `expires_at` moves on with each grant; `released_at` is set when the replica gives it back. A row is deleted
 * once it ended and the ledger was caught up since (see lease-grant.ts).
 */
export class CreateCreditLeases1763900700000 implements MigrationInterface {
  name = 'CreateCreditLeases1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.credit_leases (
        key_id uuid NOT NULL REFERENCES ${s}.client_keys (id) ON DELETE CASCADE,
        holder text NOT NULL,
        held_usd numeric(20, 10) NOT NULL CHECK (held_usd >= 0),
        expires_at timestamptz NOT NULL,
        released_at timestamptz,
        PRIMARY KEY (key_id, holder)
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.credit_leases`);
  }
}
