import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Channel headers whose values are secrets: each sealed like the keys, with its redacted hint. */
export class AddChannelSecretHeaders1763900800000 implements MigrationInterface {
  name = 'AddChannelSecretHeaders1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels ADD COLUMN secret_headers jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels DROP COLUMN secret_headers`,
    );
  }
}
