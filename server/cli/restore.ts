// `npm run restore -- FILE`: replaces PULLBOARD_DB with a checked backup. Stop
// Pullboard first; the restore refuses while the database is in use.
import path from 'node:path';
import { restoreFile } from '../db/backup.ts';
import { readConfig } from '../config.ts';

try {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run restore -- BACKUP_FILE');
  const config = readConfig();
  const info = restoreFile(file, config.PULLBOARD_DB);
  console.log(`restored ${path.resolve(file)} to ${info.file}: events up to seq ${info.seq}`);
} catch (err) {
  console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
