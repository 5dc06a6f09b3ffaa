// The Undo a screen offers for a few seconds after its own Use, Start or Finish, and the
// guard that makes a double tap one action. The server has the rule (shared/rules.ts
// `card.undo`: the same person or device, within a minute, while the card is as the step
// left it); this module only remembers what this screen may offer to undo.
import { createStore } from 'zustand/vanilla';

/** How long the Undo button stays on screen after a step. */
export const UNDO_SHOW_MS = 10_000;
/** A second tap on the same action within this time is the same action. */
export const ONE_TAP_MS = 1_000;

export interface UndoOffer {
  id: number;
  cardId: string;
  /** The card's version the step left (the server checks it). */
  version: number;
  /** "Used BLK-100 card 2 / 3" */
  text: string;
  /** When it was offered (ms). */
  at: number;
}

export interface UndoState {
  offer: UndoOffer | null;
  /** An undo is on its way to the server. */
  busy: boolean;
  /** The offer was used and the server took it back: "Undone: ..." shows briefly. */
  undone: boolean;
}

/** How long "Undone" stays on screen. */
export const UNDONE_SHOW_MS = 3_000;

export const undoStore = createStore<UndoState>(() => ({ offer: null, busy: false, undone: false }));

let nextId = 1;

/** Offers to undo a step this screen just made (replacing an older offer). */
export function offerUndo(o: Omit<UndoOffer, 'id' | 'at'>, now = Date.now()): UndoOffer {
  const offer = { ...o, id: nextId++, at: now };
  undoStore.setState({ offer, busy: false, undone: false });
  return offer;
}

/** Withdraws the offer (shown long enough, or used); a newer one stays. */
export function dismissUndo(id: number): void {
  if (undoStore.getState().offer?.id === id) undoStore.setState({ offer: null, busy: false, undone: false });
}

/**
 * Remembers actions by what they do, so the same one tapped twice is sent once: the
 * second tap gets the first one's promise while the first is unanswered on a live link,
 * or when it comes within ONE_TAP_MS.
 */
export class TapGuard<T> {
  private readonly recent = new Map<string, { at: number; settled: boolean; result: Promise<T> }>();

  /**
   * `key` names the action exactly (this card, to that column); `near`, if given, names
   * the button's place (Start at this station): a tap there within ONE_TAP_MS is the same
   * tap too, because the next card slides under the finger when the first one moves.
   */
  run(key: string, near: string | null, live: boolean, action: () => Promise<T>, now = Date.now()): Promise<T> {
    for (const [k, v] of this.recent) if (v.settled && now - v.at >= ONE_TAP_MS) this.recent.delete(k);
    const seen = this.recent.get(key);
    if (seen && (now - seen.at < ONE_TAP_MS || (!seen.settled && live))) return seen.result;
    const close = near === null ? undefined : this.recent.get(near);
    if (close && now - close.at < ONE_TAP_MS) return close.result;
    const entry = { at: now, settled: false, result: action() };
    entry.result.then(
      () => (entry.settled = true),
      () => (entry.settled = true),
    );
    this.recent.set(key, entry);
    if (near !== null) this.recent.set(near, entry);
    return entry.result;
  }

  /** Forgets every tap: after an Undo, the next tap is a new action, however soon it comes. */
  clear(): void {
    this.recent.clear();
  }
}
