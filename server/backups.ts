// Scheduled backups with retention: every interval, an online backup into the folder
// through the repository, then only the newest `keep` are kept. A failed backup is
// logged, never fatal. How a backup is taken, checked and restored is server/db/backup.ts;
// this module only names, schedules and prunes the files.
import fs from 'node:fs';
import path from 'node:path';
import type { BoardRepository } from './db/repository.ts';
import type { Logger } from './logger.ts';

interface BackupSchedule {
  dir: string;
  intervalMinutes: number;
  keep: number;
}

/** `pullboard-<ISO time with : and . as ->.db`: names sort oldest first. */
export function backupFileName(at: Date = new Date()): string {
  return `pullboard-${at.toISOString().replace(/[:.]/g, '-')}.db`;
}

/** Starts the schedule; returns a function that stops it. */
export function scheduleBackups(repo: BoardRepository, schedule: BackupSchedule, log: Logger): () => void {
  const once = async () => {
    try {
      const info = await repo.backup(path.join(schedule.dir, backupFileName()));
      const removed = pruneBackups(schedule.dir, schedule.keep);
      log.info(`backup ${info.file} (seq ${info.seq}); ${removed.length} old backup(s) removed`);
    } catch (err) {
      log.error('scheduled backup failed', err instanceof Error ? err.message : err);
    }
  };
  const timer = setInterval(() => void once(), schedule.intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Keeps the newest `keep` files named pullboard-*.db in `dir`; returns the removed ones. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^pullboard-.*\.db$/.test(f))
    .sort()
    .reverse();
  const removed = files.slice(keep).map((f) => path.join(dir, f));
  for (const f of removed) fs.rmSync(f, { force: true });
  return removed;
}
