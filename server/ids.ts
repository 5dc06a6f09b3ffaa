// Ids of new stations, loops and cards: a prefix and 72 random bits (12 url-safe
// characters), checked against the board so even a collision cannot reuse an id.
import { randomBytes } from 'node:crypto';
import type { BoardState } from '../shared/board.ts';

export type IdPrefix = 'st' | 'lp' | 'cd';

/** A fresh id with the prefix that `taken` says is not in use. */
export function newId(prefix: IdPrefix, taken: (id: string) => boolean, random = () => randomBytes(9)): string {
  for (;;) {
    const id = `${prefix}_${random().toString('base64url')}`;
    if (!taken(id)) return id;
  }
}

/** Whether the board has a station, loop or card with this id. */
export function idInUse(state: BoardState, id: string): boolean {
  return Object.hasOwn(state.stations, id) || Object.hasOwn(state.loops, id) || Object.hasOwn(state.cards, id);
}
