// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate
// with (zod's JSON Schema export), so the document cannot drift from what is accepted.
import { z } from 'zod';
import { COMMAND_TYPES, COMMANDS } from '../../shared/commands.ts';
import type { CommandType } from '../../shared/commands.ts';
import { ErrorCode } from '../../shared/names.ts';
import {
  ApprovePairingBody,
  AuthStatusSchema,
  BadgeBody,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  MeSchema,
  PublicUserSchema,
  PublicDeviceSchema,
  TokenInfoSchema,
  SetupBody,
  UpdateUserBody,
} from '../../shared/accounts.ts';
import { MetricsReportSchema, MetricsSeriesSchema } from '../../shared/metrics.ts';
import { RiskReportSchema } from '../../shared/risk.ts';
import { WhatIfBody, WhatIfResultSchema } from '../../shared/whatif.ts';
import { DEFAULT_RISK_WINDOW_MINUTES, MAX_RISK_WINDOW_MINUTES, MIN_RISK_WINDOW_MINUTES } from '../../shared/risk.ts';
import { DEFAULT_BUCKETS, DEFAULT_WINDOW_DAYS, MAX_BUCKETS, MAX_WINDOW_DAYS } from './metrics.ts';
import { ApiErrorSchema, BoardEventSchema, BoardSnapshotSchema, CardSchema, LoopSchema, StationSchema } from '../../shared/schemas.ts';

type Json = Record<string, unknown>;

const DeviceSchema = PublicDeviceSchema;
const SignedInSchema = z.object({ user: PublicUserSchema, token: z.string() });
const PairingSchema = z.object({ pairingId: z.string(), code: z.string(), expiresAt: z.string() });

const components: Record<string, z.ZodType> = {
  Station: StationSchema,
  Loop: LoopSchema,
  Card: CardSchema,
  Event: BoardEventSchema,
  Board: BoardSnapshotSchema,
  Metrics: MetricsReportSchema,
  MetricsSeries: MetricsSeriesSchema,
  Risk: RiskReportSchema,
  WhatIfBody,
  WhatIf: WhatIfResultSchema,
  User: PublicUserSchema,
  Me: MeSchema,
  AuthStatus: AuthStatusSchema,
  SignedIn: SignedInSchema,
  Device: DeviceSchema,
  TokenInfo: TokenInfoSchema,
  Pairing: PairingSchema,
  LoginBody,
  BadgeBody,
  SetupBody,
  CreateUserBody,
  UpdateUserBody,
  ApprovePairingBody,
  CreateTokenBody,
};

/** The named schemas the document refers to, so a result reuses `Station`, `Card`... */
const NAMED = new Map<z.ZodType, string>(Object.entries(components).map(([name, schema]) => [schema, name]));

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const errorResponse = (codes: string[]): Json => ({
  description: `Error (${codes.join(', ')})`,
  ...json(ref('Error')),
});
const idParam = (what: string): Json => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: `${what} id; an id that matches nothing is NOT_FOUND`,
});
const idemHeader: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 128 },
  description: 'The same key again returns the first answer and changes nothing',
};
const bad = errorResponse([ErrorCode.VALIDATION_FAILED]);
const unauthenticated = errorResponse([ErrorCode.UNAUTHENTICATED]);
const forbidden = errorResponse([ErrorCode.FORBIDDEN]);
/** What every route behind a credential can answer besides its own outcomes. */
const signedIn = { 401: unauthenticated, 403: forbidden };
const ok = json({ type: 'object', required: ['ok'], properties: { ok: { const: true } } });
const tooLarge = errorResponse([ErrorCode.PAYLOAD_TOO_LARGE]);
const missing = errorResponse([ErrorCode.NOT_FOUND]);
const unavailable = errorResponse([ErrorCode.SERVICE_UNAVAILABLE]);

/** `card.move` -> `CardMove`: the component name of a command's body. */
const bodyName = (type: CommandType) =>
  type.split('.').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** JSON Schema of a zod schema, as a $ref when it is one of the named components. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const name = NAMED.get(schema);
  if (name) return ref(name);
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

/** The HTTP answer of a command: its whole result, or the one field the table names. */
function replySchema(type: CommandType): Json {
  const spec = COMMANDS[type];
  const shape: Record<string, z.ZodType> = spec.result.shape;
  if (spec.http.reply === null) {
    return {
      type: 'object',
      required: Object.keys(shape),
      properties: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, schemaOf(v, 'output')])),
    };
  }
  const field = shape[spec.http.reply];
  return field ? schemaOf(field, 'output') : {};
}

