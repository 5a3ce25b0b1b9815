// The few building blocks every page shares: loading a resource, a labelled field with its error, a modal
// dialog (the native <dialog>: focus kept inside, Escape closes), and a badge for a state.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from './api';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => void;
}

/** GET `path`; with `refreshMs`, again every so often while the tab is visible (no polling in the background). */
export function useResource<T>(path: string, refreshMs?: number): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setVersion((v) => v + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  useEffect(() => {
    let current = true;
    void api<T>('GET', path).then((result) => {
      if (!current) return;
      if (result.ok) {
        setData(result.body);
        setError(null);
      } else {
        setError(result.error);
      }
    });
    return () => {
      current = false;
    };
  }, [path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}

export function Field(props: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: (attrs: {
    id: string;
    name: string;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
  }) => ComponentChildren;
}) {
  const id = `field-${props.name}`;
  const described = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        name: props.name,
        'aria-invalid': props.error ? true : undefined,
        'aria-describedby': described,
      })}
      {props.error ? (
        <p class="field-error" id={`${id}-error`} data-field-error={props.name}>
          {props.error}
        </p>
      ) : props.hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={props.onClose}>
      <header class="dialog-head">
        <h2 id="dialog-title">{props.title}</h2>
        <button type="button" class="ghost" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}

/**
 * A dialog holding one form: submitting calls onSubmit (no page load, the browser's own validation off, the
 * API's field errors show instead), an `error` that names no field shown above the fields, then Cancel and the
 * submit button, held down while `busy`.
 */
export function FormDialog(props: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  error?: ApiError | null;
  busy?: boolean;
  children: ComponentChildren;
}) {
  const { error } = props;
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit();
        }}
      >
        {error && Object.keys(error.fields).length === 0 ? (
          <Notice kind="error">{error.message}</Notice>
        ) : null}
        {props.children}
        <div class="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={props.busy}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The sign-in card of the operator's and the key holder's console: a title, what to sign in with, the error of
 * the last try, one secret field (never autofilled) and the button, held down while `busy`. The page owns the
 * state and what signing in does.
 */
export function SignInCard(props: {
  title: string;
  intro: string;
  label: string;
  name: string;
  secret: string;
  onSecret: (secret: string) => void;
  error: string | null;
  busy: boolean;
  onSubmit: () => void;
}) {
  return (
    <main class="sign-in">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit();
        }}
      >
        <h1>{props.title}</h1>
        <p class="muted">{props.intro}</p>
        {props.error ? <Notice kind="error">{props.error}</Notice> : null}
        <Field label={props.label} name={props.name}>
          {(attrs) => (
            <input
              {...attrs}
              type="password"
              autocomplete="off"
              required
              value={props.secret}
              onInput={(e) => props.onSecret(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={props.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

/** One figure of a `<dl class="stats">`: its label and value, `data-stat` naming it for the tests that read it. */
export function Stat(props: { label: string; stat?: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd data-stat={props.stat}>{props.children}</dd>
    </div>
  );
}

export function Notice(props: { kind?: 'error' | 'info' | 'ok'; children: ComponentChildren }) {
  const kind = props.kind ?? 'info';
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export function Badge(props: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge ${props.tone}`}>{props.children}</span>;
}

export function Loading(props: { error: ApiError | null }) {
  return props.error ? (
    <Notice kind="error">{props.error.message}</Notice>
  ) : (
    <p class="muted">Loading…</p>
  );
}
