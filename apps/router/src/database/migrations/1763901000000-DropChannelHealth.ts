import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Health is the health-prober's (its channel_health table is the only store): the router's copy of it goes, and
 * with it the columns it derived for routing. down() brings the columns back empty (healthy, full weight); the
 * prober's next announcement is what fills ingress's view either way.
 */
export class DropChannelHealth1763901000000 implements MigrationInterface {
  name = 'DropChannelHealth1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels DROP COLUMN auto_disabled, DROP COLUMN weight_factor, DROP COLUMN health`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels ADD COLUMN auto_disabled boolean NOT NULL DEFAULT false, ADD COLUMN weight_factor double precision NOT NULL DEFAULT 1, ADD COLUMN health jsonb`,
    );
  }
}
