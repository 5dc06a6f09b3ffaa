// A card's printable code: what its QR code holds and what a person can type. Eight
// characters of Crockford's base32 (digits and capitals without I, L, O, U), shown as
// "7KQ2-M9XD". It is a function of the card's id, so it needs no storage of its own: a
// card keeps its code through restarts, backups and restores exactly as it keeps its
// id, and events logged before codes existed get theirs back when read. The server
// draws a new card's id again if its code is already taken (server/ids.ts), which makes
// codes unique in the plant.
import type { BoardState } from './board.ts';
import type { Card } from './schemas.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;

/**
 * cyrb53 (a public-domain 53-bit string hash): fast, well mixed, the same in every
 * JavaScript engine. Not a secret: a code only has to be short and hard to mistype
 * into another card's code.
 */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The code of the card with this id (8 characters, no separator). */
export function cardCode(cardId: string): string {
  // 40 of the 53 bits: 8 base32 characters.
  let n = Math.floor(hash53(`pullboard-card:${cardId}`) / 8192);
  let out = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    out = ALPHABET[n % 32]! + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** "7KQ2M9XD" as people read it: "7KQ2-M9XD". */
export function formatCode(code: string): string {
  return code.length === CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/**
 * What a scanner or a person typed, as a code: case, spaces and dashes do not matter,
 * and the letters Crockford reads as digits (O as 0, I and L as 1) are read so. Null
 * when it cannot be a code at all.
 */
export function normalizeCode(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}

/**
 * The card with this (normalised) code, or undefined. A walk over the cards, comparing
 * strings: about 0.2 ms at 20,000 cards, paid only by a scan.
 */
export function cardWithCode(state: BoardState, code: string): Card | undefined {
  const cards = state.cards;
  for (const id in cards) {
    const c = cards[id]!;
    if (c.code === code) return c;
  }
  return undefined;
}
