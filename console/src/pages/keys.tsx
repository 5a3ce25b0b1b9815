// Client keys: who may call the gateway, with how much credit and which limits. A new key's secret is shown
// once, here, and never again (the ledger keeps only its hash).
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { budget, count, dateTime, list, usd } from '../format';
import { BUDGET_PERIODS, type Key, type List } from '../types';
import { Badge, Dialog, Field, FormDialog, Loading, Notice, useResource } from '../ui';

function keyState(key: Key): { label: string; tone: 'ok' | 'warn' | 'bad' | 'muted' } {
  if (!key.enabled) return { label: 'disabled', tone: 'muted' };
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) {
    return { label: 'expired', tone: 'bad' };
  }
  if (!key.unlimited && (key.remaining_usd ?? 0) <= 0) {
    return { label: 'credit used up', tone: 'bad' };
  }
  return { label: 'active', tone: 'ok' };
}

export function Keys(props: { canWrite: boolean }) {
  const keys = useResource<List<Key>>('/admin/keys');
  const [dialog, setDialog] = useState<
    { kind: 'new' } | { kind: 'edit'; key: Key } | { kind: 'credit'; key: Key } | null
  >(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const act = async (method: string, path: string, body: unknown, done: string) => {
    const result = await api(method, path, body);
    setNotice(
      result.ok ? { kind: 'ok', text: done } : { kind: 'error', text: result.error.message },
    );
    keys.reload();
  };

  return (
    <section>
      <div class="page-head">
        <h1>Keys</h1>
        {props.canWrite ? (
          <button type="button" class="primary" onClick={() => setDialog({ kind: 'new' })}>
            New key
          </button>
        ) : null}
      </div>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {!keys.data ? (
        <Loading error={keys.error} />
      ) : keys.data.data.length === 0 ? (
        <p class="muted">No keys yet. A key is what a client sends to call the gateway.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Group</th>
                <th scope="col" class="num">
                  Credit
                </th>
                <th scope="col" class="num">
                  Used
                </th>
                <th scope="col" class="num">
                  Remaining
                </th>
                <th scope="col">Budget</th>
                <th scope="col">Limits</th>
                <th scope="col">Models</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
                {props.canWrite ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => {
                const state = keyState(key);
                return (
                  <tr key={key.id} data-key={key.name}>
                    <th scope="row">{key.name}</th>
                    <td class="mono">{key.key_hint}</td>
                    <td>{key.group}</td>
                    <td class="num">{key.unlimited ? 'unlimited' : usd(key.credit_usd)}</td>
                    <td class="num">{usd(key.used_usd)}</td>
                    <td class="num">{key.unlimited ? '—' : usd(key.remaining_usd)}</td>
                    <td data-budget>{budget(key) ?? <span class="muted">none</span>}</td>
                    <td>
                      {key.rpm ? `${count(key.rpm)} rpm` : ''}
                      {key.rpm && key.tpm ? ', ' : ''}
                      {key.tpm ? `${count(key.tpm)} tpm` : ''}
                      {key.allow_ips.length
                        ? `${key.rpm || key.tpm ? '; ' : ''}from ${key.allow_ips.join(', ')}`
                        : ''}
                      {!key.rpm && !key.tpm && !key.allow_ips.length ? (
                        <span class="muted">none</span>
                      ) : null}
                    </td>
                    <td class="wrap">{key.models.join(', ') || <span class="muted">all</span>}</td>
                    <td>
                      {key.expires_at ? dateTime(key.expires_at) : <span class="muted">never</span>}
                    </td>
                    <td>
                      <Badge tone={state.tone}>{state.label}</Badge>
                    </td>
                    {props.canWrite ? (
                      <td class="actions">
                        <button type="button" onClick={() => setDialog({ kind: 'edit', key })}>
                          Edit
                        </button>
                        {key.unlimited ? null : (
                          <button type="button" onClick={() => setDialog({ kind: 'credit', key })}>
                            Add credit
                          </button>
                        )}
                        <button
                          type="button"
                          onClick={() =>
                            void act(
                              'PATCH',
                              `/admin/keys/${key.id}`,
                              { enabled: !key.enabled },
                              `${key.name} ${key.enabled ? 'disabled' : 'enabled'}.`,
                            )
                          }
                        >
                          {key.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button
                          type="button"
                          class="danger"
                          onClick={() => {
                            if (
                              confirm(
                                `Delete the key ${key.name}? Clients using it are refused at once.`,
                              )
                            ) {
                              void act(
                                'DELETE',
                                `/admin/keys/${key.id}`,
                                undefined,
                                `${key.name} deleted.`,
                              );
                            }
                          }}
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'new' || dialog?.kind === 'edit' ? (
        <KeyForm
          keyView={dialog.kind === 'edit' ? dialog.key : null}
          onClose={() => setDialog(null)}
          onSaved={(text) => {
            setDialog(null);
            setNotice({ kind: 'ok', text });
            keys.reload();
          }}
        />
      ) : null}
      {dialog?.kind === 'credit' ? (
        <AddCredit
          keyView={dialog.key}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            setNotice({ kind: 'ok', text });
            keys.reload();
          }}
        />
      ) : null}
    </section>
  );
}

interface KeyDraft {
  name: string;
  group: string;
  credit_usd: string;
  unlimited: boolean;
  models: string;
  allow_ips: string;
  rpm: string;
  tpm: string;
  expires_at: string;
  budget_usd: string;
  /** '' for no budget. */
  budget_period: string;
}

function draftOf(key: Key | null): KeyDraft {
  return {
    name: key?.name ?? '',
    group: key?.group ?? 'default',
    credit_usd: '10',
    unlimited: key?.unlimited ?? false,
    models: key?.models.join(', ') ?? '',
    allow_ips: key?.allow_ips.join(', ') ?? '',
    rpm: key?.rpm === null || key?.rpm === undefined ? '' : String(key.rpm),
    tpm: key?.tpm === null || key?.tpm === undefined ? '' : String(key.tpm),
    expires_at: key?.expires_at ? key.expires_at.slice(0, 10) : '',
    budget_usd:
      key?.budget_usd === null || key?.budget_usd === undefined ? '' : String(key.budget_usd),
    budget_period: key?.budget_period ?? '',
  };
}

/**
 * The request body: a new key whole; an edit only the fields that changed, an emptied limit or expiry as null
 * (none). Credit is changed by "Add credit", which the ledger adds atomically, never by overwriting it here.
 */
function keyBody(draft: KeyDraft, key: Key | null): Record<string, unknown> {
  const number = (text: string) => (Number.isNaN(Number(text)) ? text : Number(text));
  const optional = (text: string) => (text.trim() === '' ? null : number(text.trim()));
  const fields: Record<string, unknown> = {
    name: draft.name.trim(),
    group: draft.group.trim() || 'default',
    models: list(draft.models),
    allow_ips: list(draft.allow_ips),
    rpm: optional(draft.rpm),
    tpm: optional(draft.tpm),
    // The end of the chosen day (UTC): a key valid "until the 31st" works all of the 31st.
    expires_at: draft.expires_at ? new Date(`${draft.expires_at}T23:59:59Z`).toISOString() : null,
    budget_usd: optional(draft.budget_usd),
    budget_period: draft.budget_period || null,
  };
  if (!key) {
    return {
      ...fields,
      ...(draft.unlimited ? { unlimited: true } : { credit_usd: number(draft.credit_usd) }),
    };
  }
  const before = keyBody(draftOf(key), null);
  const changed = Object.fromEntries(
    Object.entries(fields).filter(
      ([field, value]) => JSON.stringify(value) !== JSON.stringify(before[field]),
    ),
  );
  // The API takes a budget and its period together (both set, or both null).
  if ('budget_usd' in changed || 'budget_period' in changed) {
    changed['budget_usd'] = fields['budget_usd'];
    changed['budget_period'] = fields['budget_period'];
  }
  return changed;
}

function CreatedKey(props: { name: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog title={`Key ${props.name} created`} onClose={props.onClose}>
      <div class="form">
        <Notice kind="info">Copy it now: this is the only time it is shown.</Notice>
        <div class="secret">
          <code data-testid="new-key">{props.secret}</code>
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(props.secret).then(() => setCopied(true));
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        <div class="form-actions">
          <button type="button" class="primary" onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function KeyForm(props: {
  keyView: Key | null;
  onClose: () => void;
  onSaved: (text: string) => void;
}) {
  const editing = props.keyView;
  const [draft, setDraft] = useState<KeyDraft>(() => draftOf(props.keyView));
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const set = (field: keyof KeyDraft) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [field]: event.currentTarget.value });

  const submit = async () => {
    const body = keyBody(draft, editing);
    if (editing) {
      const result = await api('PATCH', `/admin/keys/${editing.id}`, body);
      if (result.ok) props.onSaved(`${draft.name.trim()} saved.`);
      else setError(result.error);
      return;
    }
    const result = await api<{ key: string; name: string }>('POST', '/admin/keys', body);
    if (result.ok) setCreated({ name: result.body.name, key: result.body.key });
    else setError(result.error);
  };

  if (created) {
    return (
      <CreatedKey
        name={created.name}
        secret={created.key}
        onClose={() => props.onSaved(`${created.name} created.`)}
      />
    );
  }

  const fieldError = (field: string) => error?.fields[field];
  return (
    <FormDialog
      title={editing ? `Edit ${editing.name}` : 'New key'}
      onClose={props.onClose}
      onSubmit={() => void submit()}
      submitLabel={editing ? 'Save' : 'Create key'}
      error={error}
    >
      <Field label="Name" name="name" error={fieldError('name')}>
        {(attrs) => <input {...attrs} value={draft.name} onInput={set('name')} />}
      </Field>
      <Field label="Group" name="group" error={fieldError('group')}>
        {(attrs) => <input {...attrs} value={draft.group} onInput={set('group')} />}
      </Field>
      {editing ? null : (
        <>
          <label class="check">
            <input
              type="checkbox"
              name="unlimited"
              checked={draft.unlimited}
              onChange={(e) => setDraft({ ...draft, unlimited: e.currentTarget.checked })}
            />{' '}
            Unlimited credit
          </label>
          {draft.unlimited ? null : (
            <Field label="Credit (USD)" name="credit_usd" error={fieldError('credit_usd')}>
              {(attrs) => (
                <input
                  {...attrs}
                  inputMode="decimal"
                  value={draft.credit_usd}
                  onInput={set('credit_usd')}
                />
              )}
            </Field>
          )}
        </>
      )}
      <Field
        label="Models"
        name="models"
        error={fieldError('models')}
        hint="Comma-separated; empty for all"
      >
        {(attrs) => <input {...attrs} value={draft.models} onInput={set('models')} />}
      </Field>
      <Field
        label="Allowed addresses"
        name="allow_ips"
        error={fieldError('allow_ips')}
        hint="IPs or CIDRs, comma-separated; empty for any"
      >
        {(attrs) => <input {...attrs} value={draft.allow_ips} onInput={set('allow_ips')} />}
      </Field>
      <div class="row">
        <Field label="Requests / min" name="rpm" error={fieldError('rpm')}>
          {(attrs) => (
            <input {...attrs} inputMode="numeric" value={draft.rpm} onInput={set('rpm')} />
          )}
        </Field>
        <Field label="Tokens / min" name="tpm" error={fieldError('tpm')}>
          {(attrs) => (
            <input {...attrs} inputMode="numeric" value={draft.tpm} onInput={set('tpm')} />
          )}
        </Field>
        <Field label="Expires (UTC)" name="expires_at" error={fieldError('expires_at')}>
          {(attrs) => (
            <input {...attrs} type="date" value={draft.expires_at} onInput={set('expires_at')} />
          )}
        </Field>
      </div>
      <div class="row">
        <Field
          label="Budget (USD)"
          name="budget_usd"
          error={fieldError('budget_usd')}
          hint="A spending cap per period, beside the credit; empty for none"
        >
          {(attrs) => (
            <input
              {...attrs}
              inputMode="decimal"
              value={draft.budget_usd}
              onInput={set('budget_usd')}
            />
          )}
        </Field>
        <Field label="Budget period (UTC)" name="budget_period" error={fieldError('budget_period')}>
          {(attrs) => (
            <select {...attrs} value={draft.budget_period} onChange={set('budget_period')}>
              <option value="">none</option>
              {BUDGET_PERIODS.map((period) => (
                <option key={period} value={period}>
                  {period}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
    </FormDialog>
  );
}

function AddCredit(props: { keyView: Key; onClose: () => void; onDone: (text: string) => void }) {
  const [amount, setAmount] = useState('10');
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <FormDialog
      title={`Add credit to ${props.keyView.name}`}
      onClose={props.onClose}
      submitLabel="Add credit"
      onSubmit={() => {
        const value = Number(amount);
        void api('POST', `/admin/keys/${props.keyView.id}/credit`, {
          amount_usd: Number.isNaN(value) ? amount : value,
        }).then((result) => {
          if (result.ok) props.onDone(`Added ${usd(value)} to ${props.keyView.name}.`);
          else setError(result.error);
        });
      }}
    >
      <Field
        label="Amount (USD)"
        name="amount_usd"
        error={error?.fields['amount_usd'] ?? error?.message}
      >
        {(attrs) => (
          <input
            {...attrs}
            inputMode="decimal"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
        )}
      </Field>
    </FormDialog>
  );
}
