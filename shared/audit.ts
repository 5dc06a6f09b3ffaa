// Card audit: a physical card can fall behind a rack, go out with a shipment or sit in a
// pocket, mostly on its way back to the supplier or while it waits there. A signal
// (Requested) or a job (In Progress) that nobody has moved or scanned for several times
// its loop's lead time is probably such a card: the screens flag it so a lead goes to
// look, and reprints it when it is gone (the print view prints the loop's cards with the
// same codes). A full container (Done) that waits is stock, not a lost card: it moves
// when it is used.
import { Column } from './names.ts';
import type { Card, Loop } from './schemas.ts';

/** How many lead times without a move make a card "possibly lost". */
export const LOST_AFTER_LEAD_TIMES = 3;

/** Minutes since the card last changed column (a move, a use, a scan); null if unknown. */
export function minutesUntouched(card: Card, nowMs: number): number | null {
  const t = Date.parse(card.enteredAt);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((nowMs - t) / 60_000));
}

/** Whether a signal or job has not moved for LOST_AFTER_LEAD_TIMES of its loop's lead time. */
export function possiblyLost(card: Card, loop: Loop | undefined, nowMs: number): boolean {
  if (card.column === Column.DONE) return false;
  const idle = minutesUntouched(card, nowMs);
  return loop !== undefined && idle !== null && idle > LOST_AFTER_LEAD_TIMES * loop.leadTimeMinutes;
}