/** The HTTP body schema: the command's fields without the one the path carries. */
function bodySchema(type: CommandType): { schema: Json; required: boolean } {
  const spec = COMMANDS[type];
  const s = z.toJSONSchema(spec.fields, { io: 'input', unrepresentable: 'any' }) as Json;
  delete s.$schema;
  const idField = spec.http.idField;
  const props = (s.properties ?? {}) as Record<string, unknown>;
  if (idField !== null) delete props[idField];
  const required = Array.isArray(s.required) ? s.required.filter((k) => k !== idField) : [];
  if (required.length > 0) s.required = required;
  else delete s.required;
  return { schema: s, required: required.length > 0 };
}

/** The OpenAPI operation of one command of the table. */
function operation(type: CommandType): Json {
  const spec = COMMANDS[type];
  const body = bodySchema(type);
  return {
    operationId: type,
    summary: spec.summary,
    description: `Also over Socket.IO as \`${spec.event}\` (payload: the body${spec.http.idField ? ` with \`${spec.http.idField}\`` : ''} and an optional \`idempotencyKey\`).`,
    parameters: [...(spec.http.idField ? [idParam(spec.http.idField.replace(/Id$/, ''))] : []), idemHeader],
    requestBody: { required: body.required, ...json(ref(bodyName(type))) },
    responses: {
      [spec.http.created ? '201' : '200']: { description: 'Done', ...json(replySchema(type)) },
      400: bad,
      401: unauthenticated,
      403: errorResponse([ErrorCode.FORBIDDEN, 'the role, or an operator away from its stations (docs/security.md)']),
      404: missing,
      ...(spec.refusals.length > 0 && { 409: errorResponse([...spec.refusals]) }),
      413: tooLarge,
      503: unavailable,
    },
  };
}

/** `/cards/:id/move` -> `/cards/{id}/move`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** Every command's path and method, from the table. */
function commandPaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const type of COMMAND_TYPES) {
    const spec = COMMANDS[type];
    const path = openApiPath(spec.http.path);
    paths[path] = { ...paths[path], [spec.http.method]: operation(type) };
  }
  return paths;
}

/** A JSON request body of a named component. */
const body = (name: string): Json => ({ required: true, ...json(ref(name)) });
const pathParam = (name: string, description: string): Json => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
/** An operation anyone may call, without a credential. */
const open = (op: Json): Json => ({ security: [], ...op });

