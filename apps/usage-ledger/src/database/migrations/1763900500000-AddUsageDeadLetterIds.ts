import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An id of the ledger's own for each dead letter, for the admin API's URLs
 * (`POST /admin/usage/dead-letters/{id}/replay`): the message id is whatever the publisher chose (any text up
 * to 200 characters, maybe with a slash), so it is kept as the row's key but not put in a path.
 */
export class AddUsageDeadLetterIds1763900500000 implements MigrationInterface {
  name = 'AddUsageDeadLetterIds1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    // A volatile default is evaluated per existing row: each parked letter gets its own id.
    await queryRunner.query(
      `ALTER TABLE ${s}.usage_dead_letters ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX usage_dead_letters_id ON ${s}.usage_dead_letters (id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${s}.usage_dead_letters DROP COLUMN id`);
  }
}
