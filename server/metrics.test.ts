// GET /api/metrics and GET /api/events.csv against the real server (port 0, temporary
// database): moves made over HTTP show up in the figures, only leads and admins may read
// them, a bad window is a 400, and the CSV has one escaped row per event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsReportSchema } from '../shared/metrics.ts';
import type { LoopMetrics, MetricsReport } from '../shared/metrics.ts';
import { Column, ErrorCode, Role } from '../shared/names.ts';
import { Api, ErrorBody, buildApiPlant, startTestServer, stopAllServers, userToken } from './testing/harness.ts';
import type { ApiPlant, TestServer } from './testing/harness.ts';

let server: TestServer;
let api: Api;
let plant: ApiPlant;
/** A two-hour window around the test's moves, on whole minutes. */
let from: string;
let to: string;

beforeAll(async () => {
  server = await startTestServer();
  api = new Api(server.url);
  const start = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
  from = new Date(start).toISOString();
  to = new Date(start + 2 * 3_600_000).toISOString();
  plant = await buildApiPlant(api);
  // Assembly uses a shaft; Machining starts it (the cascade uses a blank) and finishes it.
  const used = await api.consumeLoop(plant.shaft.loop.id);
  await api.move(used.card.id, Column.IN_PROGRESS);
  await api.move(used.card.id, Column.DONE);
});

afterAll(async () => {
  expect(server.problems).toEqual([]);
  await stopAllServers();
});

