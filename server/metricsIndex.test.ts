// The server's metrics index (server/metricsIndex.ts) on a real service: built from the
// log a page at a time while commands keep committing, it ends where the log ends, with
// every event counted once (the same figures as an index fed the whole log afresh).
import { afterAll, describe, expect, it } from 'vitest';
import { emptyBoard } from '../shared/board.ts';
import { MetricsIndex } from '../shared/metrics.ts';
import type { BoardEvent } from '../shared/schemas.ts';
import { ServerMetricsIndex } from './metricsIndex.ts';
import { AS_LEAD, startTestServer, stopAllServers } from './testing/harness.ts';

afterAll(async () => {
  await stopAllServers();
});

describe('ServerMetricsIndex', () => {
  it('catches up with commands committed while it builds, counting each event once', async () => {
    const server = await startTestServer({ seed: 'demo' });
    const service = server.app.service;
    const customerLoops = Object.values(service.board.loops).filter((l) => service.board.stations[l.consumerStationId]?.kind === 'customer');
    expect(customerLoops.length).toBeGreaterThan(0);
    const ix = new ServerMetricsIndex(service);
    // Commands right after the build began: some land in a page it reads, the rest reach
    // it through onEvents while it is still reading.
    const uses = [];
    for (const l of customerLoops) uses.push(service.submit({ type: 'loop.consume', loopId: l.id }, AS_LEAD));
    await Promise.all(uses);
    const built = await ix.ready();
    // More after the build: fed live.
    for (const l of customerLoops) await service.submit({ type: 'loop.consume', loopId: l.id }, AS_LEAD).catch(() => undefined);
    expect(built.seq).toBe(service.seq);

    const log: BoardEvent[] = [];
    for (let after = 0; ; ) {
      const { events } = await service.eventsPage(after, 1000);
      if (events.length === 0) break;
      log.push(...events);
      after = events[events.length - 1]!.seq;
    }
    const fresh = new MetricsIndex(emptyBoard);
    for (const e of log) fresh.push(e);
    const window = { from: new Date(Date.now() - 30 * 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    expect(built.report(window)).toEqual(fresh.report(window));
    ix.close();
    expect(server.problems).toEqual([]);
  });
});
