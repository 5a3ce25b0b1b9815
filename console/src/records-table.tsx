// The table of request records the operator's overview and usage pages and the key holder's page all show:
// one row per request, newest first as given.
import { count, dateTime, ms, usd } from './format';
import { Link } from './router';
import type { UsageRecord } from './types';
import { Badge } from './ui';

/** What the Key and Channel columns show: names by id. Without them (a key holder's own records) no such columns. */
export interface RecordNames {
  keyName: ReadonlyMap<string, string>;
  channelName: ReadonlyMap<string, string>;
}

export function RecordsTable(props: {
  rows: UsageRecord[];
  testId?: string;
  names?: RecordNames;
  /** The operator's lists: each request id opens the request explorer. */
  explore?: boolean;
}) {
  const { names } = props;
  return (
    <div class="table-wrap">
      <table data-testid={props.testId}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {names && <th scope="col">Key</th>}
            <th scope="col">Model</th>
            {names && <th scope="col">Channel</th>}
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
          {props.rows.map((r) => (
            <tr key={`${r.request_id}-${r.created_at}`} data-request={r.request_id}>
              <td>{dateTime(r.created_at, true)}</td>
              {names && <td>{names.keyName.get(r.key_id) ?? r.key_id}</td>}
              <td>
                {r.model}
                {(r.dropped_tools ?? []).length > 0 ? (
                  <span
                    class="muted"
                    data-dropped-tools={r.request_id}
                    title="Hosted tools the translation dropped"
                  >
                    {' '}
                    (dropped {(r.dropped_tools ?? []).join(', ')})
                  </span>
                ) : null}
              </td>
              {names && (
                <td>
                  {r.channel_id ? (names.channelName.get(r.channel_id) ?? r.channel_id) : '—'}
                </td>
              )}
              <td>
                <Badge tone={r.status < 400 ? 'ok' : 'bad'}>{r.status}</Badge>
              </td>
              <td class="num">
                {count(r.input_tokens)} / {count(r.output_tokens)}
              </td>
              <td class="num">{usd(r.cost_usd)}</td>
              <td class="num">{ms(r.latency_ms)}</td>
              <td class="mono">
                {props.explore ? (
                  <Link to={`/requests/${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
                ) : (
                  r.request_id
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
