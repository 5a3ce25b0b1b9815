// Channels: what each upstream is, whether it is serving, and the operator's levers (create, edit, switch
// on and off, probe now). Validation is the API's own: its field errors are shown beside the fields.
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { bodyOf, draftOf, responsesSummary, type Draft } from '../channel-draft';
import { ms } from '../format';
import { channelState } from '../health';
import { TransitionList } from '../transitions';
import {
  CHANNEL_TYPES,
  HOSTED_TOOL_POLICIES,
  type Channel,
  type ChannelTestResult,
  type ChannelTransition,
  type List,
} from '../types';
import { Badge, Dialog, Field, FormDialog, Loading, Notice, useResource } from '../ui';

export function Channels(props: { canWrite: boolean }) {
  const channels = useResource<List<Channel>>('/admin/channels');
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [timeline, setTimeline] = useState<Channel | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const toggle = async (channel: Channel) => {
    setBusy(channel.id);
    const result = await api('PATCH', `/admin/channels/${channel.id}`, {
      enabled: !channel.enabled,
    });
    setBusy(null);
    setNotice(
      result.ok
        ? { kind: 'ok', text: `${channel.name} ${channel.enabled ? 'disabled' : 'enabled'}.` }
        : { kind: 'error', text: result.error.message },
    );
    channels.reload();
  };

  const test = async (channel: Channel) => {
    setBusy(channel.id);
    setNotice(null);
    const result = await api<ChannelTestResult>('POST', `/admin/channels/${channel.id}/test`);
    setBusy(null);
    if (!result.ok) setNotice({ kind: 'error', text: result.error.message });
    else if (result.body.ok) {
      setNotice({
        kind: 'ok',
        text: `${channel.name}: answered ${result.body.status} in ${ms(result.body.latency_ms)}${result.body.model ? ` (${result.body.model})` : ''}.`,
      });
    } else {
      setNotice({
        kind: 'error',
        text: `${channel.name}: ${result.body.error_class}${result.body.status ? ` (${result.body.status})` : ''}${result.body.message ? `: ${result.body.message}` : ''}`,
      });
    }
    channels.reload();
  };

  return (
    <section>
      <div class="page-head">
        <h1>Channels</h1>
        {props.canWrite ? (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            New channel
          </button>
        ) : null}
      </div>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {!channels.data ? (
        <Loading error={channels.error} />
      ) : channels.data.data.length === 0 ? (
        <p class="muted">
          No channels yet. A channel is an upstream provider account requests are sent to.
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Models</th>
                <th scope="col" class="num">
                  Priority / weight
                </th>
                <th scope="col">State</th>
                <th scope="col">Last error</th>
                <th scope="col" class="num">
                  Latency
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.data.map((channel) => {
                const state = channelState(channel);
                return (
                  <tr key={channel.id} data-channel={channel.name}>
                    <th scope="row">{channel.name}</th>
                    <td>
                      {channel.type}
                      <div class="muted" data-responses={channel.name}>
                        {responsesSummary(channel)}
                      </div>
                    </td>
                    <td class="wrap">
                      {channel.models.join(', ') || <span class="muted">all</span>}
                    </td>
                    <td class="num">
                      {channel.priority} / {channel.weight}
                    </td>
                    <td>
                      <Badge tone={state.tone}>{state.label}</Badge>
                    </td>
                    <td class="wrap error-text">{channel.health.last_error ?? ''}</td>
                    <td class="num">{ms(channel.health.latency_ms)}</td>
                    <td class="actions">
                      <button type="button" onClick={() => setTimeline(channel)}>
                        Timeline
                      </button>
                      {props.canWrite ? (
                        <>
                          <button type="button" onClick={() => setEditing(channel)}>
                            Edit
                          </button>
                          <button
                            type="button"
                            disabled={busy === channel.id}
                            onClick={() => void test(channel)}
                          >
                            Test now
                          </button>
                          <button
                            type="button"
                            disabled={busy === channel.id}
                            onClick={() => void toggle(channel)}
                          >
                            {channel.enabled ? 'Disable' : 'Enable'}
                          </button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {timeline ? <Timeline channel={timeline} onClose={() => setTimeline(null)} /> : null}
      {editing ? (
        <ChannelForm
          channel={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setNotice({ kind: 'ok', text: `${name} saved.` });
            channels.reload();
          }}
        />
      ) : null}
    </section>
  );
}

/** The channel's health history from the prober, newest first, refreshed while open. */
function Timeline(props: { channel: Channel; onClose: () => void }) {
  const history = useResource<List<ChannelTransition>>(
    `/admin/channels/${props.channel.id}/transitions?limit=50`,
    5_000,
  );
  return (
    <Dialog title={`Health of ${props.channel.name}`} onClose={props.onClose}>
      <div class="form">
        {!history.data ? (
          <Loading error={history.error} />
        ) : history.data.data.length === 0 ? (
          <p class="muted">
            No transitions yet: the channel has not changed state since it was created.
          </p>
        ) : (
          <TransitionList transitions={history.data.data} testId="timeline" />
        )}
      </div>
    </Dialog>
  );
}

function ChannelForm(props: {
  channel: Channel | null;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.channel));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Draft) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [field]: event.currentTarget.value });
  const editing = props.channel !== null;

  const submit = async () => {
    const made = bodyOf(draft, props.channel);
    if (!made.ok) {
      setError({ message: 'Some fields are not valid JSON.', fields: made.fields });
      return;
    }
    setBusy(true);
    const body = made.body;
    const result = props.channel
      ? await api('PATCH', `/admin/channels/${props.channel.id}`, body)
      : await api('POST', '/admin/channels', body);
    setBusy(false);
    if (result.ok) props.onSaved(draft.name.trim());
    else setError(result.error);
  };

  const fieldError = (field: string) => error?.fields[field];
  return (
    <FormDialog
      title={editing ? `Edit ${props.channel?.name}` : 'New channel'}
      onClose={props.onClose}
      onSubmit={() => void submit()}
      submitLabel={editing ? 'Save' : 'Create channel'}
      error={error}
      busy={busy}
    >
      <Field label="Name" name="name" error={fieldError('name')}>
        {(attrs) => <input {...attrs} value={draft.name} onInput={set('name')} />}
      </Field>
      <Field label="Type" name="type" error={fieldError('type')}>
        {(attrs) => (
          <select {...attrs} value={draft.type} disabled={editing} onChange={set('type')}>
            {CHANNEL_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Base URL"
        name="base_url"
        error={fieldError('base_url')}
        hint="scheme://host[:port], without /v1"
      >
        {(attrs) => (
          <input
            {...attrs}
            value={draft.base_url}
            onInput={set('base_url')}
            placeholder="https://api.openai.com"
          />
        )}
      </Field>
      <Field
        label={editing ? 'Upstream keys (leave empty to keep)' : 'Upstream keys'}
        name="keys"
        error={fieldError('keys')}
        hint="One per line; never shown again"
      >
        {(attrs) => (
          <textarea
            {...attrs}
            rows={2}
            autocomplete="off"
            value={draft.keys}
            onInput={set('keys')}
          />
        )}
      </Field>
      <Field label="Models" name="models" error={fieldError('models')} hint="Comma-separated">
        {(attrs) => <input {...attrs} value={draft.models} onInput={set('models')} />}
      </Field>
      <Field
        label="Model mapping (JSON)"
        name="model_mapping"
        error={fieldError('model_mapping')}
        hint='{"public": "upstream"} or {"public": {"model": "upstream", "overrides": {...}}}'
      >
        {(attrs) => (
          <textarea
            {...attrs}
            class="mono"
            rows={3}
            value={draft.model_mapping}
            onInput={set('model_mapping')}
          />
        )}
      </Field>
      <Field
        label="Variant suffixes"
        name="variant_suffixes"
        error={fieldError('variant_suffixes')}
        hint="Comma-separated: -thinking, -minimal, -low, -medium, -high, -max"
      >
        {(attrs) => (
          <input {...attrs} value={draft.variant_suffixes} onInput={set('variant_suffixes')} />
        )}
      </Field>
      <Field
        label="Body override (JSON)"
        name="body_override"
        error={fieldError('body_override')}
        hint='{"set": {"field": value}, "remove": ["field"]}'
      >
        {(attrs) => (
          <textarea
            {...attrs}
            class="mono"
            rows={2}
            value={draft.body_override}
            onInput={set('body_override')}
          />
        )}
      </Field>
      <div class="row">
        <Field
          label="Responses API"
          name="responses_api"
          error={fieldError('responses_api')}
          hint="openai-compatible servers with /v1/responses; openai always has it"
        >
          {(attrs) => (
            <input
              {...attrs}
              type="checkbox"
              checked={draft.responses_api}
              onChange={(e) => setDraft({ ...draft, responses_api: e.currentTarget.checked })}
            />
          )}
        </Field>
        <Field
          label="Hosted tools"
          name="hosted_tools"
          error={fieldError('hosted_tools')}
          hint="When translated: drop those the provider cannot run, or refuse"
        >
          {(attrs) => (
            <select {...attrs} value={draft.hosted_tools} onChange={set('hosted_tools')}>
              {HOSTED_TOOL_POLICIES.map((policy) => (
                <option key={policy} value={policy}>
                  {policy}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Groups" name="groups" error={fieldError('groups')}>
        {(attrs) => <input {...attrs} value={draft.groups} onInput={set('groups')} />}
      </Field>
      <div class="row">
        <Field label="Priority" name="priority" error={fieldError('priority')}>
          {(attrs) => (
            <input
              {...attrs}
              inputMode="numeric"
              value={draft.priority}
              onInput={set('priority')}
            />
          )}
        </Field>
        <Field label="Weight" name="weight" error={fieldError('weight')}>
          {(attrs) => (
            <input {...attrs} inputMode="numeric" value={draft.weight} onInput={set('weight')} />
          )}
        </Field>
        <Field label="Timeout (ms)" name="timeout_ms" error={fieldError('timeout_ms')}>
          {(attrs) => (
            <input
              {...attrs}
              inputMode="numeric"
              value={draft.timeout_ms}
              onInput={set('timeout_ms')}
            />
          )}
        </Field>
      </div>
      <label class="check">
        <input
          type="checkbox"
          name="enabled"
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
        />{' '}
        Enabled
      </label>
    </FormDialog>
  );
}
