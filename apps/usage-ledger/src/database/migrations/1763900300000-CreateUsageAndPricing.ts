import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Model prices and the usage records: one row per request, unique by the id ingress minted for it. */
export class CreateUsageAndPricing1763900300000 implements MigrationInterface {
  name = 'CreateUsageAndPricing1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.model_prices (
        model text PRIMARY KEY,
        input_usd_per_mtok numeric(20,10) NOT NULL,
        output_usd_per_mtok numeric(20,10) NOT NULL,
        cache_read_multiplier numeric(12,6) NOT NULL DEFAULT 0.1,
        cache_write_multiplier numeric(12,6) NOT NULL DEFAULT 1.25,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.usage_records (
        id uuid PRIMARY KEY,
        request_id text NOT NULL,
        key_id text NOT NULL,
        channel_id text,
        model text,
        upstream_model text,
        format text NOT NULL,
        route text NOT NULL,
        stream boolean NOT NULL,
        input_tokens bigint NOT NULL,
        output_tokens bigint NOT NULL,
        cache_read_tokens bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        cost_usd numeric(20,10) NOT NULL,
        status integer NOT NULL,
        late_error text,
        latency_ms double precision NOT NULL,
        ttft_ms double precision,
        referer text,
        title text,
        attempts integer NOT NULL,
        created_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The admin queries: a key's usage over time, everything over time, one request, one model over time.
    await queryRunner.query(
      `CREATE INDEX usage_records_key_time ON ${s}.usage_records (key_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_records_time ON ${s}.usage_records (created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_records_request ON ${s}.usage_records (request_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_records_model_time ON ${s}.usage_records (model, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.usage_records`);
    await queryRunner.query(`DROP TABLE ${s}.model_prices`);
  }
}
