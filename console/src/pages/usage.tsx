// Usage: who spent what on which model, over a range. Totals and charts come from the ledger's summary
// (GET /admin/usage/summary: every record of the range, filtered by key, model, channel and status there); the
// records list is the newest of the range from GET /admin/usage (filtered by key and model there, by channel and
// status here, since that endpoint has no such filters yet), and the CSV is exactly the rows listed, built in
// the browser. Refreshed like the overview while the tab is visible.
import { useMemo, useState } from 'preact/hooks';
import { StackedBars } from '../chart';
import { count, ms, usd } from '../format';
import type { Channel, Key, List, UsageRecord, UsageSummary } from '../types';
import { RecordsTable } from '../records-table';
import { Field, Loading, Stat, useResource } from '../ui';
import { INTERVAL_MS, type Metric, chartData, toCsv } from '../usage-data';

const REFRESH_MS = 5_000;
/** The records listed (and exported): GET /admin/usage's own maximum. */
const RECORDS_LIMIT = 1000;

export const RANGES = {
  '24h': { label: 'Last 24 hours', interval: 'hour', buckets: 24 },
  '7d': { label: 'Last 7 days', interval: 'hour', buckets: 168 },
  '30d': { label: 'Last 30 days', interval: 'day', buckets: 30 },
  '90d': { label: 'Last 90 days', interval: 'day', buckets: 90 },
} as const;
export type Range = keyof typeof RANGES;

const STATUSES = ['', 'ok', 'error', '2xx', '4xx', '5xx'] as const;

/** The first bucket of a range ending now: aligned, so the path (and what is fetched) changes once a bucket. */
export function rangeSince(range: Range, now: number): string {
  const { interval, buckets } = RANGES[range];
  const step = INTERVAL_MS[interval];
  return new Date((Math.floor(now / step) - (buckets - 1)) * step).toISOString();
}

/** `?a=1&b=2` from the filters that are set. */
export function query(params: Record<string, string | undefined>): string {
  const set = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return set.length ? `?${set.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&')}` : '';
}

export function tickOf(interval: 'hour' | 'day') {
  return (start: string) =>
    interval === 'hour' ? `${start.slice(11, 13)}:00` : start.slice(5, 10);
}

export const METRICS: [Metric, string, (value: number) => string][] = [
  ['cost', 'Cost', usd],
  ['tokens', 'Tokens (in + out)', count],
  ['requests', 'Requests', count],
];

