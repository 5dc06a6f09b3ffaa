// Composition root: read the configuration, build the app, listen, and shut down
// cleanly on SIGTERM/SIGINT. A batch of commands is decided and committed synchronously
// in one transaction, so by the time a signal handler runs no command is half-applied;
// shutdown commits and answers the commands still queued before it closes the file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from './app.ts';
import { scheduleBackups } from './backups.ts';
import { readConfig } from './config.ts';
import { readSocketLimits } from './socketLimits.ts';
import { consoleLogger } from './logger.ts';

const log = consoleLogger();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const config = readConfig();
  const socketLimits = readSocketLimits();
  const app = await openApp({
    dbFile: config.PULLBOARD_DB,
    databaseUrl: config.PULLBOARD_DATABASE_URL,
    seed: config.PULLBOARD_SEED,
    staticDir: path.join(root, 'dist', 'client'),
    logger: log,
    adminPassword: config.PULLBOARD_ADMIN_PASSWORD,
    allowedOrigins: config.PULLBOARD_ALLOWED_ORIGINS,
    allowedHosts: config.PULLBOARD_ALLOWED_HOSTS,
    trustProxy: trustProxy(config.PULLBOARD_TRUST_PROXY),
    limits: { stations: config.PULLBOARD_MAX_STATIONS, loops: config.PULLBOARD_MAX_LOOPS, cards: config.PULLBOARD_MAX_CARDS },
    socketLimits,
    accountOptions: {
      badgePin: config.PULLBOARD_BADGE_PIN === 'required',
      badgeIdleMinutes: config.PULLBOARD_BADGE_IDLE_MINUTES,
      sessionHours: config.PULLBOARD_SESSION_HOURS,
    },
  });
  const addr = await app.listen(config.PORT, config.HOST);
  const shown = addr.address === '0.0.0.0' || addr.address === '::' ? 'localhost' : addr.address;
  const base = `http://${shown}:${addr.port}`;
  const database = config.PULLBOARD_DATABASE_URL ? `PostgreSQL ${redactUrl(config.PULLBOARD_DATABASE_URL)}` : path.resolve(config.PULLBOARD_DB);
  log.info(`listening on ${base} (database ${database}, seq ${app.service.seq})`);
  const { setupToken } = await app.ready;
  if (setupToken) {
    // Like Jupyter's token link: the first admin is created by whoever holds this link,
    // which only someone who can read this console has. The token is in the fragment, so
    // it never reaches a server log or a Referer header.
    log.info(
      `no user exists yet: open this link to create the admin (it works once, until the server restarts):\n\n    ${base}/setup#token=${setupToken}\n`,
    );
  }

  const stopBackups = config.PULLBOARD_BACKUP_DIR
    ? scheduleBackups(
        app.repo,
        { dir: config.PULLBOARD_BACKUP_DIR, intervalMinutes: config.PULLBOARD_BACKUP_INTERVAL_MINUTES, keep: config.PULLBOARD_BACKUP_KEEP },
        log,
      )
    : () => {};

  // Housekeeping at start and daily: expired idempotency keys, and old events if asked.
  const housekeeping = async () => {
    // Never fatal: a busy or full disk fails this round, the next one tries again.
    try {
      const r = await app.service.prune({ eventDays: config.PULLBOARD_EVENT_RETENTION_DAYS, idempotencyDays: config.PULLBOARD_IDEMPOTENCY_DAYS });
      if (r.events + r.keys > 0) log.info(`housekeeping: ${r.events} old event(s), ${r.keys} expired idempotency key(s) removed`);
      const a = await app.accounts.prune();
      if (a.sessions + a.pairings > 0) log.info(`housekeeping: ${a.sessions} expired session(s), ${a.pairings} expired pairing code(s) removed`);
    } catch (err) {
      log.error('housekeeping failed', err instanceof Error ? err.message : err);
    }
  };
  void housekeeping();
  const daily = setInterval(() => void housekeeping(), 86_400_000);
  daily.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing connections and the database`);
    const force = setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    stopBackups();
    clearInterval(daily);
    void app.close().then(() => {
      log.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The URL without its password, for the log. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

function trustProxy(v: string | undefined): boolean | string | number {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}

main().catch((err: unknown) => {
  log.error(err instanceof Error ? err.message : 'failed to start', err instanceof Error ? undefined : err);
  process.exit(1);
});
