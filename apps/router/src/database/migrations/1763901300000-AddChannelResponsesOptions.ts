import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two Responses API options per channel: whether an `openai-compatible` server serves `/v1/responses` (then
 * Responses clients pass through to it), and what to do with hosted tools its provider cannot run.
 */
export class AddChannelResponsesOptions1763901300000 implements MigrationInterface {
  name = 'AddChannelResponsesOptions1763901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(
      `ALTER TABLE ${schema}.channels ADD COLUMN responses_api boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `ALTER TABLE ${schema}.channels ADD COLUMN hosted_tools text NOT NULL DEFAULT 'drop'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${schema}.channels DROP COLUMN hosted_tools`);
    await queryRunner.query(`ALTER TABLE ${schema}.channels DROP COLUMN responses_api`);
  }
}
