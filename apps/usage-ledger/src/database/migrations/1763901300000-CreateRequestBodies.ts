import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Body logging (issue 19, off by default in ingress): a record's request and answer bodies, in a sibling table
 * rather than columns of usage_records, so the usage scans (lists, summaries) never read them and retention
 * (RELAYMESH_BODY_LOG_RETENTION_HOURS) deletes them without touching what is billed. Keyed by the record's id;
 * `created_at` is the record's, indexed for the prune.
 */
export class CreateRequestBodies1763901300000 implements MigrationInterface {
  name = 'CreateRequestBodies1763901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `CREATE TABLE ${s}.request_bodies (
        id uuid PRIMARY KEY REFERENCES ${s}.usage_records (id) ON DELETE CASCADE,
        request text,
        response text,
        truncated boolean NOT NULL,
        created_at timestamptz NOT NULL
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX request_bodies_created_at ON ${s}.request_bodies (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.request_bodies`);
  }
}
