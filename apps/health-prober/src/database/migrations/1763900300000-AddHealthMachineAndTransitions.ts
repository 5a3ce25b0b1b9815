import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The state machine's own state beside each channel's health, and the history of its transitions. */
export class AddHealthMachineAndTransitions1763900300000 implements MigrationInterface {
  name = 'AddHealthMachineAndTransitions1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${schema}.channel_health ADD COLUMN machine jsonb`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.channel_health_transitions (
        id bigserial PRIMARY KEY,
        channel_id text NOT NULL,
        at timestamptz NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        reason text NOT NULL,
        last_error text
      )`);
    await queryRunner.query(
      `CREATE INDEX channel_health_transitions_channel_at ON ${schema}.channel_health_transitions (channel_id, at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${schema}.channel_health_transitions`);
    await queryRunner.query(`ALTER TABLE ${schema}.channel_health DROP COLUMN machine`);
  }
}
