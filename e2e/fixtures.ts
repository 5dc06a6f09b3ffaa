// Playwright fixtures: every test gets the real Pullboard server (the same createApp
// the product runs) on a free port with a temporary SQLite file and the built client.
// `server.restart()` stops it and starts it again on the same port and file, as a plant
// PC reboot would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { createApp } from '../server/app.ts';
import type { App } from '../server/app.ts';
import { silentLogger } from '../server/logger.ts';
import type { BoardSnapshot } from '../shared/schemas.ts';

const clientDir = path.resolve(import.meta.dirname, '..', 'dist', 'client');

export interface TestServer {
  url: string;
  port: number;
  dbFile: string;
  app: App;
  /** GET /api/board. */
  board(): Promise<BoardSnapshot>;
  /** POST/PATCH JSON to /api; returns status and parsed body. */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
  /** Starts again on the same port and database file (after stop, or stopping first). */
  restart(): Promise<void>;
}

export async function startServer(opts: { seed?: 'demo' | 'none' } = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) {
    throw new Error('dist/client is missing: run `npm run build` before the browser tests');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-e2e-'));
  const dbFile = path.join(dir, 'board.db');
  const make = () => createApp({ dbFile, seed: opts.seed ?? 'demo', staticDir: clientDir, logger: silentLogger });
  let app = make();
  let running = true;
  const addr = await app.listen(0, '127.0.0.1');
  const port = addr.port;
  const url = `http://127.0.0.1:${port}`;
  const server: TestServer = {
    url,
    port,
    dbFile,
    get app() {
      return app;
    },
    async board() {
      const res = await fetch(`${url}/api/board`);
      return (await res.json()) as BoardSnapshot;
    },
    async api(method, route, body) {
      const res = await fetch(`${url}/api${route}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.close();
    },
    async restart() {
      await server.stop();
      app = make();
      await app.listen(port, '127.0.0.1');
      running = true;
    },
  };
  return server;
}

export const test = base.extend<{ server: TestServer }>({
  server: async ({}, use) => {
    const server = await startServer();
    await use(server);
    await server.stop();
  },
});

export { expect };
