// An optional beep on the wall TV when a NEW line stop is raised. Off by default; the
// choice is remembered on this device (localStorage). Browsers start audio only after a
// user gesture, so turning the sound on (a click) is what unlocks it; a TV reloaded with
// the sound on may need one more click or key press (the toggle says so).
import type { BoardState } from '../../../../shared/board.ts';
import { AndonKind } from '../../../../shared/names.ts';

const SOUND_KEY = 'pullboard.tv.sound';

/** Whether this device has the line-stop sound turned on (off when storage is unavailable). */
export function soundPreference(): boolean {
  try {
    return window.localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setSoundPreference(on: boolean): void {
  try {
    window.localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // No storage (a locked-down kiosk): the choice lasts until the page reloads.
  }
}

let context: AudioContext | null = null;

/** Creates or resumes the audio context; true when the browser lets it play. */
export async function unlockAudio(): Promise<boolean> {
  if (typeof AudioContext === 'undefined') return false;
  try {
    context ??= new AudioContext();
    if (context.state !== 'running') await context.resume();
  } catch {
    return false;
  }
  return context.state === 'running';
}

/** Whether sound can play now without another gesture. */
export function audioRunning(): boolean {
  return context?.state === 'running';
}

/**
 * One beep: three short pulses of 880 Hz for a line stop, one lower pulse to confirm
 * the sound was turned on. One oscillator whose volume is switched, so one start() per beep.
 */
export function beep(kind: 'line-stop' | 'confirm'): void {
  // Not while the browser holds audio back: a beep queued then would sound late, on the
  // next click, for a line stop long known.
  if (!context || context.state !== 'running') return;
  const t0 = context.currentTime + 0.02;
  const osc = context.createOscillator();
  const gain = context.createGain();
  osc.type = 'square';
  osc.frequency.value = kind === 'line-stop' ? 880 : 660;
  gain.gain.setValueAtTime(0, t0);
  const pulses = kind === 'line-stop' ? 3 : 1;
  for (let i = 0; i < pulses; i++) {
    const on = t0 + i * 0.3;
    gain.gain.setValueAtTime(0.2, on);
    gain.gain.setValueAtTime(0, on + 0.18);
  }
  osc.connect(gain).connect(context.destination);
  osc.start(t0);
  osc.stop(t0 + pulses * 0.3);
}

/** "stationId@raisedAt" of every line stop in force: a new key is a new line stop. */
export function lineStopKeys(board: BoardState): Set<string> {
  const keys = new Set<string>();
  for (const st of Object.values(board.stations)) {
    if (st.andon?.kind === AndonKind.STOP) keys.add(`${st.id}@${st.andon.raisedAt}`);
  }
  return keys;
}
