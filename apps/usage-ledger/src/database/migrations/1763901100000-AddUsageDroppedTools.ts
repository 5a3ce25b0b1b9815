import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hosted tools a request's channel could not run and dropped (a JSON array of their type names); null for
 * the many records that dropped none.
 */
export class AddUsageDroppedTools1763901100000 implements MigrationInterface {
  name = 'AddUsageDroppedTools1763901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.usage_records ADD COLUMN dropped_tools jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.usage_records DROP COLUMN dropped_tools`,
    );
  }
}
