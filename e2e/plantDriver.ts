// Drives the demo plant through the public API, as operators would: a customer uses a
// full container, the supplier starts and finishes the signal it sent. A small, bounded
// stand-in for the plant simulator (npm run simulate) in the browser tests.
import type { TestServer } from './fixtures.ts';
import type { Loop } from '../shared/schemas.ts';

async function ok(res: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const r = await res;
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A loop of the test's own between two stations (the demo's names), full at the start. */
export async function addLoop(
  server: TestServer,
  partNumber: string,
  supplierStationId: string,
  consumerStationId: string,
  over: { cardCount?: number; containerQty?: number; leadTimeMinutes?: number } = {},
): Promise<Loop> {
  const body = await ok(
    server.api('POST', '/loops', {
      partNumber,
      partName: `${partNumber} (browser test)`,
      supplierStationId,
      consumerStationId,
      cardCount: over.cardCount ?? 3,
      containerQty: over.containerQty ?? 4,
      leadTimeMinutes: over.leadTimeMinutes ?? 60,
      inputLoopIds: [],
    }),
    `create loop ${partNumber}`,
  );
  return body.loop as Loop;
}

/** Uses one full container of the loop; returns the card sent back as a signal. */
export async function use(server: TestServer, loopId: string): Promise<string> {
  const body = await ok(server.api('POST', `/loops/${loopId}/consume`, {}), 'use');
  return (body.card?.id ?? body.cardId) as string;
}

/** Starts and finishes a card at its supplier. */
export async function replenish(server: TestServer, cardId: string): Promise<void> {
  await ok(server.api('POST', `/cards/${cardId}/move`, { to: 'in_progress' }), 'start');
  await ok(server.api('POST', `/cards/${cardId}/move`, { to: 'done' }), 'finish');
}

/** `cycles` full pulls of a loop: use, start, finish. */
export async function run(server: TestServer, loopId: string, cycles: number): Promise<void> {
  for (let k = 0; k < cycles; k++) await replenish(server, await use(server, loopId));
}
