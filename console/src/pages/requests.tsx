// The request explorer: find a request by its `x-request-id` (typed, or followed from a usage list) and see
// what happened to it: every upstream attempt (channel, model, status, error class, when and how long), the
// failovers, the fallback model if one served, time to first byte, latency, tokens, cost, and the hosted tools
// a Responses translation dropped (GET /admin/requests/{request_id}; a client may reuse an id, so there may be
// several records).
import { useState } from 'preact/hooks';
import { count, dateTime, ms, usd } from '../format';
import { requestStory } from '../request-story';
import { navigate } from '../router';
import type { Channel, Key, List, UsageRecord } from '../types';
import { Badge, Field, Loading, Notice, Stat, useResource } from '../ui';

export function Requests(props: { requestId: string | null }) {
  const [typed, setTyped] = useState(props.requestId ?? '');
  return (
    <section>
      <div class="page-head">
        <h1>Request explorer</h1>
      </div>
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const id = typed.trim();
          if (id !== '') navigate(`/requests/${encodeURIComponent(id)}`);
        }}
      >
        <Field label="Request id (x-request-id)" name="request-id">
          {(attrs) => (
            <input
              {...attrs}
              class="mono"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary">
          Find
        </button>
      </form>
      {props.requestId === null ? (
        <p class="muted">
          Every answer carries its <code>x-request-id</code> header; the usage lists link here too.
        </p>
      ) : (
        <Found requestId={props.requestId} />
      )}
    </section>
  );
}

function Found(props: { requestId: string }) {
  const found = useResource<List<UsageRecord>>(
    `/admin/requests/${encodeURIComponent(props.requestId)}`,
  );
  const keys = useResource<List<Key>>('/admin/keys');
  const channels = useResource<List<Channel>>('/admin/channels');
  const keyName = new Map((keys.data?.data ?? []).map((k) => [k.id, k.name]));
  const channelName = new Map((channels.data?.data ?? []).map((c) => [c.id, c.name]));
  if (!found.data) {
    return found.error && found.error.message.startsWith('no request with id') ? (
      <Notice kind="info">No request with the id {props.requestId} was recorded.</Notice>
    ) : (
      <Loading error={found.error} />
    );
  }
  return (
    <>
      {found.data.data.length > 1 ? (
        <Notice kind="info">
          {found.data.data.length} requests were sent with this id (clients choose their own);
          newest first.
        </Notice>
      ) : null}
      {found.data.data.map((record) => (
        <RequestDetail
          key={`${record.created_at}-${record.key_id}`}
          record={record}
          keyName={keyName}
          channelName={channelName}
        />
      ))}
    </>
  );
}

function RequestDetail(props: {
  record: UsageRecord;
  keyName: ReadonlyMap<string, string>;
  channelName: ReadonlyMap<string, string>;
}) {
  const { record: r, channelName } = props;
  const story = requestStory(r);
  return (
    <article class="request" data-testid="request-detail">
      <h2>
        {dateTime(r.created_at, true)} · {r.route}
        {r.stream ? ' (stream)' : ''}
      </h2>
      <dl class="stats">
        <Stat label="Status" stat="status">
          <Badge tone={r.status < 400 && !r.late_error ? 'ok' : 'bad'}>{r.status}</Badge>
          {r.late_error ? ` cut: ${r.late_error}` : ''}
        </Stat>
        <Stat label="Key">{props.keyName.get(r.key_id) ?? r.key_id}</Stat>
        <Stat label="Model" stat="model">
          {story.fallbackFrom ? `${story.fallbackFrom} → ${r.model} (fallback)` : r.model}
        </Stat>
        <Stat label="Attempts" stat="attempts">
          {story.attempts}
          {story.failovers > 0
            ? ` (${story.failovers} failover${story.failovers > 1 ? 's' : ''})`
            : ''}
        </Stat>
        <Stat label="TTFT / latency">
          {ms(r.ttft_ms)} / {ms(r.latency_ms)}
        </Stat>
        <Stat label="Tokens in / out">
          {count(r.input_tokens)} / {count(r.output_tokens)}
        </Stat>
        <Stat label="Cost" stat="cost">
          {usd(r.cost_usd)}
        </Stat>
        {(r.dropped_tools ?? []).length > 0 ? (
          <Stat label="Dropped tools" stat="dropped-tools">
            <Badge tone="warn">{(r.dropped_tools ?? []).join(', ')}</Badge>
          </Stat>
        ) : null}
      </dl>
      {(r.dropped_tools ?? []).length > 0 ? (
        <p class="muted">
          The channel's provider cannot run these hosted tools: the request was translated without
          them (the channel's hosted tools policy is drop).
        </p>
      ) : null}
      {story.detailMissing ? (
        <p class="muted">
          This record was stored before attempts were logged: only their count is known.
        </p>
      ) : (r.attempt_log ?? []).length === 0 ? (
        <p class="muted">No upstream was tried (the gateway answered {r.status} itself).</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="attempts">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Channel</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Error class</th>
                <th scope="col" class="num">
                  Started
                </th>
                <th scope="col" class="num">
                  Took
                </th>
              </tr>
            </thead>
            <tbody>
              {(r.attempt_log ?? []).map((a, index) => (
                <tr key={index} data-attempt={index + 1} data-error-class={a.error_class}>
                  <td>{index + 1}</td>
                  <td>{channelName.get(a.channel_id) ?? a.channel_id}</td>
                  <td>
                    {a.model}
                    {a.upstream_model && a.upstream_model !== a.model ? (
                      <span class="muted"> as {a.upstream_model}</span>
                    ) : null}
                  </td>
                  <td>
                    <Badge tone={a.error_class === 'none' ? 'ok' : 'bad'}>{a.status || '—'}</Badge>
                  </td>
                  <td>{a.error_class === 'none' ? 'served' : a.error_class}</td>
                  <td class="num">+{ms(a.started_ms)}</td>
                  <td class="num">{ms(a.duration_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
