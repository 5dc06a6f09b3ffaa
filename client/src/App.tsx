import { Component, Suspense, lazy, useEffect } from 'react';
import { UndoBar } from './components/UndoBar.tsx';
import type { ErrorInfo, ReactNode } from 'react';
import { parseRoute, usePathname, onLinkClick } from './router.ts';
import type { Route } from './router.ts';
import { startSession, useAuth } from './app/session.ts';
import type { AuthPhase } from './app/session.ts';
import { RELOADED_FOR_KEY, useUpgrade } from './app/upgrade.ts';
import { WallTv } from './views/WallTv.tsx';
import { NoAdminYet, SetupScreen, SignInScreen, Starting } from './views/SignIn.tsx';
import { BadgeReader } from './components/Identity.tsx';
import { Announcer } from './components/Announcer.tsx';
import { useBoardStore } from './store/hooks.ts';

// Loaded on demand: each screen downloads its own views only. The wall TV (in the main
// chunk, the screen that must come up fastest) never parses the lead board's drag and
// drop or the tablet's scan box, and the TV and the tablets never the admin pages.
const LeadBoard = lazy(() => import('./views/LeadBoard.tsx').then((m) => ({ default: m.LeadBoard })));
const StationTablet = lazy(() => import('./views/StationTablet.tsx').then((m) => ({ default: m.StationTablet })));
const StationPicker = lazy(() => import('./views/StationTablet.tsx').then((m) => ({ default: m.StationPicker })));
const AdminPage = lazy(() => import('./views/admin/AdminPage.tsx'));
// The lead's metrics, sizing and what-if (and the chart library only it uses).
const MetricsPage = lazy(() => import('./views/metrics/MetricsPage.tsx'));
const ApprovePairing = lazy(() => import('./views/admin/ApprovePairing.tsx'));
// The printable cards (and the QR code library only they use).
const PrintPage = lazy(() => import('./views/print/PrintPage.tsx'));

/** What each screen is called in its page title ("Lead board — Pullboard"). */
const TITLES: Record<Route['name'], string> = {
  lead: 'Lead board',
  tv: 'Wall TV',
  // The picker; a station's own page is named after the station (see useScreenTitle).
  station: 'Choose a station',
  setup: 'Set up',
  admin: 'Admin',
  metrics: 'Metrics',
  'pair-approve': 'Pair a device',
  print: 'Print cards',
  'not-found': 'Page not found',
};

/** Reloads for a fresh attempt (forgetting the one-reload guard of this tab). */
function reloadAgain(): void {
  try {
    window.sessionStorage.removeItem(RELOADED_FOR_KEY);
  } catch {
    // nothing to forget
  }
  window.location.reload();
}

/** The screen still speaks another protocol than the server after reloading once. */
function UpgradeNotice() {
  const { stuck, message } = useUpgrade();
  useEffect(() => {
    if (!stuck) return;
    // An unattended screen tries again now and then (a cache may have caught up).
    const t = setTimeout(reloadAgain, 10 * 60_000);
    return () => clearTimeout(t);
  }, [stuck]);
  if (!stuck) return null;
  return (
    <div className="upgrade-notice" role="alert">
      <strong>This screen needs reloading.</strong> Pullboard was updated and this screen could not load the new
      version ({message}). Nothing is sent from it until it reloads.{' '}
      <button type="button" className="btn" onClick={reloadAgain}>
        Reload now
      </button>
    </div>
  );
}

export function App() {
  return (
    <>
      <UpgradeNotice />
      <Screen />
      <Announcer />
    </>
  );
}

/**
 * The page's title: what this screen is first (it is what a screen reader says on arrival
 * and what a browser tab or a tablet's task list shows cut short), then "Pullboard". A
 * station's page is named after the station ("Welding — Pullboard"); a print view after
 * what it prints ("Print — MC-2201 cards — Pullboard"), which is also the name a browser
 * suggests for "Save as PDF".
 */
