import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request explorer (`GET /admin/requests/{request_id}`): each record keeps its upstream attempts (channel,
 * model, status, error class, timing) as a small JSON array, at most MAX_LOGGED_ATTEMPTS long. A column rather
 * than a sibling table: the attempts are read only with their record, never queried on their own, and the
 * insert stays one statement per batch. Null for records stored before (their `attempts` count stays).
 */
export class AddUsageAttemptLog1763901200000 implements MigrationInterface {
  name = 'AddUsageAttemptLog1763901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.usage_records ADD COLUMN attempt_log jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.usage_records DROP COLUMN attempt_log`);
  }
}
