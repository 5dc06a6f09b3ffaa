// The HTTP API of api.md. Each handler: validate at the edge -> service.execute (one
// transaction) -> reply. Broadcasting is the socket layer's job (service.onEvents).
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { DomainError, validationError } from '../../shared/errors.ts';
import { CommandType, ErrorCode, Limits } from '../../shared/names.ts';
import type { CommandResult } from '../../shared/rules.ts';
import {
  ClearAndonBody,
  ConsumeCardBody,
  ConsumeLoopBody,
  CreateLoopBody,
  CreateStationBody,
  EventsQuery,
  Id,
  MoveCardBody,
  RaiseAndonBody,
  UpdateLoopBody,
  UpdateStationBody,
} from '../../shared/schemas.ts';
import type { Command } from '../../shared/schemas.ts';
import type { BoardService } from '../service.ts';
import { buildOpenApi } from './openapi.ts';
import { sendError } from './errors.ts';

const MAX_JSON_DEPTH = 32;
/** The content types the JSON body parser reads (and so the only ones a body may have). */
const JSON_TYPES = ['application/json', 'application/*+json'];

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error.issues);
  return r.data;
}

/** A path id that cannot match anything is simply not found (api.md). */
function pathId(req: Request, what: string): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !Id.safeParse(id).success) {
    throw new DomainError(ErrorCode.NOT_FOUND, `No ${what} with id "${String(id).slice(0, 80)}"`);
  }
  return id;
}

function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > Limits.IDEMPOTENCY_KEY) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Idempotency-Key must be 1 to ${Limits.IDEMPOTENCY_KEY} characters`);
  }
  return key;
}

function actorOf(req: Request): string {
  const a = req.get('X-Pullboard-Actor');
  if (a === undefined || a.trim() === '') return 'api';
  if (a.length > Limits.ACTOR) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `X-Pullboard-Actor is longer than ${Limits.ACTOR} characters`);
  }
  return a.trim();
}

/** Refuses bodies nested deeper than any request needs (cheap guard against abuse). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Body of a command route: JSON object, or nothing at all. */
function bodyOf(req: Request): unknown {
  const hasBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is(JSON_TYPES)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Content-Type must be application/json');
  }
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (depthOf(body) > MAX_JSON_DEPTH) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return body;
}

export function apiRouter(service: BoardService): Router {
  const r = express.Router();
  r.use(express.json({ limit: Limits.BODY_BYTES, strict: false, type: JSON_TYPES }));

  /** Runs a command and answers with `shape(result)` or the error. */
  const exec = async (req: Request, res: Response, command: Command, shape: (r: CommandResult) => unknown) => {
    const key = idempotencyKey(req);
    const out = await service.submit(command, { actor: actorOf(req), idempotencyKey: key });
    if (out.replayed) res.set('Idempotent-Replayed', 'true');
    if (!out.ok) return sendError(res, out.error);
    res.status(out.status).json(shape(out.result));
  };
  const field = (k: string) => (result: CommandResult) => (result as unknown as Record<string, unknown>)[k];
  const whole = (result: CommandResult) => result;

  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/board', (_req, res) => {
    res.json(service.snapshot());
  });

  r.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  r.get('/events', (req, res) => {
    const q = parse(EventsQuery, req.query);
    res.json(service.eventsPage(q.after, q.limit));
  });

  r.post('/stations', async (req, res) => {
    const body = parse(CreateStationBody, bodyOf(req));
    await exec(req, res, { type: CommandType.STATION_CREATE, ...body }, field('station'));
  });

  r.patch('/stations/:id', async (req, res) => {
    const stationId = pathId(req, 'station');
    const body = parse(UpdateStationBody, bodyOf(req));
    await exec(req, res, { type: CommandType.STATION_UPDATE, stationId, ...body }, field('station'));
  });

  r.post('/stations/:id/andon', async (req, res) => {
    const stationId = pathId(req, 'station');
    const body = parse(RaiseAndonBody, bodyOf(req));
    await exec(req, res, { type: CommandType.ANDON_RAISE, stationId, ...body }, field('station'));
  });

  r.post('/stations/:id/andon/clear', async (req, res) => {
    const stationId = pathId(req, 'station');
    const body = parse(ClearAndonBody, bodyOf(req));
    await exec(req, res, { type: CommandType.ANDON_CLEAR, stationId, ...body }, field('station'));
  });

  r.post('/loops', async (req, res) => {
    const body = parse(CreateLoopBody, bodyOf(req));
    await exec(req, res, { type: CommandType.LOOP_CREATE, ...body }, whole);
  });

  r.patch('/loops/:id', async (req, res) => {
    const loopId = pathId(req, 'loop');
    const body = parse(UpdateLoopBody, bodyOf(req));
    await exec(req, res, { type: CommandType.LOOP_UPDATE, loopId, ...body }, field('loop'));
  });

  r.post('/loops/:id/consume', async (req, res) => {
    const loopId = pathId(req, 'loop');
    const body = parse(ConsumeLoopBody, bodyOf(req));
    await exec(req, res, { type: CommandType.LOOP_CONSUME, loopId, ...body }, whole);
  });

  r.post('/cards/:id/move', async (req, res) => {
    const cardId = pathId(req, 'card');
    const body = parse(MoveCardBody, bodyOf(req));
    await exec(req, res, { type: CommandType.CARD_MOVE, cardId, ...body }, whole);
  });

  r.post('/cards/:id/consume', async (req, res) => {
    const cardId = pathId(req, 'card');
    const body = parse(ConsumeCardBody, bodyOf(req));
    await exec(req, res, { type: CommandType.CARD_CONSUME, cardId, ...body }, whole);
  });

  r.use((req, res) => {
    sendError(res, new DomainError(ErrorCode.NOT_FOUND, `No route ${req.method} /api${req.path}`));
  });
  return r;
}
