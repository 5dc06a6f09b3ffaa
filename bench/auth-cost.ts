// Diagnostic (not a figure of `npm run bench`): what checking a credential costs the
// server, per command. Every socket command calls AccountService.authenticate(token)
// (server/socket.ts runCommand), and every HTTP request does through requireAuth
// (server/http/auth.ts); both hash the token and look the session and its user up in
// SQLite, and note the session's use at most once a minute (one durable write).
//
//   npx tsx bench/auth-cost.ts            (taskset -c 0 ... to pin it like a server)
//
// In-process, on a fresh database in a temporary folder with the same pragmas as the
// server (it opens the server's own repository). Prints one JSON object: microseconds
// per call (median of 7 batches of 20,000 calls), and the median durable touch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccountService } from '../server/auth/accounts.ts';
import { hashToken } from '../server/auth/secrets.ts';
import { SqliteAccounts } from '../server/db/accounts.ts';
import { SqliteRepository } from '../server/db/sqlite.ts';
import { credentialOf } from '../server/http/auth.ts';
import { median, round } from './lib/stats.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-auth-cost-'));
try {
  const repo = new SqliteRepository(path.join(dir, 'board.db'));
  const store = new SqliteAccounts(repo.db);
  const accounts = new AccountService(store);
  const password = 'auth-cost-password';
  await accounts.ensureAdmin(password);
  const { token } = await accounts.login('admin', password);
  const h = hashToken(token);
  const session = store.findSession(h);
  if (!session) throw new Error('no session after sign-in');

  const BATCH = 20_000;
  /**
   * Microseconds per call of `fn`: median over 7 batches, after 2 unmeasured ones. Each
   * call is awaited (the account service answers with a Promise since the storage port
   * became awaitable for PostgreSQL), so the time includes settling it.
   */
  const perCall = async (fn: () => unknown): Promise<number> => {
    const batches: number[] = [];
    for (let b = 0; b < 9; b++) {
      const t0 = performance.now();
      for (let i = 0; i < BATCH; i++) await fn();
      if (b >= 2) batches.push(((performance.now() - t0) * 1000) / BATCH);
    }
    return round(median(batches), 2);
  };

  const headers = { authorization: `Bearer ${token}`, cookie: undefined };
  const out = {
    note: 'microseconds per call, median of 7 batches of 20,000; touchMs: one durable last-seen write (synchronous=FULL), median of 50',
    hashTokenUs: await perCall(() => hashToken(token)),
    findSessionUs: await perCall(() => store.findSession(h)),
    findUserUs: await perCall(() => store.findUser(session.userId)),
    // The whole check a socket command pays (the throttled touch is not due: last-seen is fresh).
    authenticateUs: await perCall(() => accounts.authenticate(token)),
    // What requireAuth adds for an HTTP request: parsing the header, then the same check.
    httpCheckUs: await perCall(() => {
      const c = credentialOf(headers);
      return c && accounts.authenticate(c.token);
    }),
    touchMs: (() => {
      const ms: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        store.touchSession(h, new Date().toISOString());
        ms.push(performance.now() - t0);
      }
      return round(median(ms), 3);
    })(),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  repo.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
