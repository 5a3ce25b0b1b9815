import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClientKeys1763900100000 implements MigrationInterface {
  name = 'CreateClientKeys1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.client_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_hash text NOT NULL,
        key_hint text NOT NULL,
        "group" text NOT NULL DEFAULT 'default',
        unlimited boolean NOT NULL DEFAULT true,
        credit_usd numeric(20,10) NOT NULL DEFAULT 0,
        used_usd numeric(20,10) NOT NULL DEFAULT 0,
        models jsonb NOT NULL DEFAULT '[]',
        allow_ips jsonb NOT NULL DEFAULT '[]',
        rpm integer,
        tpm bigint,
        expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT client_keys_name_unique UNIQUE (name),
        CONSTRAINT client_keys_hash_unique UNIQUE (key_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${migrationSchema(queryRunner)}.client_keys`);
  }
}
