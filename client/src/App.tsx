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
import { useTranslations } from 'use-intl';

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
  const t = useTranslations('app');
  useEffect(() => {
    if (!stuck) return;
    // An unattended screen tries again now and then (a cache may have caught up).
    const t = setTimeout(reloadAgain, 10 * 60_000);
    return () => clearTimeout(t);
  }, [stuck]);
  if (!stuck) return null;
  return (
    <div className="upgrade-notice" role="alert">
      <strong>{t('needsReload')}</strong> {t('needsReloadDetail', { message })}{' '}
      <button type="button" className="btn" onClick={reloadAgain}>
        {t('reloadNow')}
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
  const t = useTranslations('app');
  const named = useBoardStore((s) => {
    if (!s.hasBoard) return null;
    if (route.name === 'station' && route.stationId !== null) return s.board.stations[route.stationId]?.name ?? t('stationNotFound');
    if (route.name !== 'print') return null;
    const subject = route.of === 'loop' ? s.board.loops[route.id]?.partNumber : s.board.stations[route.id]?.name;
    return subject ? t('printTitle', { subject }) : null;
  });
  let what: string;
  if (route.name === 'setup') what = t('titles.setup');
  else if (phase === 'setup') what = t('notSetUp');
  else if (phase === 'signed-out') what = t('signIn');
  else if (route.name === 'station' && route.stationId !== null) what = named ?? t('stationTablet');
  else what = named ?? t(`titles.${route.name}`);
  return t('pageTitle', { what });
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
      return <NotFound />;
  }
}

function NotFound() {
  const t = useTranslations('app');
  return (
    <main className="picker">
      <h1>{t('titles.not-found')}</h1>
      <p>
        {t('nothingAt', { path: window.location.pathname })}{' '}
        <a href="/" onClick={onLinkClick}>
          {t('goToLead')}
        </a>
      </p>
    </main>
  );
}

/** What a failed screen says (words from the catalogue; the boundary is a class). */
function ScreenFailed({ message }: { message: string }) {
  const t = useTranslations('app');
  return (
    <main className="picker" role="alert">
      <h1>{t('failed')}</h1>
      <p>{t('failedDetail', { message })}</p>
      <button type="button" className="btn btn-big" onClick={() => window.location.reload()}>
        {t('reloadNow')}
      </button>
    </main>
  );
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
    return <ScreenFailed message={this.state.error.message} />;
  }
}
