// The metrics routes (docs/api.md "Metrics and sizing", "Risk", "What-if"):
// - GET /api/metrics, GET /api/metrics/series (leads and admins): figures of a window from
//   the metrics index (server/metricsIndex.ts: built once from the log, then fed every
//   committed batch), so a query is binary searches, not a replay;
// - GET /api/events.csv (leads and admins): the log itself, read a page at a time;
// - GET /api/risk (every role): the live risk marks (shared/risk.ts);
// - POST /api/whatif (leads and admins): the disruption what-if (shared/whatif.ts), which
//   never changes the board.
// The figures are pure functions in shared/; this file validates, reads and shapes.
import express from 'express';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { emptyBoard } from '../../shared/board.ts';
import type { BoardState } from '../../shared/board.ts';
import { DomainError, validationError } from '../../shared/errors.ts';
import { DEFAULT_SAFETY_FACTOR } from '../../shared/metrics.ts';
import type { MetricsWindow } from '../../shared/metrics.ts';
import { MAX_SAFETY_FACTOR } from '../../shared/sizing.ts';
import { DEFAULT_RISK_WINDOW_MINUTES, MAX_RISK_WINDOW_MINUTES, MIN_RISK_WINDOW_MINUTES, assessRisk } from '../../shared/risk.ts';
import { WhatIfBody, defaultHorizonMinutes, whatIf } from '../../shared/whatif.ts';
import type { LoopRates } from '../../shared/whatif.ts';
import type { Loop } from '../../shared/schemas.ts';
import { metricsIndexOf } from '../metricsIndex.ts';
import { Column, ErrorCode, EventType, Role } from '../../shared/names.ts';
import type { Role as RoleName } from '../../shared/names.ts';
import type { BoardEvent } from '../../shared/schemas.ts';
import type { BoardService } from '../service.ts';
import { principalOfRequest } from './auth.ts';

const DAY_MS = 86_400_000;
/** The window when the caller names none: the last 7 days. */
export const DEFAULT_WINDOW_DAYS = 7;
/** The longest window one request may ask for. */
export const MAX_WINDOW_DAYS = 366;
/** Events read from the log per page. */
const PAGE = 1000;
const READERS: readonly RoleName[] = [Role.ADMIN, Role.LEAD];
/** Buckets of GET /metrics/series when the caller names none, and the most it may ask. */
export const DEFAULT_BUCKETS = 48;
export const MAX_BUCKETS = 500;
/** How far back the what-if measures demand and times: the last 7 days. */
const WHATIF_MEASURE_DAYS = 7;
/** The what-if's spread of demand gaps and process times when the caller names none. */
export const DEFAULT_VARIABILITY = 0.2;

const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2025-03-03T06:00:00Z' });

/** The query of both routes; the window defaults to the 7 days up to now. */
export const MetricsQuery = z.object({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  /** alpha of the sizing (0.1 = 10 % more than demand x lead time). */
  safetyFactor: z.coerce.number().min(0).max(MAX_SAFETY_FACTOR).optional(),
  /** GET /metrics/series only: how many equal buckets the window is cut into. */
  buckets: z.coerce.number().int().min(1).max(MAX_BUCKETS).optional(),
});

/** The query of GET /risk. */
export const RiskQuery = z.strictObject({
  windowMinutes: z.coerce.number().min(MIN_RISK_WINDOW_MINUTES).max(MAX_RISK_WINDOW_MINUTES).optional(),
  safetyFactor: z.coerce.number().min(0).max(MAX_SAFETY_FACTOR).optional(),
});

