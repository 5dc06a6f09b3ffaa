import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, ErrorBoundary } from './App.tsx';
import { prefetchSession } from './app/session.ts';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { startI18n } from './i18n/store.ts';
import './styles.css';
import './styles/tv.css';
import './styles/undo.css';
import './styles/config.css';
import './styles/a11y.css';
import './styles/i18n.css';

// A screen left open across an upgrade asks for a lazily loaded view of the old build,
// whose file is gone: reload once to get the new build (Vite's documented event), rather
// than showing an error. Once per minute at most, so a broken deployment cannot loop.
const RELOAD_FOR_CHUNK_KEY = 'pullboard.chunk-reload';
window.addEventListener('vite:preloadError', (event) => {
  try {
    const last = Number(window.sessionStorage.getItem(RELOAD_FOR_CHUNK_KEY) ?? 0);
    if (Date.now() - last < 60_000) return;
    window.sessionStorage.setItem(RELOAD_FOR_CHUNK_KEY, String(Date.now()));
  } catch {
    return; // no storage: no guard against a loop, so no reload
  }
  event.preventDefault();
  window.location.reload();
});

// Who this screen is: asked now, while React renders the first frame (see prefetchSession).
prefetchSession();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// The screen's language (and its catalogue) before the first render: no English flash.
void startI18n().then(() =>
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <ErrorBoundary>
          <App />
        </ErrorBoundary>
      </I18nProvider>
    </StrictMode>,
  ),
);
