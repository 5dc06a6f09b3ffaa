// Scheduled backups with retention: every interval, an online backup into the folder,
// then only the newest `keep` are kept. A failed backup is logged, never fatal.
import path from 'node:path';
import { pruneBackups } from './db/backup.ts';
import type { BoardRepository } from './db/repository.ts';
import type { Logger } from './logger.ts';

export interface BackupSchedule {
  dir: string;
  intervalMinutes: number;
  keep: number;
}

/** Starts the schedule; returns a function that stops it. */
export function scheduleBackups(repo: BoardRepository, schedule: BackupSchedule, log: Logger): () => void {
  const once = async () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    try {
      const info = await repo.backup(path.join(schedule.dir, `pullboard-${stamp}.db`));
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
