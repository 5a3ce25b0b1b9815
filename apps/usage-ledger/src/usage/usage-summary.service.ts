// `GET /admin/usage/summary`: the query planned against the clock (defaults filled in, bounds checked), then
// summarised by the repository. A query past its bounds is a 400 naming the parameter, in the edge's format.
import { Injectable } from '@nestjs/common';
import { AdminError, UsageSummary, UsageSummaryQuery } from '@relaymesh/contracts';
import { z } from 'zod';
import { isSummaryIssue, planUsageSummary } from './usage-summary-plan';
import { UsageSummaryRepository } from './usage-summary.repository';

@Injectable()
export class UsageSummaryService {
  constructor(private readonly repository: UsageSummaryRepository) {}

  summarize(query: UsageSummaryQuery, now = Date.now()): Promise<UsageSummary> {
    const plan = planUsageSummary(query, now);
    if (isSummaryIssue(plan)) {
      throw new AdminError(400, `Invalid request: ${z.prettifyError(new z.ZodError([plan]))}`, [
        plan,
      ]);
    }
    return this.repository.summarize(plan);
  }
}
