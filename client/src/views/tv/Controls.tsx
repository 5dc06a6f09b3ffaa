// The wall TV's two controls, for whoever sets the TV up: full screen (kiosk) and the
// line-stop sound. Small: from 5 m they are not what the screen is for.
import { useEffect, useState } from 'react';
import { store } from '../../store/hooks.ts';
import { enterFullscreen, fullscreenSupported, useIsFullscreen } from './kiosk.ts';
import { audioRunning, beep, lineStopKeys, setSoundPreference, soundPreference, unlockAudio } from './sound.ts';
import { useTranslations } from 'use-intl';

/** "Full screen", hidden when the page is full screen already or the browser cannot. */
export function FullscreenButton() {
  const full = useIsFullscreen();
  const t = useTranslations('tv');
  if (full || !fullscreenSupported()) return null;
  return (
    <button type="button" className="btn tv-control" data-testid="tv-fullscreen" onClick={() => void enterFullscreen()}>
      <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2.2">
        <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
      </svg>
      {t('fullscreen')}
    </button>
  );
}

/**
 * Beeps on every new line stop while `on`: a store subscription, so nothing re-renders
 * for it. Line stops already in force when the sound is turned on do not beep.
 */
function useLineStopBeep(on: boolean): void {
  useEffect(() => {
    if (!on) return;
    let stations: unknown = null;
    let known: Set<string> | null = null;
    const check = () => {
      const s = store.getState();
      if (!s.hasBoard || s.board.stations === stations) return;
      stations = s.board.stations;
      const keys = lineStopKeys(s.board);
      const before = known;
      if (before !== null && [...keys].some((k) => !before.has(k))) beep('line-stop');
      known = keys;
    };
    check();
    return store.subscribe(check);
  }, [on]);
}

type SoundState = 'off' | 'on' | 'blocked';

/** Sound off / on; a click is the gesture the browser needs before it plays anything. */
export function SoundToggle() {
  const [state, setState] = useState<SoundState>(() => (soundPreference() ? 'blocked' : 'off'));
  const t = useTranslations('tv');
  useLineStopBeep(state !== 'off');
  // Turned on on an earlier visit: try to play without a gesture (a kiosk may allow it),
  // else the next click or key press anywhere unlocks it.
  useEffect(() => {
    if (state !== 'blocked') return;
    let live = true;
    const unlock = () =>
      void unlockAudio().then((ok) => {
        if (live && ok) setState('on');
      });
    unlock();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      live = false;
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, [state]);
  const toggle = async () => {
    if (state === 'on') {
      setSoundPreference(false);
      setState('off');
      return;
    }
    setSoundPreference(true);
    const ok = await unlockAudio();
    setState(ok && audioRunning() ? 'on' : 'blocked');
    if (ok) beep('confirm');
  };
  const label = state === 'off' ? t('soundOff') : state === 'on' ? t('soundOn') : t('soundBlocked');
  return (
    <button
      type="button"
      className={`btn tv-control tv-sound tv-sound-${state}`}
      data-testid="tv-sound"
      data-state={state}
      aria-pressed={state !== 'off'}
      title={t('soundTitle')}
      onClick={() => void toggle()}
    >
      <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2.2">
        <path d="M4 9h4l5-4v14l-5-4H4z" />
        {state === 'off' ? <path d="M16 9l5 6M21 9l-5 6" /> : <path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" />}
      </svg>
      {label}
    </button>
  );
}
