// `npm run backup -- [FILE]`: an online backup of the running (or stopped) database in
// PULLBOARD_DB. Without FILE it writes ./backups/pullboard-<time>.db.
import path from 'node:path';
import { backupFileName } from '../backups.ts';
import { backupFile } from '../db/backup.ts';
import { readConfig } from '../config.ts';

try {
  const config = readConfig();
  const file = process.argv[2] ?? path.join('backups', backupFileName());
  const info = backupFile(config.PULLBOARD_DB, file);
  console.log(`backup ${path.resolve(info.file)}: ${info.bytes} bytes, events up to seq ${info.seq}, integrity ok`);
} catch (err) {
  console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
