// Andon over the real server: a station raises a line stop or a call, every subscribed
// screen receives it, it survives a restart, and clearing it logs how long it lasted.
import { afterEach, describe, expect, it } from 'vitest';
import { Role } from '../shared/names.ts';
import type { Station } from '../shared/schemas.ts';
import {
  collectEvents,
  connectClient,
  request,
  restartServer,
  sendCommand,
  startTestServer,
  stopAllServers,
  subscribe,
  userToken,
} from './testing/harness.ts';

afterEach(stopAllServers);

async function weldingOf(url: string): Promise<Station> {
  const board = (await request(url, 'GET', '/api/board')).body as { stations: Station[] };
  return board.stations.find((s) => s.name === 'Welding')!;
}

describe('andon', () => {
  it('reaches every screen when raised over HTTP, and is cleared with its duration logged', async () => {
    const server = await startTestServer({ seed: 'demo' });
    const welding = await weldingOf(server.url);
    const tv = await connectClient(server.url, 'tv');
    const seen = collectEvents(tv);
    const sub = await subscribe(tv);
    expect(sub.ok).toBe(true);
    const seq = (await request(server.url, 'GET', '/api/events?limit=1')).body as { lastSeq: number };

    const raised = await request(server.url, 'POST', `/api/stations/${welding.id}/andon`, {
      json: { kind: 'stop', note: 'Torch cable burnt' },
    });
    expect(raised.status).toBe(200);
    expect((raised.body as Station).andon).toMatchObject({ kind: 'stop', note: 'Torch cable burnt' });
    await seen.waitForSeq(seq.lastSeq + 1);
    expect(seen.events.at(-1)).toMatchObject({ type: 'andon.raised', stationId: welding.id, andon: { kind: 'stop' } });

    const again = await request(server.url, 'POST', `/api/stations/${welding.id}/andon`, { json: { kind: 'stop' } });
    expect(again.status).toBe(409);
    expect((again.body as { error: { code: string } }).error.code).toBe('INVALID_TRANSITION');

    const cleared = await request(server.url, 'POST', `/api/stations/${welding.id}/andon/clear`);
    expect(cleared.status).toBe(200);
    expect((cleared.body as Station).andon).toBeNull();
    await seen.waitForSeq(seq.lastSeq + 2);
    const end = seen.events.at(-1)!;
    expect(end).toMatchObject({ type: 'andon.cleared', stationId: welding.id, andon: { kind: 'stop' } });
    expect((end as { durationSeconds: number }).durationSeconds).toBeGreaterThanOrEqual(0);
  });

  it('is raised and escalated over the socket, and stays in force across a restart', async () => {
    const server = await startTestServer({ seed: 'demo' });
    const welding = await weldingOf(server.url);
    const welder = await userToken(server.url, 'welder', Role.OPERATOR, [welding.id]);
    const tablet = await connectClient(server.url, `tablet:${welding.id}`, { token: welder });
    const help = await sendCommand(tablet, 'andon.raise', { stationId: welding.id, kind: 'help' });
    expect(help.ok).toBe(true);
    const stop = await sendCommand(tablet, 'andon.raise', { stationId: welding.id, kind: 'stop', note: 'escalated' });
    expect(stop.ok && stop.station.andon?.kind).toBe('stop');
    const bad = await sendCommand(tablet, 'andon.raise', { stationId: welding.id, kind: 'panic' } as never);
    expect(bad.ok).toBe(false);

    const again = await restartServer(server);
    const after = await weldingOf(again.url);
    expect(after.andon).toMatchObject({ kind: 'stop', note: 'escalated', raisedBy: 'welder' });
    const page = (await request(again.url, 'GET', '/api/events?after=0&limit=1000')).body as {
      events: Array<{ type: string }>;
    };
    expect(page.events.filter((e) => e.type.startsWith('andon.')).map((e) => e.type)).toEqual([
      'andon.raised',
      'andon.cleared',
      'andon.raised',
    ]);
  });

  it('refuses clearing a station with no call, and unknown stations', async () => {
    const server = await startTestServer({ seed: 'demo' });
    const welding = await weldingOf(server.url);
    expect((await request(server.url, 'POST', `/api/stations/${welding.id}/andon/clear`)).status).toBe(409);
    expect((await request(server.url, 'POST', '/api/stations/nope/andon', { json: { kind: 'stop' } })).status).toBe(404);
    expect((await request(server.url, 'POST', `/api/stations/${welding.id}/andon`, { json: { kind: 'stop', extra: 1 } })).status).toBe(400);
  });
});
