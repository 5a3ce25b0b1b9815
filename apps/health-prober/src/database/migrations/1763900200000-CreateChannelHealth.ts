import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChannelHealth1763900200000 implements MigrationInterface {
  name = 'CreateChannelHealth1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ${migrationSchema(queryRunner)}.channel_health (
        channel_id text PRIMARY KEY,
        state text NOT NULL DEFAULT 'unknown',
        last_error text,
        last_checked_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        latency_ms double precision,
        disabled_at timestamptz,
        reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.channel_health`);
  }
}
