// The real app (createApp) serving a given client build, for the browser figures (5, 6):
// server/main.ts always serves dist/client, and the benchmark must not overwrite the
// build other engineers use, so it builds the client to a temporary folder and serves
// that. Env: PULLBOARD_DB, PULLBOARD_SEED, PULLBOARD_ADMIN_PASSWORD (creates the `admin`
// the benchmark signs in as), PB_STATIC_DIR, HOST, PORT.
import { createApp } from '../../server/app.ts';
import { silentLogger } from '../../server/logger.ts';

const dbFile = process.env.PULLBOARD_DB;
const staticDir = process.env.PB_STATIC_DIR;
if (!dbFile || !staticDir) throw new Error('PULLBOARD_DB and PB_STATIC_DIR are required');
const app = createApp({
  dbFile,
  seed: process.env.PULLBOARD_SEED === 'demo' ? 'demo' : 'none',
  staticDir,
  logger: silentLogger,
  adminPassword: process.env.PULLBOARD_ADMIN_PASSWORD,
});
const addr = await app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.stderr.write(`listening on http://${addr.address}:${addr.port}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
