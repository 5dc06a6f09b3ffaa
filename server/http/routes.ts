// The HTTP API (docs/api.md). The command routes are derived from the command table
// (shared/commands.ts): validate at the edge -> service.submit (group commit) -> reply
// with the status and shape the table gives. Broadcasting is the socket layer's job
// (service.onEvents); the events of a command are broadcast before its reply is sent.
import express from 'express';
import type { Request, Router } from 'express';
import type { z } from 'zod';
import { DomainError, validationError } from '../../shared/errors.ts';
import { COMMAND_TYPES, COMMANDS, parseCommand } from '../../shared/commands.ts';
import type { CommandType } from '../../shared/commands.ts';
import { ErrorCode, Limits } from '../../shared/names.ts';
import { EventsQuery, Id } from '../../shared/schemas.ts';
import type { BoardService } from '../service.ts';
import { buildOpenApi } from './openapi.ts';
import { accountRouter, hostGuard, principalOfRequest, requireAuth } from './auth.ts';
import type { HttpAuthOptions } from './auth.ts';
import { actorOf } from '../auth/accounts.ts';
import { sendError } from './errors.ts';
import { sharedSnapshots } from '../snapshots.ts';
import { metricsRouter } from './metrics.ts';

const MAX_JSON_DEPTH = 32;
/** The content types the JSON body parser reads (and so the only ones a body may have). */
const JSON_TYPES = ['application/json', 'application/*+json'];

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error.issues);
  return r.data;
}

function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > Limits.IDEMPOTENCY_KEY) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Idempotency-Key must be 1 to ${Limits.IDEMPOTENCY_KEY} characters`);
  }
  return key;
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

/** A path id that cannot match anything is simply not found (api.md). */
function pathId(req: Request, spec: AnySpec): string {
  const id = req.params.id;
  const what = spec.http.idField?.replace(/Id$/, '') ?? 'resource';
  if (typeof id !== 'string' || !Id.safeParse(id).success) {
    throw new DomainError(ErrorCode.NOT_FOUND, `No ${what} with id "${String(id).slice(0, 80)}"`);
  }
  return id;
}

type AnySpec = (typeof COMMANDS)[CommandType];

/**
 * The command's fields from the request: the JSON body, plus the path's `:id` under the
 * field the table names (which the body may not carry itself).
 */
function fieldsOf(req: Request, spec: AnySpec): unknown {
  const body = bodyOf(req);
  const field = spec.http.idField;
  if (field === null) return body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  if (Object.hasOwn(body, field)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid request: ${field}: it comes from the path, not the body`, {
      issues: [{ path: field, message: 'it comes from the path, not the body' }],
    });
  }
  return { ...body, [field]: pathId(req, spec) };
}

export function apiRouter(service: BoardService, auth: HttpAuthOptions): Router {
  const r = express.Router();
  r.use(hostGuard(auth.allowedHosts));
  r.use(express.json({ limit: Limits.BODY_BYTES, strict: false, type: JSON_TYPES }));

  // Without a credential: health, the OpenAPI document, sign-in and device pairing.
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });
  const accounts = accountRouter(auth);
  r.use(accounts.publicRoutes);

  // Everything else needs a signed-in user, a paired device or an API token.
  r.use(requireAuth(auth));
  r.use(accounts.privateRoutes);

  // The one serialized snapshot of this seq, shared with every caller and subscriber
  // (snapshots.ts); Express answers 304 to a matching If-None-Match.
  const snapshots = sharedSnapshots(service);
  r.get('/board', (_req, res) => {
    const { body, etag } = snapshots.http(service.logId);
    res.set('ETag', etag).type('json').send(body);
  });

  r.get('/cards/:id/history', async (req, res) => {
    const id = String(req.params.id ?? '');
    const events = await service.cardHistory(id);
    if (events === null) throw new DomainError(ErrorCode.NOT_FOUND, `No card with id "${id.slice(0, 80)}"`, { cardId: id.slice(0, 80) });
    res.json({ cardId: id, events });
  });

  r.get('/events', async (req, res) => {
    const q = parse(EventsQuery, req.query);
    res.json(await service.eventsPage(q.after, q.limit));
  });
  r.use(metricsRouter(service)); // GET /metrics, GET /events.csv (leads and admins)

  // Every command of the table, at its method and path.
  for (const type of COMMAND_TYPES) {
    const spec = COMMANDS[type];
    r[spec.http.method](spec.http.path, async (req, res) => {
      const key = idempotencyKey(req);
      const fields = fieldsOf(req, spec);
      const parsed = parseCommand(type, fields);
      if (!parsed.success) throw validationError(parsed.error.issues);
      const p = principalOfRequest(req);
      const out = await service.submit(parsed.command, { actor: actorOf(p), role: p.role, stationIds: p.stationIds, idempotencyKey: key });
      if (out.replayed) res.set('Idempotent-Replayed', 'true');
      if (!out.ok) return sendError(res, out.error);
      res.status(spec.http.created ? 201 : 200).json(httpReply(spec, out.result));
    });
  }

  r.use((req, res) => {
    sendError(res, new DomainError(ErrorCode.NOT_FOUND, `No route ${req.method} /api${req.path}`));
  });
  return r;
}

/** The HTTP answer: the whole result, or the one field the table names (api.md shapes). */
function httpReply(spec: AnySpec, result: object): unknown {
  const field = spec.http.reply;
  return field !== null && Object.hasOwn(result, field) ? Object.getOwnPropertyDescriptor(result, field)?.value : result;
}
