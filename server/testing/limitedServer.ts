// A real test server (createApp on 127.0.0.1, port 0, a temporary SQLite file) with socket
// limits of the test's choosing: startTestServer takes the shipped defaults, and some
// bounds are only testable quickly when set low. Everything else is as in harness.ts.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../app.ts';
import type { App, AppOptions } from '../app.ts';
import type { Logger } from '../logger.ts';
import type { SocketLimits } from '../socketLimits.ts';
import { TEST_ADMIN_PASSWORD, disconnectClients, signIn } from './harness.ts';

export interface LimitedServer {
  url: string;
  app: App;
  /** Warnings and errors the server logged. */
  problems: string[];
  stop(): Promise<void>;
}

const running = new Set<LimitedServer>();

export async function startLimitedServer(
  socketLimits: Partial<SocketLimits>,
  extra: Pick<AppOptions, 'trustProxy'> = {},
): Promise<LimitedServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pullboard-limited-'));
  const problems: string[] = [];
  const record = (level: string) => (msg: string) => {
    problems.push(`${level}: ${msg}`);
  };
  const logger: Logger = { info() {}, warn: record('warn'), error: record('error') };
  const app = createApp({
    dbFile: path.join(dir, 'board.db'),
    seed: 'none',
    staticDir: null,
    logger,
    adminPassword: TEST_ADMIN_PASSWORD,
    socketLimits,
    ...extra,
  });
  const address = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  await signIn(url);
  let stopped: Promise<void> | undefined;
  const server: LimitedServer = {
    url,
    app,
    problems,
    stop() {
      stopped ??= (async () => {
        running.delete(server);
        disconnectClients(url);
        await app.close();
        await fs.rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  running.add(server);
  return server;
}

export async function stopLimitedServers(): Promise<void> {
  for (const s of [...running].reverse()) await s.stop();
}
