import { useState } from 'preact/hooks';
import { api } from '../api';
import type { SessionInfo } from '../types';
import { Field, Notice } from '../ui';

export function SignIn(props: { onSignedIn: (session: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          void api<SessionInfo>('POST', '/console/session', { token }).then((result) => {
            setBusy(false);
            setToken('');
            if (result.ok) props.onSignedIn(result.body);
            else {
              setError(
                result.status === 401 ? 'That is not an admin token.' : result.error.message,
              );
            }
          });
        }}
      >
        <h1>relaymesh</h1>
        <p class="muted">Sign in with the admin token, or a read-only admin token.</p>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <Field label="Admin token" name="token">
          {(attrs) => (
            <input
              {...attrs}
              type="password"
              autocomplete="off"
              required
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
