// The overview, from what the admin API offers today: channels by rotation state, and today's usage from the
// newest records (GET /admin/usage, at most 1000; an aggregated summary endpoint is issue 19's next step).
// Refreshed every few seconds while the tab is visible.
import { useMemo } from 'preact/hooks';
import { count, dateTime, ms, quantile, startOfUtcDay, usd } from '../format';
import { channelState } from '../health';
import type { Channel, List, UsageRecord } from '../types';
import { Badge, Loading, useResource } from '../ui';

const USAGE_LIMIT = 1000;
/** Live enough to watch a channel leave rotation or traffic arrive, light enough for a tab left open. */
const REFRESH_MS = 5_000;

export function Overview() {
  const since = useMemo(() => startOfUtcDay(new Date()).toISOString(), []);
  const channels = useResource<List<Channel>>('/admin/channels', REFRESH_MS);
  const usage = useResource<List<UsageRecord>>(
    `/admin/usage?since=${encodeURIComponent(since)}&limit=${USAGE_LIMIT}`,
    REFRESH_MS,
  );
  const rotation = { 'in-rotation': 0, ejected: 0, disabled: 0 };
  for (const channel of channels.data?.data ?? []) rotation[channelState(channel).rotation] += 1;
  const records = usage.data?.data ?? [];
  const errors = records.filter((r) => r.status >= 400).length;
  const latencies = records.flatMap((r) => (r.latency_ms === null ? [] : [r.latency_ms]));
  const ttfts = records.flatMap((r) => (r.ttft_ms === null ? [] : [r.ttft_ms]));
  const more = records.length >= USAGE_LIMIT ? '+' : '';
  return (
    <section>
      <div class="page-head">
        <h1>Overview</h1>
        <button
          type="button"
          onClick={() => {
            channels.reload();
            usage.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <h2>Channels</h2>
      {channels.data ? (
        <dl class="stats" data-testid="channel-stats">
          <div>
            <dt>In rotation</dt>
            <dd data-stat="in-rotation">{rotation['in-rotation']}</dd>
          </div>
          <div>
            <dt>Ejected</dt>
            <dd data-stat="ejected">{rotation.ejected}</dd>
          </div>
          <div>
            <dt>Disabled</dt>
            <dd data-stat="disabled">{rotation.disabled}</dd>
          </div>
        </dl>
      ) : (
        <Loading error={channels.error} />
      )}
      <h2>Today (UTC)</h2>
      {usage.data ? (
        <>
          <dl class="stats" data-testid="usage-stats">
            <div>
              <dt>Requests</dt>
              <dd data-stat="requests">
                {count(records.length)}
                {more}
              </dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-stat="errors">
                {count(errors)}
                {records.length ? ` (${((100 * errors) / records.length).toFixed(1)}%)` : ''}
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd data-stat="cost">{usd(records.reduce((sum, r) => sum + r.cost_usd, 0))}</dd>
            </div>
            <div>
              <dt>Tokens in / out</dt>
              <dd data-stat="tokens">
                {count(records.reduce((sum, r) => sum + r.input_tokens, 0))} /{' '}
                {count(records.reduce((sum, r) => sum + r.output_tokens, 0))}
              </dd>
            </div>
            <div>
              <dt>Latency p50 / p95</dt>
              <dd>
                {ms(quantile(latencies, 0.5))} / {ms(quantile(latencies, 0.95))}
              </dd>
            </div>
            <div>
              <dt>TTFT p50 / p95</dt>
              <dd>
                {ms(quantile(ttfts, 0.5))} / {ms(quantile(ttfts, 0.95))}
              </dd>
            </div>
          </dl>
          <h2>Latest requests</h2>
          {records.length === 0 ? (
            <p class="muted">No requests today yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Model</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Tokens in / out
                    </th>
                    <th scope="col" class="num">
                      Cost
                    </th>
                    <th scope="col" class="num">
                      Latency
                    </th>
                    <th scope="col">Request id</th>
                  </tr>
                </thead>
                <tbody>
                  {records.slice(0, 10).map((r) => (
                    <tr key={r.request_id}>
                      <td>{dateTime(r.created_at)}</td>
                      <td>{r.model}</td>
                      <td>
                        <Badge tone={r.status < 400 ? 'ok' : 'bad'}>{r.status}</Badge>
                      </td>
                      <td class="num">
                        {count(r.input_tokens)} / {count(r.output_tokens)}
                      </td>
                      <td class="num">{usd(r.cost_usd)}</td>
                      <td class="num">{ms(r.latency_ms)}</td>
                      <td class="mono">{r.request_id}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : (
        <Loading error={usage.error} />
      )}
    </section>
  );
}
