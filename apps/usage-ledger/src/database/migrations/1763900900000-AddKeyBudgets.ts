import { migrationSchema } from '@relaymesh/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Period budgets (CONTRACT §2): a cap per calendar day, week or month (UTC) beside the lifetime credit, and
 * what was spent in the period that began at `budget_period_start` (the period of the last debit).
 */
export class AddKeyBudgets1763900900000 implements MigrationInterface {
  name = 'AddKeyBudgets1763900900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `ALTER TABLE ${s}.client_keys
         ADD COLUMN budget_usd numeric(20, 10),
         ADD COLUMN budget_period text CHECK (budget_period IN ('day', 'week', 'month')),
         ADD COLUMN budget_spent_usd numeric(20, 10) NOT NULL DEFAULT 0,
         ADD COLUMN budget_period_start timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migrationSchema(queryRunner);
    await queryRunner.query(
      `ALTER TABLE ${s}.client_keys DROP COLUMN budget_usd, DROP COLUMN budget_period,
         DROP COLUMN budget_spent_usd, DROP COLUMN budget_period_start`,
    );
  }
}
