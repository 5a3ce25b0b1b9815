import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the admin API's transition history (`GET /admin/channels/{id}/transitions`) shows besides the states and
 * the reason: the class of the call that moved the channel, the ejection cause, the consecutive failures and
 * the ejection count at that moment. Nullable: the rows stored before are kept as they are. The history is read
 * and pruned newest first per channel, hence the index in that order.
 */
export class AddTransitionDetails1763900400000 implements MigrationInterface {
  name = 'AddTransitionDetails1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      ALTER TABLE ${s}.channel_health_transitions
        ADD COLUMN error_class text,
        ADD COLUMN cause text,
        ADD COLUMN consecutive_failures integer,
        ADD COLUMN ejections integer`);
    await queryRunner.query(`DROP INDEX ${s}.channel_health_transitions_channel_at`);
    await queryRunner.query(
      `CREATE INDEX channel_health_transitions_channel_newest
       ON ${s}.channel_health_transitions (channel_id, at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP INDEX ${s}.channel_health_transitions_channel_newest`);
    await queryRunner.query(
      `CREATE INDEX channel_health_transitions_channel_at ON ${s}.channel_health_transitions (channel_id, at)`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.channel_health_transitions
        DROP COLUMN error_class,
        DROP COLUMN cause,
        DROP COLUMN consecutive_failures,
        DROP COLUMN ejections`);
  }
}
