// The overview: channels by rotation state; the last minute's traffic (requests/s, error rate, latency, TTFT),
// today's and this month's usage from the ledger's summary
// (GET /admin/usage/summary: exact totals and percentiles over every record, however many); the latest
// requests (GET /admin/usage); the latest health transitions of every channel (GET /admin/transitions).
// Refreshed every few seconds while the tab is visible.
import { count, errorRate, ms, perSecond, startOfUtcDay, startOfUtcMonth, usd } from '../format';
import { channelState } from '../health';
import type { Channel, ChannelTransitionEntry, List, UsageRecord, UsageSummary } from '../types';
import { RecordsTable } from '../records-table';
import { TransitionList } from '../transitions';
import { Loading, Stat, useResource } from '../ui';

/** Live enough to watch a channel leave rotation or traffic arrive, light enough for a tab left open. */
const REFRESH_MS = 5_000;

/** The live window: long enough for a rate at low traffic, short enough to show a change within a refresh. */
const LIVE_WINDOW_S = 60;

const summarySince = (since: Date) =>
  `/admin/usage/summary?interval=day&since=${encodeURIComponent(since.toISOString())}`;

export function Overview() {
  // Recomputed on each render, so a tab left open past midnight (UTC) moves on to the new day.
  const now = new Date();
  const channels = useResource<List<Channel>>('/admin/channels', REFRESH_MS);
  // The window's start moves with each render (a refresh), so the resource is keyed by the refresh, not the second.
  const lastMinute = useResource<UsageSummary>(
    summarySince(
      new Date(Math.floor(now.getTime() / REFRESH_MS) * REFRESH_MS - LIVE_WINDOW_S * 1000),
    ),
    REFRESH_MS,
  );
  const today = useResource<UsageSummary>(summarySince(startOfUtcDay(now)), REFRESH_MS);
  const month = useResource<UsageSummary>(summarySince(startOfUtcMonth(now)), REFRESH_MS);
  const latest = useResource<List<UsageRecord>>('/admin/usage?limit=10', REFRESH_MS);
  const transitions = useResource<List<ChannelTransitionEntry>>(
    '/admin/transitions?limit=10',
    REFRESH_MS,
  );
  const channelName = new Map((channels.data?.data ?? []).map((c) => [c.id, c.name]));
  const rotation = { 'in-rotation': 0, ejected: 0, disabled: 0 };
  for (const channel of channels.data?.data ?? []) rotation[channelState(channel).rotation] += 1;
  const totals = today.data?.totals;
  const live = lastMinute.data?.totals;
  return (
    <section>
      <div class="page-head">
        <h1>Overview</h1>
        <button
          type="button"
          onClick={() => {
            channels.reload();
            lastMinute.reload();
            today.reload();
            month.reload();
            latest.reload();
            transitions.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <h2>Channels</h2>
      {channels.data ? (
        <dl class="stats" data-testid="channel-stats">
          <Stat label="In rotation" stat="in-rotation">
            {rotation['in-rotation']}
          </Stat>
          <Stat label="Ejected" stat="ejected">
            {rotation.ejected}
          </Stat>
          <Stat label="Disabled" stat="disabled">
            {rotation.disabled}
          </Stat>
        </dl>
      ) : (
        <Loading error={channels.error} />
      )}
      <h2>Latest health transitions</h2>
      {!transitions.data ? (
        <Loading error={transitions.error} />
      ) : transitions.data.data.length === 0 ? (
        <p class="muted">No channel has changed state yet.</p>
      ) : (
        <TransitionList
          transitions={transitions.data.data}
          testId="overview-transitions"
          channelName={channelName}
        />
      )}
      <h2>Last minute</h2>
      {live ? (
        <dl class="stats" data-testid="live-stats">
          <Stat label="Requests/s" stat="rps">
            {perSecond(live.requests, LIVE_WINDOW_S)}
          </Stat>
          <Stat label="Error rate" stat="live-errors">
            {errorRate(live.errors, live.requests)}
          </Stat>
          <LatencyStats totals={live} />
        </dl>
      ) : (
        <Loading error={lastMinute.error} />
      )}
      <h2>Today (UTC)</h2>
      {totals ? (
        <dl class="stats" data-testid="usage-stats">
          <Stat label="Requests" stat="requests">
            {count(totals.requests)}
          </Stat>
          <Stat label="Errors" stat="errors">
            {count(totals.errors)}
            {totals.requests ? ` (${errorRate(totals.errors, totals.requests)})` : ''}
          </Stat>
          <Stat label="Cost today" stat="cost">
            {usd(totals.cost_usd)}
          </Stat>
          <Stat label="Cost this month" stat="cost-month">
            {month.data ? usd(month.data.totals.cost_usd) : '…'}
          </Stat>
          <Stat label="Tokens in / out" stat="tokens">
            {count(totals.input_tokens)} / {count(totals.output_tokens)}
          </Stat>
          <LatencyStats totals={totals} />
        </dl>
      ) : (
        <Loading error={today.error} />
      )}
      <h2>Latest requests</h2>
      {!latest.data ? (
        <Loading error={latest.error} />
      ) : latest.data.data.length === 0 ? (
        <p class="muted">No requests yet.</p>
      ) : (
        <RecordsTable rows={latest.data.data} explore />
      )}
    </section>
  );
}

/** Latency and time to first token of a summary's requests (the live minute and today show both). */
function LatencyStats({ totals }: { totals: UsageSummary['totals'] }) {
  return (
    <>
      <Stat label="Latency p50 / p95">
        {ms(totals.latency_p50_ms)} / {ms(totals.latency_p95_ms)}
      </Stat>
      <Stat label="TTFT p50">{ms(totals.ttft_p50_ms)}</Stat>
    </>
  );
}
