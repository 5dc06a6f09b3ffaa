// Secrets at rest. Passwords and PINs (chosen by people, so guessable) are hashed with
// scrypt, a memory-hard KDF from Node's own crypto: no native dependency to build, and
// each guess costs 16 MiB and tens of milliseconds. Tokens and badge ids are compared
// by SHA-256: tokens are 256 random bits (nothing to guess), and a badge id is looked
// up by its hash (a keyed hash, with the install's pepper, so a stolen database does
// not give the badge numbers back by a dictionary of badge formats).
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAXMEM = 64 * 1024 * 1024;

function scryptAsync(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` of a password or PIN. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `secret` matches a stored hash (constant time; a malformed hash never matches). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await scryptAsync(secret, Buffer.from(parts[4]!, 'base64url'), n, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A stored hash to compare against when a user does not exist, so both cost the same. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashSecret(randomBytes(16).toString('hex'));
  return dummy;
}

/** Token prefixes say what a token is when one turns up in a log or a ticket. */
export type TokenKind = 'session' | 'device' | 'api' | 'setup';
const PREFIX: Record<TokenKind, string> = { session: 'pbs', device: 'pbd', api: 'pbt', setup: 'pbx' };

/** A new random token (256 bits). */
export function newToken(kind: TokenKind): string {
  return `${PREFIX[kind]}_${randomBytes(32).toString('base64url')}`;
}

/** How a token is stored and looked up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** How a badge id is stored and looked up: keyed with the install's pepper. */
export function hashBadge(badge: string, pepper: string): string {
  return createHmac('sha256', pepper).update(badge.trim()).digest('base64url');
}