/** Sign-in, users, device pairing and API tokens (docs/security.md). */
function accountPaths(): Record<string, Json> {
  const limited = errorResponse([ErrorCode.RATE_LIMITED]);
  return {
    '/auth/status': {
      get: open({ summary: 'Before signing in: whether the first admin is still to be made, and the badge settings', responses: { 200: { description: 'Status', ...json(ref('AuthStatus')) } } }),
    },
    '/auth/setup': {
      post: open({
        summary: 'Make the first admin with the one-time setup token the server printed (only while no user exists)',
        requestBody: body('SetupBody'),
        responses: { 201: { description: 'Signed in as the new admin; also sets the session cookie', ...json(ref('SignedIn')) }, 400: bad, 401: unauthenticated },
      }),
    },
    '/auth/login': {
      post: open({
        summary: 'Sign in with username and password',
        description: 'The token works as a bearer token and as `auth.token` in the Socket.IO handshake; the answer also sets the `pullboard_session` cookie.',
        requestBody: body('LoginBody'),
        responses: { 200: { description: 'Signed in', ...json(ref('SignedIn')) }, 400: bad, 401: unauthenticated, 429: limited },
      }),
    },
    '/auth/badge': {
      post: open({
        summary: 'Sign in at a station with a badge (and PIN when required); the session ends after the idle time',
        requestBody: body('BadgeBody'),
        responses: { 200: { description: 'Signed in', ...json(ref('SignedIn')) }, 400: bad, 401: unauthenticated, 429: limited },
      }),
    },
    '/auth/logout': {
      post: open({
        summary: 'End the session of the credential sent (its sockets are cut) and clear the cookie',
        responses: { 200: { description: 'Signed out', ...ok }, 403: errorResponse([ErrorCode.FORBIDDEN, 'cookie from another origin']) },
      }),
    },
    '/auth/me': {
      get: { summary: 'Who the credential is: a user, a paired device or an API token', responses: { 200: { description: 'The caller', ...json(ref('Me')) }, 401: unauthenticated } },
    },
    '/users': {
      get: { summary: 'List users (admin)', responses: { 200: { description: 'Users', ...json({ type: 'object', required: ['users'], properties: { users: { type: 'array', items: ref('User') } } }) }, ...signedIn } },
      post: {
        summary: 'Create a user (admin); the answer never carries the password, badge or PIN',
        requestBody: body('CreateUserBody'),
        responses: { 201: { description: 'Created', ...json(ref('User')) }, 400: bad, ...signedIn, 409: errorResponse([ErrorCode.CONFLICT]) },
      },
    },
    '/users/{id}': {
      patch: {
        summary: "Change a user (admin); a new password, role, stations or badge, or disabling, ends the user's sessions",
        parameters: [pathParam('id', 'user id')],
        requestBody: body('UpdateUserBody'),
        responses: { 200: { description: 'Changed', ...json(ref('User')) }, 400: bad, ...signedIn, 404: missing, 409: errorResponse([ErrorCode.CONFLICT]) },
      },
    },
    '/devices': {
      get: { summary: 'List paired devices that are not revoked (lead)', responses: { 200: { description: 'Devices', ...json({ type: 'object', required: ['devices'], properties: { devices: { type: 'array', items: ref('Device') } } }) }, ...signedIn } },
    },
    '/devices/{id}': {
      delete: {
        summary: 'Revoke a device (lead): its token is refused and its sockets are cut at once',
        parameters: [pathParam('id', 'device id')],
        responses: { 200: { description: 'Revoked', ...json({ type: 'object', required: ['device'], properties: { device: ref('Device') } }) }, ...signedIn, 404: missing },
      },
    },
    '/devices/pairings': {
      post: open({ summary: 'A device asks to be paired: it shows the code for a lead to approve', responses: { 201: { description: 'Pairing started', ...json(ref('Pairing')) } } }),
    },
    '/devices/pairings/approve': {
      post: {
        summary: 'Approve a pairing code (lead): the device becomes a viewer or an operator device',
        requestBody: body('ApprovePairingBody'),
        responses: { 201: { description: 'Approved', ...json({ type: 'object', required: ['device'], properties: { device: ref('Device') } }) }, 400: bad, ...signedIn, 404: errorResponse([ErrorCode.NOT_FOUND, 'unknown, expired or used code']) },
      },
    },
    '/devices/pairings/{pairingId}/token': {
      post: open({
        summary: "The device polls for its token: 428 until approved, then the token once, then 404",
        parameters: [pathParam('pairingId', 'the pairing id from POST /devices/pairings')],
        responses: {
          200: { description: 'The device token (shown once)', ...json({ type: 'object', required: ['token', 'device'], properties: { token: { type: 'string' }, device: ref('Device') } }) },
          404: errorResponse([ErrorCode.NOT_FOUND, 'unknown, expired or already delivered']),
          428: errorResponse([ErrorCode.PAIRING_PENDING]),
        },
      }),
    },
    '/tokens': {
      get: { summary: 'List API tokens that are not revoked (admin), without the tokens', responses: { 200: { description: 'Tokens', ...json({ type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: ref('TokenInfo') } } }) }, ...signedIn } },
      post: {
        summary: 'Create an API token (admin); the answer is the only time the token is shown',
        requestBody: body('CreateTokenBody'),
        responses: { 201: { description: 'Created', ...json({ type: 'object', required: ['id', 'token'], properties: { id: { type: 'string' }, token: { type: 'string' } } }) }, 400: bad, ...signedIn },
      },
    },
    '/tokens/{id}': {
      delete: {
        summary: 'Revoke an API token (admin): refused from now on, its sockets cut',
        parameters: [pathParam('id', 'token id')],
        responses: { 200: { description: 'Revoked', ...ok }, ...signedIn, 404: missing },
      },
    },
  };
}

