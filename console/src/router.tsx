// A path router small enough to read: the console's pages live under /console/<page>, and ingress answers any
// such path with the app, which picks the page from location.pathname.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export function navigate(path: string): void {
  history.pushState(null, '', `${BASE}${path}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The page path after /console ("/" for the overview). */
export function usePath(): string {
  const read = () => location.pathname.slice(BASE.length).replace(/\/+$/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

export function Link(props: { to: string; current?: boolean; children: ComponentChildren }) {
  return (
    <a
      href={`${BASE}${props.to}`}
      aria-current={props.current ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
