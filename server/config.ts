// Reads the settings (README, docs/api.md) from the environment, refusing bad values at start.
import { z } from 'zod';
import { DEFAULT_PLANT_LIMITS, MAX_PLANT_LIMITS } from '../shared/limits.ts';

/** A comma-separated list (empty when unset). */
const list = () =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PULLBOARD_DB: z.string().min(1).default('./data/pullboard.db'),
  /** postgres://user:password@host:port/database: PostgreSQL instead of the SQLite file (several servers may share it). */
  PULLBOARD_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PULLBOARD_SEED: z.enum(['demo', 'none']).default('demo'),
  /** Creates or resets the `admin` user at start. */
  PULLBOARD_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').max(256).optional(),
  /** Comma-separated origins (scheme://host:port) besides the server's own allowed to use it from a browser. */
  PULLBOARD_ALLOWED_ORIGINS: list(),
  /** Comma-separated host names the server answers to (DNS rebinding guard); unset = any. */
  PULLBOARD_ALLOWED_HOSTS: list().transform((l) => (l.length === 0 ? null : l.map((h) => h.toLowerCase()))),
  /** `required`: a badge sign-in also asks for the user's PIN. */
  PULLBOARD_BADGE_PIN: z.enum(['required', 'off']).default('off'),
  /** A badge sign-in at a station ends after this many idle minutes. */
  PULLBOARD_BADGE_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  /** How long a password sign-in lasts. */
  PULLBOARD_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  /** Express `trust proxy`: set it (e.g. `1`) behind an HTTPS proxy so session cookies are Secure. */
  PULLBOARD_TRUST_PROXY: z.string().optional(),
  /** Folder for scheduled backups; unset = no scheduled backups. */
  PULLBOARD_BACKUP_DIR: z.string().min(1).optional(),
  PULLBOARD_BACKUP_INTERVAL_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(60),
  /** How many scheduled backups to keep (oldest removed first). */
  PULLBOARD_BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(48),
  /** Days of event log to keep; 0 keeps the whole log (the default: audit and metrics). */
  PULLBOARD_EVENT_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(0),
  /** Days an Idempotency-Key is remembered (an offline tablet must replay within it). */
  PULLBOARD_IDEMPOTENCY_DAYS: z.coerce.number().positive().max(3650).default(30),
  /** How big the plant may grow (docs/operations.md, "Limits"). */
  PULLBOARD_MAX_STATIONS: z.coerce.number().int().min(1).max(MAX_PLANT_LIMITS.stations).default(DEFAULT_PLANT_LIMITS.stations),
  PULLBOARD_MAX_LOOPS: z.coerce.number().int().min(1).max(MAX_PLANT_LIMITS.loops).default(DEFAULT_PLANT_LIMITS.loops),
  PULLBOARD_MAX_CARDS: z.coerce.number().int().min(1).max(MAX_PLANT_LIMITS.cards).default(DEFAULT_PLANT_LIMITS.cards),
});
export type Config = z.infer<typeof Env>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  if (r.data.PULLBOARD_DATABASE_URL && r.data.PULLBOARD_BACKUP_DIR) {
    // Scheduled backups copy the SQLite file; PostgreSQL is backed up with pg_dump.
    throw new Error(
      'invalid configuration:\n  PULLBOARD_BACKUP_DIR: scheduled backups are for the SQLite file; back up PostgreSQL with pg_dump (docs/operations.md)',
    );
  }
  return r.data;
}
