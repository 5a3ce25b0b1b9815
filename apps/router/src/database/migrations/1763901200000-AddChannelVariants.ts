import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Model variants' suffix rules and the per-channel body override (model_mapping entries stay in jsonb). */
export class AddChannelVariants1763901200000 implements MigrationInterface {
  name = 'AddChannelVariants1763901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(
      `ALTER TABLE ${schema}.channels ADD COLUMN variant_suffixes jsonb NOT NULL DEFAULT '[]'::jsonb`,
    );
    await queryRunner.query(
      `ALTER TABLE ${schema}.channels ADD COLUMN body_override jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${schema}.channels DROP COLUMN body_override`);
    await queryRunner.query(`ALTER TABLE ${schema}.channels DROP COLUMN variant_suffixes`);
  }
}
