// Everything that touches the SQLite file for backup and restore: the online backup of
// the server's own connection, the backup of a file another process is writing, the
// integrity check of a copy, and the restore that gives the restored log a new identity.
// Scheduling (interval, naming, how many are kept) is server/backups.ts.
//
// Imports go one way: sqlite.ts (the repository's backup method) calls into this
// module, and this module opens files through connection.ts, never through sqlite.ts.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, renewLogId } from './connection.ts';
import type { BackupInfo } from './repository.ts';

/** Resolves a backup target that must not exist yet and creates its folder. */
function newTarget(file: string): string {
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new Error(`backup target ${target} already exists`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  return target;
}

/**
 * In-process backups (the repository's `backup`) use SQLite's online backup API step by
 * step (better-sqlite3's async backup), so a large database does not stall commands;
 * writes made meanwhile through this connection are carried into the copy.
 */
export async function backupConnection(db: Database.Database, file: string): Promise<BackupInfo> {
  const target = newTarget(file);
  await db.backup(target);
  return inspectBackup(target);
}

/**
 * Takes a backup of a database file that another process may be writing to. `VACUUM
 * INTO` copies one consistent read snapshot (WAL readers never block the writer), so a
 * backup of a running plant is a point-in-time copy that holds every event up to its seq.
 */
export function backupFile(source: string, file: string): BackupInfo {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const target = newTarget(file);
    // One statement, one read snapshot: the copy's last seq is the seq it holds.
    db.prepare('VACUUM INTO ?').run(target);
    return inspectBackup(target);
  } finally {
    db.close();
  }
}

/** Opens a backup read-only, checks its integrity and reports its last seq. */
export function inspectBackup(file: string): BackupInfo {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed for ${file}: ${String(check)}`);
    const seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;
    return { file, seq, bytes: fs.statSync(file).size };
  } finally {
    db.close();
  }
}

/**
 * Replaces the database file with a checked backup. The server must be stopped: the
 * restore takes an exclusive lock first and refuses while anyone holds the file open.
 */
export function restoreFile(backup: string, target: string): BackupInfo {
  const info = inspectBackup(backup);
  const dest = path.resolve(target);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  if (fs.existsSync(dest)) {
    const live = new Database(dest, { fileMustExist: true });
    try {
      // In WAL mode every open connection holds a shared lock on the WAL index, so an
      // exclusive lock is refused while a server has the file open.
      live.pragma('busy_timeout = 0');
      live.pragma('locking_mode = EXCLUSIVE');
      live.exec('BEGIN EXCLUSIVE; COMMIT;');
    } catch {
      throw new Error(`${dest} is in use: stop Pullboard before restoring`);
    } finally {
      live.close();
    }
  }
  const tmp = `${dest}.restore-${process.pid}`;
  fs.copyFileSync(backup, tmp);
  // The restored log forks from the one screens may have followed past the backup's
  // seq: a new identity makes them reload instead of appending the new history to theirs.
  const fork = openDatabase(tmp); // migrates an older backup first
  try {
    renewLogId(fork);
  } finally {
    fork.close();
  }
  for (const ext of ['-wal', '-shm']) fs.rmSync(dest + ext, { force: true });
  fs.renameSync(tmp, dest);
  return { ...info, file: dest };
}