/** GET /metrics and GET /events.csv (leads and admins): the window of both, and their answers. */
function metricsPaths(): Record<string, Json> {
  const window: Json[] = [
    { name: 'from', in: 'query', schema: { type: 'string' }, description: `ISO 8601 date-time, start of the window (default: ${DEFAULT_WINDOW_DAYS} days before \`to\`)` },
    { name: 'to', in: 'query', schema: { type: 'string' }, description: `ISO 8601 date-time, end of the window (default: now); at most ${MAX_WINDOW_DAYS} days after \`from\`` },
  ];
  return {
    '/metrics': {
      get: {
        summary: 'Flow metrics and loop sizing of a window, computed from the event log (leads and admins)',
        parameters: [
          ...window,
          { name: 'safetyFactor', in: 'query', schema: { type: 'number', minimum: 0, maximum: 5, default: 0.1 }, description: 'alpha of the sizing' },
        ],
        responses: { 200: { description: 'Metrics per loop and per station', ...json(ref('Metrics')) }, 400: bad, ...signedIn },
      },
    },
    '/metrics/series': {
      get: {
        summary: 'Per-bucket figures of a window for the charts: WIP and cumulative flow per station, lead time per loop, throughput (leads and admins)',
        parameters: [
          ...window,
          { name: 'buckets', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_BUCKETS, default: DEFAULT_BUCKETS }, description: 'equal buckets the window is cut into' },
        ],
        responses: { 200: { description: 'One entry per bucket in every array', ...json(ref('MetricsSeries')) }, 400: bad, ...signedIn },
      },
    },
    '/risk': {
      get: {
        summary: 'Live risk marks: time to stock-out, demand spikes, single-source loops feeding a bottleneck (every role)',
        parameters: [
          {
            name: 'windowMinutes',
            in: 'query',
            schema: { type: 'number', minimum: MIN_RISK_WINDOW_MINUTES, maximum: MAX_RISK_WINDOW_MINUTES, default: DEFAULT_RISK_WINDOW_MINUTES },
            description: 'the recent past the rates are measured over',
          },
          { name: 'safetyFactor', in: 'query', schema: { type: 'number', minimum: 0, maximum: 5, default: 0.1 }, description: 'alpha the loops are sized with' },
        ],
        responses: { 200: { description: 'Risk per loop and per station', ...json(ref('Risk')) }, 400: bad, ...signedIn },
      },
    },
    '/whatif': {
      post: {
        summary: 'Disruption what-if: a station stops now for a while; which stations starve, when, and the extra cards that ride it out (leads and admins; never changes the board)',
        requestBody: { required: true, ...json(ref('WhatIfBody')) },
        responses: { 200: { description: 'The simulated outcome', ...json(ref('WhatIf')) }, 400: bad, 404: missing, 413: tooLarge, ...signedIn },
      },
    },
    '/events.csv': {
      get: {
        summary: 'The event log of a window as CSV, one row per event (leads and admins)',
        parameters: window,
        responses: {
          200: {
            description: 'text/csv attachment; header: seq,at,type,actorKind,actorName,stationId,stationName,loopId,cardId,from,to',
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          400: bad,
          ...signedIn,
        },
      },
    },
  };
}

let cached: Json | undefined;

/** The OpenAPI document of the HTTP API. */
export function buildOpenApi(): Json {
  if (cached) return cached;
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: { error: z.toJSONSchema(ApiErrorSchema, { unrepresentable: 'any' }) },
    },
  };
  for (const type of COMMAND_TYPES) schemas[bodyName(type)] = bodySchema(type).schema;
  for (const [name, schema] of Object.entries(components)) {
    const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
    delete s.$schema;
    schemas[name] = s;
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Pullboard API',
      version: '2.0.0',
      description:
        'Real-time electronic kanban. Errors are {"error": {code, message, details?}}. ' +
        'Live updates: Socket.IO on the same origin, `board:subscribe` and `board:events` (see README). ' +
        'Every route but the few marked with no security needs a credential: a bearer token (session, device or API token) ' +
        'or the session cookie; a change carried by the cookie must come from an allowed origin. Roles: docs/security.md.',
    },
    servers: [{ url: '/api' }],
    security: [{ bearer: [] }, { cookie: [] }],
    paths: {
      '/health': { get: open({ summary: 'Liveness', responses: { 200: { description: 'ok', ...json({ type: 'object', properties: { status: { const: 'ok' } } }) } } }) },
      '/board': { get: { summary: 'Snapshot of the whole board', responses: { 200: { description: 'Board', ...json(ref('Board')) }, 401: unauthenticated } } },
      '/openapi.json': { get: open({ summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } }) },
      '/cards/{id}/history': {
        get: {
          summary: "A card's history from the event log, newest first, each event with its actor",
          parameters: [pathParam('id', 'card id')],
          responses: {
            200: { description: 'History', ...json({ type: 'object', required: ['cardId', 'events'], properties: { cardId: { type: 'string' }, events: { type: 'array', items: ref('Event') } } }) },
            401: unauthenticated,
            404: missing,
          },
        },
      },
      ...accountPaths(),
      '/events': {
        get: {
          summary: 'Event log page, oldest first',
          parameters: [
            { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: 500 }, description: 'values over 1000 are clamped to 1000' },
          ],
          responses: {
            200: {
              description: 'Events and the newest seq of the whole log',
              ...json({ type: 'object', required: ['events', 'lastSeq'], properties: { events: { type: 'array', items: ref('Event') }, lastSeq: { type: 'integer' } } }),
            },
            400: bad,
            401: unauthenticated,
          },
        },
      },
      ...metricsPaths(),
      ...commandPaths(),
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token (pbs_, from sign-in), a device token (pbd_, from pairing) or an API token (pbt_)',
        },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pullboard_session',
          description: "The browser's session cookie, set by sign-in; writes with it must come from an allowed Origin",
        },
      },
    },
  };
  return cached;
}
