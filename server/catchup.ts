// The replay policy: what a screen that fell behind is sent to catch up. A replay of the
// missed events while that is cheaper than the whole board, a snapshot otherwise.
import { Limits } from '../shared/names.ts';

export interface CatchUpLog {
  /** The oldest seq still kept (1 unless pruned), or null when the log is empty. */
  firstSeq(): number | null;
}

/**
 * How many missed events a subscriber may be sent before a snapshot is cheaper: an event
 * carries about one card, so past about half the board's cards the snapshot wins
 * (measured by the benchmark's catch-up figure).
 */
export function replayLimit(cardCount: number): number {
  return Math.min(Limits.REPLAY_MAX_EVENTS, Math.max(Limits.REPLAY_MIN_EVENTS, Math.ceil(cardCount / 2)));
}

/** Whether the events after `after` should be replayed (else: a snapshot, or nothing when up to date). */
export function shouldReplay(after: number, seq: number, cardCount: number, log: CatchUpLog): boolean {
  if (after >= seq) return false;
  if (seq - after > replayLimit(cardCount)) return false;
  const first = log.firstSeq();
  return first !== null && first <= after + 1;
}
