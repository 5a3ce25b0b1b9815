import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChannels1763900000000 implements MigrationInterface {
  name = 'CreateChannels1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        type text NOT NULL,
        base_url text,
        keys_encrypted jsonb NOT NULL DEFAULT '[]',
        key_hints jsonb NOT NULL DEFAULT '[]',
        models jsonb NOT NULL DEFAULT '[]',
        model_mapping jsonb NOT NULL DEFAULT '{}',
        groups jsonb NOT NULL DEFAULT '["default"]',
        priority integer NOT NULL DEFAULT 0,
        weight integer NOT NULL DEFAULT 1,
        enabled boolean NOT NULL DEFAULT true,
        auto_disabled boolean NOT NULL DEFAULT false,
        timeout_ms integer NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        health jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channels_name_unique UNIQUE (name)
      )`);
    // Versions of the routing snapshot: a sequence, so they only grow, across restarts and replicas.
    await queryRunner.query(`CREATE SEQUENCE ${s}.routing_snapshot_version_seq`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP SEQUENCE ${s}.routing_snapshot_version_seq`);
    await queryRunner.query(`DROP TABLE ${s}.channels`);
  }
}
