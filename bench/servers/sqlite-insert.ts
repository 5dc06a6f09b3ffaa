// Baseline for figure 2: raw better-sqlite3 single-row inserts per second, each its own
// (autocommit) transaction, with the pragmas of server/db/connection.ts (WAL,
// synchronous=FULL) on a file next to the server's database (same disk). Rows are
// shaped like the event log's, with a payload the size of a card.moved event.
// Prints one JSON line: {"inserts", "seconds", "perSecond", "p50Ms", "p99Ms", "maxMs"}.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const file = process.env.PB_SQLITE_FILE;
const durationMs = Number(process.env.PB_DURATION_MS ?? 3000);
const payloadBytes = Number(process.env.PB_PAYLOAD_BYTES ?? 400);
if (!file) throw new Error('PB_SQLITE_FILE is required');
fs.mkdirSync(path.dirname(file), { recursive: true });

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, type TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL)`);
const insert = db.prepare('INSERT INTO events (seq, type, at, actor, data) VALUES (?, ?, ?, ?, ?)');
const data = JSON.stringify({ pad: 'x'.repeat(Math.max(0, payloadBytes - 10)) });

// Warm up (file growth, page cache), then measure.
let seq = 0;
for (let i = 0; i < 200; i++) insert.run(++seq, 'card.moved', new Date().toISOString(), 'bench', data);
const t0 = performance.now();
const maxInserts = 200_000;
const each = new Float64Array(maxInserts);
let n = 0;
let last = t0;
while (n < maxInserts && last - t0 < durationMs) {
  insert.run(++seq, 'card.moved', new Date().toISOString(), 'bench', data);
  const now = performance.now();
  each[n++] = now - last;
  last = now;
}
const seconds = (last - t0) / 1000;
db.close();
// Per-insert (= per-commit) latency: the floor a durable commit puts under any write.
const sorted = Array.from(each.subarray(0, n)).sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] ?? NaN;
process.stdout.write(`${JSON.stringify({ inserts: n, seconds, perSecond: n / seconds, p50Ms: pct(50), p99Ms: pct(99), maxMs: sorted[n - 1] ?? NaN })}\n`);
