import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared window of keys with small rpm/tpm limits (issue 18): requests admitted and tokens charged per key
 * per epoch second, for the last minute (older seconds are deleted as the key is admitted again).
 */
export class CreateRateWindows1763900800000 implements MigrationInterface {
  name = 'CreateRateWindows1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.rate_windows (
        key_id uuid NOT NULL REFERENCES ${s}.client_keys (id) ON DELETE CASCADE,
        second bigint NOT NULL,
        requests integer NOT NULL DEFAULT 0,
        tokens bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (key_id, second)
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.rate_windows`);
  }
}
