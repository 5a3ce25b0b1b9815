import { useState } from 'preact/hooks';
import { api } from '../api';
import type { SessionInfo } from '../types';
import { SignInCard } from '../ui';

export function SignIn(props: { onSignedIn: (session: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <SignInCard
      title="relaymesh"
      intro="Sign in with the admin token, or a read-only admin token."
      label="Admin token"
      name="token"
      secret={token}
      onSecret={setToken}
      error={error}
      busy={busy}
      onSubmit={() => {
        setBusy(true);
        void api<SessionInfo>('POST', '/console/session', { token }).then((result) => {
          setBusy(false);
          setToken('');
          if (result.ok) props.onSignedIn(result.body);
          else {
            setError(result.status === 401 ? 'That is not an admin token.' : result.error.message);
          }
        });
      }}
    />
  );
}
