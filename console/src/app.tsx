// The console's shell: who is signed in (asked of the server: the page holds no token), the navigation, and
// the page the URL names.
import { useEffect, useState } from 'preact/hooks';
import { api, setSession } from './api';
import { Channels } from './pages/channels';
import { KeyHolder } from './pages/key-holder';
import { Keys } from './pages/keys';
import { Models } from './pages/models';
import { Overview } from './pages/overview';
import { Requests } from './pages/requests';
import { SignIn } from './pages/sign-in';
import { Usage } from './pages/usage';
import { Link, usePath } from './router';
import type { SessionInfo } from './types';

const PAGES = [
  ['/', 'Overview'],
  ['/channels', 'Channels'],
  ['/keys', 'Keys'],
  ['/models', 'Models'],
  ['/usage', 'Usage'],
  ['/requests', 'Requests'],
] as const;

/** `/requests/<id>`: the request explorer opened on that id. */
function requestIdOf(path: string): string | null {
  if (!path.startsWith('/requests/')) return null;
  try {
    return decodeURIComponent(path.slice('/requests/'.length)) || null;
  } catch {
    return null;
  }
}

export function App() {
  const path = usePath();
  // The key holder's page is a console of its own: its own sign-in and session, none of the operator's screens.
  return path === '/key' ? <KeyHolder /> : <Operator path={path} />;
}

function Operator(props: { path: string }) {
  const { path } = props;
  const [session, setCurrent] = useState<SessionInfo | null | undefined>(undefined);
  setSession(session ?? null, () => setCurrent(null));

  useEffect(() => {
    void api<SessionInfo>('GET', '/console/session').then((result) =>
      setCurrent(result.ok ? result.body : null),
    );
  }, []);

  if (session === undefined) return <p class="muted boot">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setCurrent} />;
  const canWrite = session.role === 'full';
  return (
    <>
      <header class="top">
        <a class="brand" href="/console">
          relaymesh
        </a>
        <nav aria-label="Console">
          {PAGES.map(([to, label]) => (
            <Link
              key={to}
              to={to}
              current={path === to || (to === '/requests' && path.startsWith('/requests/'))}
            >
              {label}
            </Link>
          ))}
        </nav>
        <div class="who">
          {canWrite ? null : <span class="badge warn">read-only</span>}
          <button
            type="button"
            class="ghost"
            onClick={() => {
              void api('DELETE', '/console/session').then(() => setCurrent(null));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main class="page">
        {path === '/' ? (
          <Overview />
        ) : path === '/channels' ? (
          <Channels canWrite={canWrite} />
        ) : path === '/keys' ? (
          <Keys canWrite={canWrite} />
        ) : path === '/models' ? (
          <Models canWrite={canWrite} />
        ) : path === '/usage' ? (
          <Usage />
        ) : path === '/requests' || path.startsWith('/requests/') ? (
          <Requests key={path} requestId={requestIdOf(path)} />
        ) : (
          <p>
            No such page. <Link to="/">Back to the overview</Link>.
          </p>
        )}
      </main>
    </>
  );
}