function useScreenTitle(route: Route, phase: AuthPhase): string {
  const named = useBoardStore((s) => {
    if (!s.hasBoard) return null;
    if (route.name === 'station' && route.stationId !== null) return s.board.stations[route.stationId]?.name ?? 'Station not found';
    if (route.name !== 'print') return null;
    const subject = route.of === 'loop' ? s.board.loops[route.id]?.partNumber : s.board.stations[route.id]?.name;
    return subject ? `Print — ${subject} cards` : null;
  });
  let what: string;
  if (route.name === 'setup') what = TITLES.setup;
  else if (phase === 'setup') what = 'Not set up yet';
  else if (phase === 'signed-out') what = 'Sign in';
  else if (route.name === 'station' && route.stationId !== null) what = named ?? 'Station tablet';
  else what = named ?? TITLES[route.name];
  return `${what} — Pullboard`;
}

function Screen() {
  const route = parseRoute(usePathname());
  const phase = useAuth((s) => s.phase);
  const title = useScreenTitle(route, phase);
  useEffect(() => {
    startSession();
  }, []);
  useEffect(() => {
    document.documentElement.dataset.screen = route.name;
  }, [route.name]);
  useEffect(() => {
    document.title = title;
  }, [title]);
  // A station tablet signs operators in by badge whether or not it is signed in itself.
  const badgeReader = route.name === 'station' && route.stationId !== null ? <BadgeReader /> : null;

  if (route.name === 'setup') return <SetupScreen />;
  if (phase === 'loading') return <Starting />;
  if (phase === 'setup') return <NoAdminYet />;
  if (phase === 'signed-out') {
    return (
      <>
        {badgeReader}
        <SignInScreen route={route} />
      </>
    );
  }
  return (
    <>
      {badgeReader}
      <SignedInScreen route={route} />
    </>
  );
}

function SignedInScreen({ route }: { route: Route }) {
  switch (route.name) {
    case 'lead':
      return (
        <Suspense fallback={<Starting />}>
          <LeadBoard />
          <UndoBar />
        </Suspense>
      );
    case 'tv':
      return <WallTv />;
    case 'station':
      return (
        <Suspense fallback={<Starting />}>
          {route.stationId ? <StationTablet key={route.stationId} stationId={route.stationId} /> : <StationPicker />}
        </Suspense>
      );
    case 'setup':
      return <SetupScreen />;
    case 'admin':
      return (
        <Suspense fallback={<Starting />}>
          <AdminPage />
        </Suspense>
      );
    case 'metrics':
      return (
        <Suspense fallback={<Starting />}>
          <MetricsPage />
        </Suspense>
      );
    case 'pair-approve':
      return (
        <Suspense fallback={<Starting />}>
          <ApprovePairing />
        </Suspense>
      );
    case 'print':
      return (
        <Suspense fallback={<Starting />}>
          <PrintPage key={`${route.of}:${route.id}`} of={route.of} id={route.id} />
        </Suspense>
      );
    case 'not-found':
      return (
        <main className="picker">
          <h1>Page not found</h1>
          <p>
            Nothing at {window.location.pathname}.{' '}
            <a href="/" onClick={onLinkClick}>
              Go to the lead board
            </a>
          </p>
        </main>
      );
  }
}

const RELOAD_AFTER_MS = 30_000;

/**
 * A render error must not leave an unattended screen blank: say so, and reload after a
 * while (the server and the event log have the state; nothing is lost by reloading).
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  private timer: ReturnType<typeof setTimeout> | null = null;

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Pullboard screen failed', error, info.componentStack);
    this.timer = setTimeout(() => window.location.reload(), RELOAD_AFTER_MS);
  }

  override componentWillUnmount() {
    if (this.timer) clearTimeout(this.timer);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="picker" role="alert">
        <h1>This screen hit an error</h1>
        <p>It reloads itself in 30 seconds. {this.state.error.message}</p>
        <button type="button" className="btn btn-big" onClick={() => window.location.reload()}>
          Reload now
        </button>
      </main>
    );
  }
}
