// A tiny router on location.pathname (no router library, to keep the bundle lean).
//   /               lead board
//   /tv             wall TV
//   /station        station picker for tablets
//   /station/:id    station tablet
//   /setup          first run: create the admin (the console's link, #token=...)
//   /admin          users, API tokens and devices (admin, lead; loaded on demand)
//   /metrics        flow metrics, charts, loop sizing and the what-if (lead, admin; on demand)
//   /pair/approve   approve a device's pairing code (?code=..., admin, lead; on demand)
//   /print/loops/:id     printable kanban cards of one loop (any signed-in role; on demand)
//   /print/stations/:id  printable cards of every loop the station supplies (on demand)
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'lead' }
  | { name: 'tv' }
  | { name: 'station'; stationId: string | null }
  | { name: 'setup' }
  | { name: 'admin' }
  | { name: 'metrics' }
  | { name: 'pair-approve' }
  | { name: 'print'; of: PrintSubject; id: string }
  | { name: 'not-found'; path: string };

/** What a print view prints the cards of: one loop, or every loop a station supplies. */
export type PrintSubject = 'loop' | 'station';

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'lead' };
  if (path === '/tv') return { name: 'tv' };
  if (path === '/station') return { name: 'station', stationId: null };
  if (path === '/setup') return { name: 'setup' };
  if (path === '/admin') return { name: 'admin' };
  if (path === '/metrics') return { name: 'metrics' };
  if (path === '/pair/approve') return { name: 'pair-approve' };
  const m = /^\/station\/([^/]+)$/.exec(path);
  if (m?.[1]) return { name: 'station', stationId: decodeURIComponent(m[1]) };
  const p = /^\/print\/(loops|stations)\/([^/]+)$/.exec(path);
  if (p?.[1] && p[2]) {
    const id = safeDecode(p[2]);
    if (id !== null) return { name: 'print', of: p[1] === 'loops' ? 'loop' : 'station', id };
  }
  return { name: 'not-found', path };
}

/** The path of a print view (the links to add elsewhere: loop dialog, station dialog). */
export function printPath(of: PrintSubject, id: string): string {
  return `/print/${of === 'loop' ? 'loops' : 'stations'}/${encodeURIComponent(id)}`;
}

/** A path segment decoded, or null when it is not valid percent-encoding ("%E0%A4%A"). */
function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
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
