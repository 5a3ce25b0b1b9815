// Client keys: who may call the gateway, with how much credit and which limits. A new key's secret is shown
// once, here, and never again (the ledger keeps only its hash).
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { count, dateTime, list, usd } from '../format';
import type { Key, List } from '../types';
import { Badge, Dialog, Field, Loading, Notice, useResource } from '../ui';

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
  const [dialog, setDialog] = useState<{ kind: 'new' } | { kind: 'credit'; key: Key } | null>(null);
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
                    <td>
                      {key.rpm ? `${count(key.rpm)} rpm` : ''}
                      {key.rpm && key.tpm ? ', ' : ''}
                      {key.tpm ? `${count(key.tpm)} tpm` : ''}
                      {!key.rpm && !key.tpm ? <span class="muted">none</span> : null}
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
      {dialog?.kind === 'new' ? (
        <NewKey
          onClose={() => {
            setDialog(null);
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
  rpm: string;
  tpm: string;
  expires_at: string;
}

function NewKey(props: { onClose: () => void }) {
  const [draft, setDraft] = useState<KeyDraft>({
    name: '',
    group: 'default',
    credit_usd: '10',
    unlimited: false,
    models: '',
    rpm: '',
    tpm: '',
    expires_at: '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const set = (field: keyof KeyDraft) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [field]: event.currentTarget.value });
  const number = (text: string) => (Number.isNaN(Number(text)) ? text : Number(text));

  const submit = async () => {
    const body: Record<string, unknown> = {
      name: draft.name.trim(),
      group: draft.group.trim() || 'default',
    };
    if (draft.unlimited) body['unlimited'] = true;
    else body['credit_usd'] = number(draft.credit_usd);
    if (list(draft.models).length) body['models'] = list(draft.models);
    if (draft.rpm.trim()) body['rpm'] = number(draft.rpm);
    if (draft.tpm.trim()) body['tpm'] = number(draft.tpm);
    if (draft.expires_at) {
      body['expires_at'] = new Date(`${draft.expires_at}T23:59:59Z`).toISOString();
    }
    const result = await api<{ key: string; name: string }>('POST', '/admin/keys', body);
    if (result.ok) setCreated({ name: result.body.name, key: result.body.key });
    else setError(result.error);
  };

  if (created) {
    return (
      <Dialog title={`Key ${created.name} created`} onClose={props.onClose}>
        <div class="form">
          <Notice kind="info">Copy it now: this is the only time it is shown.</Notice>
          <div class="secret">
            <code data-testid="new-key">{created.key}</code>
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(created.key).then(() => setCopied(true));
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

  const fieldError = (field: string) => error?.fields[field];
  return (
    <Dialog title="New key" onClose={props.onClose}>
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {error && Object.keys(error.fields).length === 0 ? (
          <Notice kind="error">{error.message}</Notice>
        ) : null}
        <Field label="Name" name="name" error={fieldError('name')}>
          {(attrs) => <input {...attrs} value={draft.name} onInput={set('name')} />}
        </Field>
        <Field label="Group" name="group" error={fieldError('group')}>
          {(attrs) => <input {...attrs} value={draft.group} onInput={set('group')} />}
        </Field>
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
        <Field
          label="Models"
          name="models"
          error={fieldError('models')}
          hint="Comma-separated; empty for all"
        >
          {(attrs) => <input {...attrs} value={draft.models} onInput={set('models')} />}
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
        <div class="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AddCredit(props: { keyView: Key; onClose: () => void; onDone: (text: string) => void }) {
  const [amount, setAmount] = useState('10');
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Dialog title={`Add credit to ${props.keyView.name}`} onClose={props.onClose}>
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
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
        <div class="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary">
            Add credit
          </button>
        </div>
      </form>
    </Dialog>
  );
}