/** The window a query names, checked: from <= to, at most MAX_WINDOW_DAYS long. */
export function windowOf(query: unknown, now = new Date()): MetricsWindow & { safetyFactor: number; buckets: number } {
  const r = MetricsQuery.safeParse(query);
  if (!r.success) throw validationError(r.error.issues);
  const q = r.data;
  const toMs = q.to !== undefined ? Date.parse(q.to) : now.getTime();
  const fromMs = q.from !== undefined ? Date.parse(q.from) : toMs - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (fromMs > toMs) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid request: from must not be after to', {
      issues: [{ path: 'from', message: 'must not be after to' }],
    });
  }
  if (toMs - fromMs > MAX_WINDOW_DAYS * DAY_MS) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid request: the window may be at most ${MAX_WINDOW_DAYS} days`, {
      issues: [{ path: 'from', message: `the window may be at most ${MAX_WINDOW_DAYS} days` }],
    });
  }
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    safetyFactor: q.safetyFactor ?? DEFAULT_SAFETY_FACTOR,
    buckets: q.buckets ?? DEFAULT_BUCKETS,
  };
}

function requireReader(req: Request, what: string): void {
  const p = principalOfRequest(req);
  if (!READERS.includes(p.role)) {
    throw new DomainError(ErrorCode.FORBIDDEN, `A ${p.role} may not read ${what}: leads and admins may`, { role: p.role });
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every event of the log in seq order, a page at a time (yielding between pages), until
 * `each` says stop. Answers the board the replay starts from: the empty board when the
 * log starts at seq 1; when older events were pruned (PULLBOARD_EVENT_RETENTION_DAYS),
 * the stations and loops of today with no cards (cards appear as they next change).
 */
async function scanLog(service: BoardService, each: (e: BoardEvent, start: BoardState) => boolean): Promise<void> {
  let after = 0;
  let start: BoardState | null = null;
  for (;;) {
    const { events } = await service.eventsPage(after, PAGE);
    if (events.length === 0) return;
    if (start === null) {
      const first = events[0]!.seq;
      const live = service.board;
      start = first === 1 ? emptyBoard : { seq: first - 1, stations: { ...live.stations }, loops: { ...live.loops }, cards: {} };
    }
    for (const e of events) if (!each(e, start)) return;
    after = events[events.length - 1]!.seq;
    await nextTurn();
  }
}

async function metrics(service: BoardService, req: Request, res: Response): Promise<void> {
  requireReader(req, 'metrics');
  const w = windowOf(req.query);
  const ix = await metricsIndexOf(service).ready();
  res.json(ix.report(w, { safetyFactor: w.safetyFactor }));
}

async function series(service: BoardService, req: Request, res: Response): Promise<void> {
  requireReader(req, 'metrics');
  const w = windowOf(req.query);
  const ix = await metricsIndexOf(service).ready();
  res.json(ix.series(w, w.buckets));
}

async function risk(service: BoardService, req: Request, res: Response): Promise<void> {
  principalOfRequest(req); // every role may read it; a credential is still needed
  const r = RiskQuery.safeParse(req.query);
  if (!r.success) throw validationError(r.error.issues);
  const windowMinutes = r.data.windowMinutes ?? DEFAULT_RISK_WINDOW_MINUTES;
  const ix = await metricsIndexOf(service).ready();
  const now = Date.now();
  const from = now - windowMinutes * 60_000;
  res.json(
    assessRisk({
      board: ix.board,
      nowMs: now,
      windowMinutes,
      flow: (loopId) => ix.flow(loopId, from, now),
      busy: (stationId) => ix.busyShare(stationId, from, now),
      safetyFactor: r.data.safetyFactor ?? DEFAULT_SAFETY_FACTOR,
    }),
  );
}

async function postWhatIf(service: BoardService, req: Request, res: Response): Promise<void> {
  requireReader(req, 'the what-if');
  if (req.body !== undefined && !req.is(['application/json', 'application/*+json'])) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Content-Type must be application/json');
  }
  const r = WhatIfBody.safeParse(req.body ?? {});
  if (!r.success) throw validationError(r.error.issues);
  const q = r.data;
  const ix = await metricsIndexOf(service).ready();
  const board = ix.board;
  if (!Object.hasOwn(board.stations, q.stationId)) {
    throw new DomainError(ErrorCode.NOT_FOUND, `No station with id "${q.stationId.slice(0, 80)}"`, { stationId: q.stationId.slice(0, 80) });
  }
  const now = Date.now();
  const from = now - WHATIF_MEASURE_DAYS * DAY_MS;
  const rates = (loop: Loop): LoopRates => {
    const m = ix.measured(loop.id, from, now);
    return {
      demandPerHour: m.demandPerHour,
      waitRequestedMinutes: m.cycle === null ? 0 : (m.waitRequested ?? 0),
      cycleMinutes: m.cycle ?? loop.leadTimeMinutes,
      measured: m.cycle !== null,
    };
  };
  res.json(
    whatIf({
      board,
      nowMs: now,
      stationId: q.stationId,
      durationMinutes: q.durationMinutes,
      horizonMinutes: q.horizonMinutes ?? defaultHorizonMinutes(q.durationMinutes),
      seed: q.seed ?? 1,
      variability: q.variability ?? DEFAULT_VARIABILITY,
      rates,
    }),
  );
}

// ---------------------------------------------------------------- CSV

export const CSV_COLUMNS = ['seq', 'at', 'type', 'actorKind', 'actorName', 'stationId', 'stationName', 'loopId', 'cardId', 'from', 'to'] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes
 * doubled. Text a person typed that starts like a formula (= + - @) gets a leading
 * apostrophe, so a spreadsheet shows it instead of running it.
 */
export function csvField(value: string | number | null, text = false): string {
  let s = value === null ? '' : String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The row of one event: where it happened and, for a card, the columns it left and entered. */
function csvRow(e: BoardEvent, stationName: (id: string) => string): string {
  let stationId: string | null = null;
  let loopId: string | null = null;
  let cardId: string | null = null;
  let from: string | null = null;
  let to: string | null = null;
  let name: string | null = null;
  switch (e.type) {
    case EventType.STATION_CREATED:
    case EventType.STATION_UPDATED:
    case EventType.STATION_REMOVED:
      stationId = e.station.id;
      name = e.station.name;
      break;
    case EventType.ANDON_RAISED:
    case EventType.ANDON_CLEARED:
      stationId = e.stationId;
      break;
    case EventType.LOOP_CREATED:
    case EventType.LOOP_UPDATED:
    case EventType.LOOP_RETIRED:
      stationId = e.loop.supplierStationId;
      loopId = e.loop.id;
      break;
    case EventType.CARD_MOVED:
    case EventType.CARD_UNDONE:
      ({ from, to } = e);
      stationId = e.card.stationId;
      loopId = e.loopId;
      cardId = e.cardId;
      break;
    case EventType.CARD_CONSUMED:
      [from, to] = [Column.DONE, Column.REQUESTED];
      stationId = e.card.stationId;
      loopId = e.loopId;
      cardId = e.cardId;
      break;
    case EventType.CARD_RETURNED:
      [from, to] = [Column.REQUESTED, Column.DONE];
      stationId = e.card.stationId;
      loopId = e.loopId;
      cardId = e.cardId;
      break;
  }
  if (name === null && stationId !== null) name = stationName(stationId);
  return [
    csvField(e.seq),
    csvField(e.at),
    csvField(e.type),
    csvField(e.actor.kind),
    csvField(e.actor.name, true),
    csvField(stationId),
    csvField(name, true),
    csvField(loopId),
    csvField(cardId),
    csvField(from),
    csvField(to),
  ].join(',');
}

async function eventsCsv(service: BoardService, req: Request, res: Response): Promise<void> {
  requireReader(req, 'the event log export');
  const w = windowOf(req.query);
  const fromMs = Date.parse(w.from);
  const toMs = Date.parse(w.to);
  // A station's name as the log last gave it (the event or an earlier one), else today's.
  const names = new Map<string, string>();
  const stationName = (id: string) => names.get(id) ?? service.board.stations[id]?.name ?? '';
  const stamp = (iso: string) => iso.replace(/[:.]/g, '-');
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="pullboard-events-${stamp(w.from)}-${stamp(w.to)}.csv"`);
  res.write(`${CSV_COLUMNS.join(',')}\r\n`);
  let open = false;
  let rows: string[] = [];
  await scanLog(service, (e) => {
    if ('station' in e) names.set(e.station.id, e.station.name);
    const at = Date.parse(e.at);
    // The window by seq order, as the metrics take it: opened by the first event at or
    // after `from`, closed by the first after `to`.
    if (!open && at < fromMs) return true;
    open = true;
    if (at > toMs) return false;
    rows.push(`${csvRow(e, stationName)}\r\n`);
    if (rows.length >= PAGE) {
      res.write(rows.join(''));
      rows = [];
    }
    return true;
  });
  res.end(rows.join(''));
}

/** The metrics routes, behind the API's credential check (routes.ts mounts them). */
export function metricsRouter(service: BoardService): Router {
  const r = express.Router();
  // Built now, at start, so the first query does not wait for the whole log.
  metricsIndexOf(service);
  r.get('/metrics', (req, res) => metrics(service, req, res));
  r.get('/metrics/series', (req, res) => series(service, req, res));
  r.get('/risk', (req, res) => risk(service, req, res));
  r.post('/whatif', (req, res) => postWhatIf(service, req, res));
  r.get('/events.csv', (req, res) => eventsCsv(service, req, res));
  return r;
}
