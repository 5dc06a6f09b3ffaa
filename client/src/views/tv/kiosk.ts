// Full screen (kiosk) for the wall TV through the Fullscreen API: offered only where the
// browser allows it and while the page is not full screen already.
import { useSyncExternalStore } from 'react';

/** Whether this browser lets the page go full screen (an iframe or a kiosk shell may not). */
export function fullscreenSupported(): boolean {
  return document.fullscreenEnabled === true && typeof document.documentElement.requestFullscreen === 'function';
}

function subscribe(onChange: () => void): () => void {
  document.addEventListener('fullscreenchange', onChange);
  return () => document.removeEventListener('fullscreenchange', onChange);
}

/** Whether the page is full screen now (follows Esc, F11's own mode aside). */
export function useIsFullscreen(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => document.fullscreenElement !== null,
    () => false,
  );
}

/** Asks for full screen; must run in a click. A refusal leaves the page as it was. */
export async function enterFullscreen(): Promise<void> {
  try {
    await document.documentElement.requestFullscreen({ navigationUI: 'hide' });
  } catch {
    // Refused (no user gesture, or a policy): the control stays on offer.
  }
}
