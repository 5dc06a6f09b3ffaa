// Credentials of the benchmark. Every Pullboard server the benchmark starts gets
// PULLBOARD_ADMIN_PASSWORD (which creates or resets the `admin` user at start), and the
// load generator signs in once per server (POST /api/auth/login) and uses that session's
// token everywhere: `Authorization: Bearer` on HTTP, `auth: { token }` in the Socket.IO
// handshake, and the `pullboard_session` cookie in Chromium. One admin session for all
// clients: an admin may send every command, so the rules of roles and stations never
// refuse a benchmark move, and every command still pays the full authentication (the
// token's hash, the session and user lookups) that any screen pays.
//
// A server from before accounts (PB_BENCH_SERVER_TREE at an older commit, for a before /
// after comparison) answers the sign-in with 404: the benchmark then sends no
// credentials at all, and the handshake carries the client's name as it used to.
import { randomBytes } from 'node:crypto';
import { assertLocal } from './clients.ts';

/** The session cookie's name (server/http/auth.ts SESSION_COOKIE). */
export const SESSION_COOKIE = 'pullboard_session';
export const BENCH_ADMIN = 'admin';
/** Made once per run: never a fixed password in a server, even a throwaway one. */
export const BENCH_ADMIN_PASSWORD = `bench-${randomBytes(12).toString('base64url')}`;

/**
 * Every client of the benchmark comes from 127.0.0.1, up to 1,000 screens at once (figures
 * 1 and 3) and thousands of subscribes a minute (figure 4): the per-address socket limits
 * (server/socketLimits.ts, read by server/main.ts) are raised out of the way, as a plant
 * whose screens share one NAT address would raise them. Servers without them ignore these.
 */
const SOCKET_LIMITS_OFF: Record<string, string> = {
  PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  PULLBOARD_SUBSCRIBES_PER_MINUTE: '1000000',
  PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS: '100000000',
};

/** The environment of every Pullboard server under test on `db` (no demo seed). */
export function pullboardEnv(db: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PULLBOARD_DB: db, PULLBOARD_SEED: 'none', PULLBOARD_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD, ...SOCKET_LIMITS_OFF, ...extra };
}

/**
 * Signs in as the admin; returns the session token, or null when the server has no
 * accounts (its sign-in route does not exist).
 */
export async function signIn(base: string): Promise<string | null> {
  assertLocal(base);
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_ADMIN, password: BENCH_ADMIN_PASSWORD }),
  });
  const text = await res.text();
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`sign-in as ${BENCH_ADMIN} -> ${res.status}: ${text.slice(0, 300)}`);
  const body: unknown = JSON.parse(text);
  const token = typeof body === 'object' && body !== null && 'token' in body ? body.token : undefined;
  if (typeof token !== 'string' || token === '') throw new Error('the sign-in answer has no token');
  return token;
}
