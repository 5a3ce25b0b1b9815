import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage summary (`GET /admin/usage/summary`) filters on a channel over a time range, as it does on a key
 * or a model (whose (column, created_at) indexes exist since CreateUsageAndPricing): without this one, a
 * channel's summary reads every record of the range.
 */
export class AddUsageSummaryIndexes1763900600000 implements MigrationInterface {
  name = 'AddUsageSummaryIndexes1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE INDEX usage_records_channel_time ON ${s}.usage_records (channel_id, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP INDEX ${s}.usage_records_channel_time`);
  }
}
