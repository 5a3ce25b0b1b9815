import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The share of its weight a channel gets while it ramps back in (from the health-prober). */
export class AddChannelWeightFactor1763900400000 implements MigrationInterface {
  name = 'AddChannelWeightFactor1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels ADD COLUMN weight_factor double precision NOT NULL DEFAULT 1`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ${migrationSchema(queryRunner)}.channels DROP COLUMN weight_factor`,
    );
  }
}
