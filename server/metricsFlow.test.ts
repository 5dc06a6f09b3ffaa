// The metrics, risk and what-if routes on the real server (port 0, temporary database),
// with the plant simulator (server/simulator.ts) as the load source: a steady simulated
// run satisfies Little's law, the chart series add up to the report, every role reads the
// risk marks, and the what-if answers leads without changing the board.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsReportSchema, MetricsSeriesSchema } from '../shared/metrics.ts';
import type { MetricsReport } from '../shared/metrics.ts';
import { ErrorCode, Role, StationKind } from '../shared/names.ts';
import { RiskReportSchema } from '../shared/risk.ts';
import { WhatIfResultSchema } from '../shared/whatif.ts';
import type { Loop, Station } from '../shared/schemas.ts';
import { Api, ErrorBody, LoopCreatedSchema, startTestServer, stopAllServers, tokenFor, userToken } from './testing/harness.ts';
import type { TestServer } from './testing/harness.ts';
import { simulate } from './simulator.ts';
import type { SimulatorResult } from './simulator.ts';

let server: TestServer;
let api: Api;
let mill: Station;
let dock: Station;
let loop: Loop;
let run: SimulatorResult;
let runFrom: number;
let runTo: number;

/** Simulated minutes per real minute: a 10-minute lead time passes in half a second. */
const SPEED = 1200;
const MINUTES = 300;

beforeAll(async () => {
  server = await startTestServer();
  api = new Api(server.url);
  mill = await api.station('Mill', { kind: StationKind.SUPPLIER });
  dock = await api.station('Dock', { kind: StationKind.CUSTOMER });
  const created = await api.request('POST', '/api/loops', {
    json: { partNumber: 'GR-7', supplierStationId: mill.id, consumerStationId: dock.id, cardCount: 6, containerQty: 10, leadTimeMinutes: 10 },
  });
  loop = LoopCreatedSchema.parse(created.body).loop;
  runFrom = Date.now();
  // Customers use a container every 10 / (6 x 0.6) = 2.8 simulated minutes on average;
  // the mill picks each up after ~1 and takes ~4: steady, never out of stock for long.
  run = await simulate({ url: server.url, token: tokenFor(server.url)!, speed: SPEED, minutes: MINUTES, seed: 7, load: 0.6 });
  runTo = Date.now();
}, 120_000);

afterAll(async () => {
  expect(server.problems).toEqual([]);
  await stopAllServers();
});

const iso = (ms: number) => new Date(ms).toISOString();

async function report(from: number, to: number): Promise<MetricsReport> {
  const r = await api.request('GET', `/api/metrics?from=${iso(from)}&to=${iso(to)}`);
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  return MetricsReportSchema.strict().parse(r.body);
}