async function metrics(query: string, token?: string): Promise<{ status: number; body: unknown }> {
  const r = await api.request('GET', `/api/metrics${query}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: r.body };
}

function loopOf(report: MetricsReport, loopId: string): LoopMetrics {
  const m = report.loops.find((l) => l.loopId === loopId);
  if (!m) throw new Error(`no metrics for ${loopId}`);
  return m;
}

describe('GET /api/metrics', () => {
  it('answers the documented shape with the figures the moves imply', async () => {
    const r = await metrics(`?from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    const report = MetricsReportSchema.strict().parse(r.body);
    expect(report).toMatchObject({ from, to });
    expect(report.loops.map((l) => l.loopId).sort()).toEqual([plant.blank, plant.shaft, plant.housing].map((l) => l.loop.id).sort());
    expect(report.stations.map((s) => s.stationId)).toEqual([plant.steel.id, plant.machining.id, plant.assembly.id]);

    // Shaft: one container used and made again in a 2-hour window.
    const shaft = loopOf(report, plant.shaft.loop.id);
    expect(shaft).toMatchObject({ consumed: 1, finished: 1, throughputPerHour: 0.5, demandPerHour: 0.5, overdueNow: 0 });
    expect(shaft.leadTimeMinutes.n).toBe(1);
    expect(shaft.leadTimeMinutes.mean).toBeGreaterThanOrEqual(0);
    expect(shaft.cycleTimeMinutes.n).toBe(1);
    // 0.5 containers/h x 10 parts, lead time of seconds: one card is enough; it has two.
    expect(shaft.sizing).toMatchObject({ demandPerHour: 5, containerQty: 10, safetyFactor: 0.1, recommendedCards: 1, currentCards: 2 });
    // Blank: the cascade used one; it waits in Steel's Requested for the rest of the window.
    expect(loopOf(report, plant.blank.loop.id)).toMatchObject({ consumed: 1, finished: 0, demandPerHour: 0.5 });
    expect(loopOf(report, plant.blank.loop.id).leadTimeMinutes).toEqual({ mean: null, p50: null, p85: null, max: null, n: 0 });
    // Housing: untouched, its one card full from its creation on (zero before it existed).
    const created = (await api.events(0, 1000)).events.find((e) => e.type === 'loop.created' && e.loop.id === plant.housing.loop.id);
    const housing = loopOf(report, plant.housing.loop.id);
    expect(housing).toMatchObject({ consumed: 0, finished: 0, stockOutMinutes: 0, wipMean: { requested: 0, inProgress: 0 } });
    const full = (Date.parse(to) - Date.parse(created!.at)) / (Date.parse(to) - Date.parse(from));
    expect(housing.wipMean.done).toBeCloseTo(full, 9);
    const machining = report.stations.find((s) => s.stationId === plant.machining.id);
    expect(machining).toMatchObject({ stationId: plant.machining.id, finished: 1, starvedMinutes: 0, andonMinutes: 0, finishedPerHour: 0.5 });
  });

  it('takes the last 7 days when no window is named, and a safety factor when one is', async () => {
    const r = await metrics('?safetyFactor=0.5');
    expect(r.status).toBe(200);
    const report = MetricsReportSchema.parse(r.body);
    expect(Date.parse(report.to) - Date.parse(report.from)).toBe(7 * 86_400_000);
    expect(loopOf(report, plant.shaft.loop.id)).toMatchObject({ consumed: 1, finished: 1 });
    expect(loopOf(report, plant.shaft.loop.id).sizing.safetyFactor).toBe(0.5);
  });

  it('is for leads and admins: a viewer and an operator get 403', async () => {
    const lead = await userToken(server.url, 'metrics-lead', Role.LEAD);
    expect((await metrics(`?from=${from}&to=${to}`, lead)).status).toBe(200);
    for (const [name, role] of [['metrics-viewer', Role.VIEWER], ['metrics-operator', Role.OPERATOR]] as const) {
      const token = await userToken(server.url, name, role, role === Role.OPERATOR ? [plant.machining.id] : []);
      for (const path of ['/api/metrics', '/api/events.csv']) {
        const r = await api.request('GET', path, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status, `${role} ${path}`).toBe(403);
        expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.FORBIDDEN);
      }
    }
    const anonymous = await api.request('GET', '/api/metrics', { anonymous: true });
    expect(anonymous.status).toBe(401);
  });

  it.each([
    ['a from that is no date', '?from=yesterday'],
    ['a to that is no date', '?from=2025-03-03T06:00:00Z&to=2025-13-45'],
    ['from after to', '?from=2025-03-04T00:00:00Z&to=2025-03-03T00:00:00Z'],
    ['a window over 366 days', '?from=2023-01-01T00:00:00Z&to=2025-01-01T00:00:00Z'],
    ['a negative safety factor', '?safetyFactor=-1'],
    ['a safety factor that is no number', '?safetyFactor=lots'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_, query) => {
    for (const path of ['/api/metrics', '/api/events.csv']) {
      // events.csv reads the same query (a safety factor included), so it refuses alike.
      const r = await api.request('GET', `${path}${query}`);
      expect(r.status, `${path}${query}: ${r.text.slice(0, 200)}`).toBe(400);
      expect(ErrorBody.parse(r.body).error.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
  });
});

/** Splits one CSV line (RFC 4180, no line breaks inside fields) into its fields. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

describe('GET /api/events.csv', () => {
  it('exports a header and one escaped row per event of the window', async () => {
    const tricky = 'Press "A", line 2';
    const renamed = await api.request('PATCH', `/api/stations/${plant.assembly.id}`, { json: { name: tricky } });
    expect(renamed.status).toBe(200);
    const r = await api.request('GET', `/api/events.csv?from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="pullboard-events-.*\.csv"$/);

    const lines = r.text.split('\r\n');
    expect(lines.pop()).toBe(''); // the last row ends with CRLF too
    const [header, ...rows] = lines;
    expect(header).toBe('seq,at,type,actorKind,actorName,stationId,stationName,loopId,cardId,from,to');
    const { events } = await api.events(0, 1000);
    expect(rows).toHaveLength(events.length);
    const parsed = rows.map(csvFields);
    for (const f of parsed) expect(f).toHaveLength(11);
    expect(parsed.map((f) => Number(f[0]))).toEqual(events.map((e) => e.seq));
    expect(parsed.map((f) => f[2])).toEqual(events.map((e) => e.type));

    // The rename is one row, its name quoted with the quotes doubled.
    const rename = rows.find((l) => l.includes('station.updated'));
    expect(rename).toContain(`,"Press ""A"", line 2",`);
    expect(csvFields(rename!)).toEqual([
      String(events.at(-1)!.seq),
      events.at(-1)!.at,
      'station.updated',
      'user',
      'admin',
      plant.assembly.id,
      tricky,
      '',
      '',
      '',
      '',
    ]);
    // A use is the card going from Done to Requested, on its supplier's board.
    const use = parsed.find((f) => f[2] === 'card.consumed' && f[7] === plant.shaft.loop.id);
    expect(use?.slice(5)).toEqual([plant.machining.id, 'Machining', plant.shaft.loop.id, use?.[8], 'done', 'requested']);
  });

  it('exports nothing but the header for a window before the log', async () => {
    const r = await api.request('GET', '/api/events.csv?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.text).toBe('seq,at,type,actorKind,actorName,stationId,stationName,loopId,cardId,from,to\r\n');
  });
});
