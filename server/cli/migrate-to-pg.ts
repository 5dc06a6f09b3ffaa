// `npm run migrate-to-pg`: copies the plant from the SQLite file (PULLBOARD_DB, or the
// first argument) into the empty PostgreSQL database of PULLBOARD_DATABASE_URL (or the
// second argument): board, event log, idempotency records and accounts, in one
// transaction, then verifies that PostgreSQL serves the same board and log. Stop
// Pullboard first (a server still writing the file would make the copy stale).
import path from 'node:path';
import { migrateSqliteToPostgres } from '../db/pgImport.ts';

try {
  const file = process.argv[2] ?? process.env.PULLBOARD_DB ?? './data/pullboard.db';
  const url = process.argv[3] ?? process.env.PULLBOARD_DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('usage: PULLBOARD_DATABASE_URL=postgres://... npm run migrate-to-pg [-- SQLITE_FILE [POSTGRES_URL]]');
  }
  const r = await migrateSqliteToPostgres(file, url);
  console.log(
    `migrated ${path.resolve(file)} to PostgreSQL: ${r.events} events (up to seq ${r.seq}), ${r.cards} cards, ${r.users} users; ` +
      `verified: same board, same log (log id ${r.logId})`,
  );
} catch (err) {
  console.error(`migrate-to-pg failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