describe('a steady simulated run', () => {
  it('ran: uses, starts and finishes went through the public API', () => {
    expect(run.uses).toBeGreaterThan(60);
    expect(run.finishes).toBeGreaterThan(50);
    expect(run.refused).toBe(0);
  });

  it("satisfies Little's law: mean WIP = throughput x mean lead time, within 10 %", async () => {
    // Measured after a warm-up of a fifth of the run. The tolerance covers the cycles that
    // straddle the window's ends (a few lead times in a window of ~100 of them).
    const from = runFrom + (runTo - runFrom) / 5;
    const m = (await report(from, runTo)).loops.find((l) => l.loopId === loop.id)!;
    const wip = m.wipMean.requested + m.wipMean.inProgress;
    const little = m.throughputPerHour * (m.leadTimeMinutes.mean! / 60);
    expect(m.finished).toBeGreaterThan(40);
    expect(Math.abs(wip - little) / little).toBeLessThan(0.1);
    // Lead time = waiting in Requested + in process (the SAP segments), on the means.
    expect(m.segmentMinutes.requested.mean! + m.segmentMinutes.inProgress.mean!).toBeCloseTo(m.leadTimeMinutes.mean!, 9);
    // Six cards: the columns always hold all of them.
    expect(m.wipMean.requested + m.wipMean.inProgress + m.wipMean.done).toBeCloseTo(6, 6);
  });

  it('cuts the run into chart buckets that add up to the report', async () => {
    const r = await api.request('GET', `/api/metrics/series?from=${iso(runFrom)}&to=${iso(runTo)}&buckets=10`);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const s = MetricsSeriesSchema.strict().parse(r.body);
    expect(s.starts).toHaveLength(10);
    const whole = (await report(runFrom, runTo)).loops.find((l) => l.loopId === loop.id)!;
    const sl = s.loops.find((l) => l.loopId === loop.id)!;
    expect(sl.finished.reduce((a, b) => a + b, 0)).toBe(whole.finished);
    expect(sl.leadTimeP85Window).toBe(whole.leadTimeMinutes.p85);
    const sm = s.stations.find((x) => x.stationId === mill.id)!;
    expect(sm.arrivals.done.at(-1)).toBe(whole.finished);
    expect(sm.arrivals.requested.at(-1)).toBe(whole.consumed);
  });

  it('refuses a bad bucket count', async () => {
    const r = await api.request('GET', '/api/metrics/series?buckets=0');
    expect(r.status).toBe(400);
    expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe('GET /api/risk', () => {
  it('answers every role, a viewer too, with a mark per loop', async () => {
    const viewer = await userToken(server.url, 'risk-viewer', Role.VIEWER);
    const r = await api.request('GET', '/api/risk?windowMinutes=60', { headers: { authorization: `Bearer ${viewer}` } });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const risk = RiskReportSchema.strict().parse(r.body);
    expect(risk.windowMinutes).toBe(60);
    const l = risk.loops.find((x) => x.loopId === loop.id)!;
    expect(l.consumedPerHour).toBeGreaterThan(0);
    expect(l.fullContainers).toBe((await api.board()).cards.filter((c) => c.loopId === loop.id && c.column === 'done').length);
    expect(risk.stations.map((s) => s.stationId).sort()).toEqual([mill.id, dock.id].sort());
  });

  it('refuses a window out of bounds, and answers 401 without a credential', async () => {
    const bad = await api.request('GET', '/api/risk?windowMinutes=1');
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(bad.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    const anon = await api.request('GET', '/api/risk', { anonymous: true });
    expect(anon.status).toBe(401);
  });
});

describe('POST /api/whatif', () => {
  it('simulates the mill stopping, and changes nothing', async () => {
    // The run was fast (a container every few real seconds... of a sped-up clock), so the
    // measured rates are high: a one-minute stop over a three-minute horizon is plenty.
    const before = await api.everything();
    const r = await api.request('POST', '/api/whatif', { json: { stationId: mill.id, durationMinutes: 1, horizonMinutes: 3, seed: 3 } });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const w = WhatIfResultSchema.strict().parse(r.body);
    expect(w).toMatchObject({ stationId: mill.id, durationMinutes: 1, horizonMinutes: 3, seed: 3, variability: 0.2 });
    const l = w.loops.find((x) => x.loopId === loop.id)!;
    // The run measured the loop: customers used containers, the mill finished cycles.
    expect(l.rates.measured).toBe(true);
    expect(l.rates.demandPerHour).toBeGreaterThan(0);
    // A minute without the mill, at the measured demand, empties the dock's loop.
    expect(w.stations.map((s) => s.stationId)).toEqual([dock.id]);
    expect(l.stockOutAfterMinutes).not.toBeNull();
    expect(l.extraCards).toBeGreaterThan(0);
    // The board and the log did not move.
    expect(await api.everything()).toEqual(before);
  });

  it('validates the body and the station, and is for leads and admins', async () => {
    const bad = await api.request('POST', '/api/whatif', { json: { stationId: mill.id, durationMinutes: -5 } });
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(bad.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    const unknown = await api.request('POST', '/api/whatif', { json: { stationId: 'st_nope', durationMinutes: 60 } });
    expect(unknown.status).toBe(404);
    expect(ErrorBody.parse(unknown.body).error.code).toBe(ErrorCode.NOT_FOUND);
    const operator = await userToken(server.url, 'whatif-operator', Role.OPERATOR, [mill.id]);
    const refused = await api.request('POST', '/api/whatif', {
      json: { stationId: mill.id, durationMinutes: 60 },
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(refused.body).error.code).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('the simulator with a disruption', () => {
  it('stops the mill for a while (andon raised, then cleared), so the dock runs out, and stops by itself', async () => {
    const before = await api.lastSeq();
    // 60 simulated minutes at 1200x (3 real seconds); the mill stops from minute 0 to 30.
    const r = await simulate({ url: server.url, token: tokenFor(server.url)!, speed: SPEED, minutes: 60, seed: 11, stop: { station: 'Mill', atMinute: 0, forMinutes: 30 } });
    expect(r.simulatedMinutes).toBeLessThanOrEqual(60);
    // Six containers last about 6 x 2.8 = 17 minutes of demand; the rest of the stop finds none.
    expect(r.stockOuts).toBeGreaterThan(0);
    const events = (await api.events(before, 1000)).events;
    const andon = events.filter((e) => (e.type === 'andon.raised' || e.type === 'andon.cleared') && e.stationId === mill.id).map((e) => e.type);
    expect(andon).toEqual(['andon.raised', 'andon.cleared']);
    // Nothing of the mill's was started while it stood (the first start comes after the clear).
    const cleared = events.findIndex((e) => e.type === 'andon.cleared');
    const raised = events.findIndex((e) => e.type === 'andon.raised');
    const startsDuring = events.slice(raised, cleared).filter((e) => e.type === 'card.moved' && e.to === 'in_progress');
    expect(startsDuring).toEqual([]);
  });
});