/** Sends `text` to the browser as a file download: no server round trip, no script from anywhere else. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const CSV_COLUMNS = [
  'created_at',
  'request_id',
  'key_id',
  'key_name',
  'model',
  'channel_id',
  'channel_name',
  'status',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'stream',
  'format',
  'route',
] as const;

export function Usage() {
  const [range, setRange] = useState<Range>('24h');
  const [keyId, setKeyId] = useState('');
  const [model, setModel] = useState('');
  // Typed freely, applied on Enter or leaving the field: not one request per keystroke.
  const [modelDraft, setModelDraft] = useState('');
  const [channelId, setChannelId] = useState('');
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const [groupBy, setGroupBy] = useState<'model' | 'key'>('model');

  const { interval } = RANGES[range];
  const since = rangeSince(range, Date.now());
  const keys = useResource<List<Key>>('/admin/keys');
  const channels = useResource<List<Channel>>('/admin/channels');
  const summary = useResource<UsageSummary>(
    `/admin/usage/summary${query({
      group_by: groupBy,
      interval,
      since,
      key_id: keyId,
      model,
      channel_id: channelId,
      status,
    })}`,
    REFRESH_MS,
  );
  const records = useResource<List<UsageRecord>>(
    `/admin/usage${query({ since, key_id: keyId, model, limit: String(RECORDS_LIMIT) })}`,
    REFRESH_MS,
  );

  const keyName = useMemo(
    () => new Map((keys.data?.data ?? []).map((key) => [key.id, key.name])),
    [keys.data],
  );
  const channelName = useMemo(
    () => new Map((channels.data?.data ?? []).map((channel) => [channel.id, channel.name])),
    [channels.data],
  );
  const models = useMemo(
    () => [...new Set((channels.data?.data ?? []).flatMap((channel) => channel.models))].sort(),
    [channels.data],
  );
  const shown = (records.data?.data ?? []).filter(
    (r) => (channelId === '' || r.channel_id === channelId) && matchesStatus(r.status, status),
  );
  const label = (group: string | null) =>
    group === null ? '(none)' : groupBy === 'key' ? (keyName.get(group) ?? group) : group;
  const totals = summary.data?.totals;

  const exportCsv = () => {
    const rows = shown.map((r) => ({
      ...r,
      key_name: keyName.get(r.key_id) ?? '',
      channel_name: r.channel_id ? (channelName.get(r.channel_id) ?? '') : '',
    }));
    download(`relaymesh-usage-${since.slice(0, 13)}.csv`, toCsv(rows, CSV_COLUMNS));
  };

  return (
    <section>
      <div class="page-head">
        <h1>Usage</h1>
        <button
          type="button"
          onClick={() => {
            summary.reload();
            records.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <form
        class="filters"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          setModel(modelDraft.trim());
        }}
      >
        <Field label="Range" name="range">
          {(attrs) => (
            <select
              {...attrs}
              value={range}
              onChange={(e) => setRange(e.currentTarget.value as Range)}
            >
              {Object.entries(RANGES).map(([value, { label: text }]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Key" name="key">
          {(attrs) => (
            <select {...attrs} value={keyId} onChange={(e) => setKeyId(e.currentTarget.value)}>
              <option value="">All keys</option>
              {(keys.data?.data ?? []).map((key) => (
                <option key={key.id} value={key.id}>
                  {key.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Model" name="model">
          {(attrs) => (
            <>
              <input
                {...attrs}
                list="usage-models"
                value={modelDraft}
                placeholder="All models"
                onInput={(e) => setModelDraft(e.currentTarget.value)}
                onChange={(e) => setModel(e.currentTarget.value.trim())}
              />
              <datalist id="usage-models">
                {models.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Channel" name="channel">
          {(attrs) => (
            <select
              {...attrs}
              value={channelId}
              onChange={(e) => setChannelId(e.currentTarget.value)}
            >
              <option value="">All channels</option>
              {(channels.data?.data ?? []).map((channel) => (
                <option key={channel.id} value={channel.id}>
                  {channel.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status" name="status">
          {(attrs) => (
            <select
              {...attrs}
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value as (typeof STATUSES)[number])}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s === '' ? 'Any status' : s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Split charts by" name="group-by">
          {(attrs) => (
            <select
              {...attrs}
              value={groupBy}
              onChange={(e) => setGroupBy(e.currentTarget.value as 'model' | 'key')}
            >
              <option value="model">Model</option>
              <option value="key">Key</option>
            </select>
          )}
        </Field>
        <button type="submit">Apply</button>
      </form>

      {totals ? (
        <dl class="stats" data-testid="usage-totals">
          <Stat label="Requests" stat="requests">
            {count(totals.requests)}
          </Stat>
          <Stat label="Errors" stat="errors">
            {count(totals.errors)}
          </Stat>
          <Stat label="Cost" stat="cost">
            {usd(totals.cost_usd)}
          </Stat>
          <Stat label="Tokens in / out" stat="tokens">
            {count(totals.input_tokens)} / {count(totals.output_tokens)}
          </Stat>
          <Stat label="Latency p50 / p95">
            {ms(totals.latency_p50_ms)} / {ms(totals.latency_p95_ms)}
          </Stat>
        </dl>
      ) : (
        <Loading error={summary.error} />
      )}

      {summary.data ? (
        <div class="charts">
          {METRICS.map(([metric, title, format]) => (
            <StackedBars
              key={metric}
              id={metric}
              title={`${title} per ${interval}`}
              data={chartData(summary.data!, metric, label)}
              format={format}
              tick={tickOf(interval)}
            />
          ))}
        </div>
      ) : null}

      <div class="page-head">
        <h2>Requests</h2>
        <button type="button" onClick={exportCsv} disabled={shown.length === 0}>
          Export CSV
        </button>
      </div>
      {!records.data ? (
        <Loading error={records.error} />
      ) : (
        <>
          <p class="muted" data-testid="records-shown">
            {shown.length} request{shown.length === 1 ? '' : 's'} shown
            {records.data.data.length === RECORDS_LIMIT
              ? ` (the newest ${RECORDS_LIMIT} of the range)`
              : ''}
          </p>
          {shown.length > 0 ? (
            <RecordsTable
              rows={shown}
              testId="usage-records"
              names={{ keyName, channelName }}
              explore
            />
          ) : null}
        </>
      )}
    </section>
  );
}

function matchesStatus(code: number, status: (typeof STATUSES)[number]): boolean {
  switch (status) {
    case '':
      return true;
    case 'ok':
      return code < 400;
    case 'error':
      return code >= 400;
    default:
      return Math.floor(code / 100) === Number(status[0]);
  }
}
