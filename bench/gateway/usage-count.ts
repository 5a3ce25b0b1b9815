// Counts the usage records the ledger holds for a key, through GET /admin/usage (the operator's view), which
// answers at most 1,000 rows per call. The window is halved until each half holds fewer than the limit, so
// the count is exact (the windows are half-open, [since, until), and never overlap) whatever the volume.

/** How many records a window holds, at most `limit` (the API caps its answer there). */
export type UsageWindowQuery = (sinceMs: number, untilMs: number, limit: number) => Promise<number>;

export const USAGE_PAGE_LIMIT = 1000;

export async function countUsageRecords(
  query: UsageWindowQuery,
  sinceMs: number,
  untilMs: number,
  limit = USAGE_PAGE_LIMIT,
): Promise<number> {
  const found = await query(sinceMs, untilMs, limit);
  if (found < limit) return found;
  if (untilMs - sinceMs <= 1) {
    throw new Error(`${found}+ usage records in one millisecond at ${sinceMs}: cannot count them`);
  }
  const middle = Math.floor((sinceMs + untilMs) / 2);
  return (
    (await countUsageRecords(query, sinceMs, middle, limit)) +
    (await countUsageRecords(query, middle, untilMs, limit))
  );
}

/** The window query over the admin API, for one key's records. */
export function adminUsageQuery(
  admin: (method: string, path: string) => Promise<{ status: number; body: unknown }>,
  keyId: string,
): UsageWindowQuery {
  return async (sinceMs, untilMs, limit) => {
    const params = new URLSearchParams({
      key_id: keyId,
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      limit: String(limit),
    });
    const res = await admin('GET', `/usage?${params.toString()}`);
    const data = (res.body as { data?: unknown[] } | null)?.data;
    if (res.status !== 200 || !Array.isArray(data)) {
      throw new Error(`GET /admin/usage answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return data.length;
  };
}
