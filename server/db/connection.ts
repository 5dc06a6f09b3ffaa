// Opening a Pullboard SQLite file: pragmas, schema migrations and the log's identity.
// The repository (sqlite.ts) and backup/restore (backup.ts) both open files through
// here, so neither has to import the other to get a migrated connection.
// WAL with synchronous=FULL: a commit that returned is on disk.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

/** Opens (creating folder and file if missing) and migrates a SQLite database. */
export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // The log's identity: a screen that kept seq N of another history (a restored
  // backup, a reset database) must not take this log's event N+1 as its next one.
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', ?)").run(randomUUID());
  return db;
}

/** Gives a database file a new log identity (after a restore its history forks). */
export function renewLogId(db: Database.Database): string {
  const id = randomUUID();
  db.prepare("INSERT INTO meta (key, value) VALUES ('log_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(id);
  return id;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this Pullboard (${migrations.length}); upgrade Pullboard`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
