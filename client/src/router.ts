// A tiny router on location.pathname (no router library, to keep the bundle lean).
//   /               lead board
//   /tv             wall TV
//   /station        station picker for tablets
//   /station/:id    station tablet
//   /setup          first run: create the admin (the console's link, #token=...)
//   /admin          users, API tokens and devices (admin, lead; loaded on demand)
//   /pair/approve   approve a device's pairing code (?code=..., admin, lead; on demand)
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'lead' }
  | { name: 'tv' }
  | { name: 'station'; stationId: string | null }
  | { name: 'setup' }
  | { name: 'admin' }
  | { name: 'pair-approve' }
  | { name: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'lead' };
  if (path === '/tv') return { name: 'tv' };
  if (path === '/station') return { name: 'station', stationId: null };
  if (path === '/setup') return { name: 'setup' };
  if (path === '/admin') return { name: 'admin' };
  if (path === '/pair/approve') return { name: 'pair-approve' };
  const m = /^\/station\/([^/]+)$/.exec(path);
  if (m?.[1]) return { name: 'station', stationId: decodeURIComponent(m[1]) };
  return { name: 'not-found', path };
}

const CHANGE = 'pullboard:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(href: string): void {
  if (href === window.location.pathname) return;
  window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
  window.scrollTo(0, 0);
}

/** Click handler for in-app links: plain clicks navigate without a reload. */
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}
