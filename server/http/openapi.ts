// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate
// with (zod's JSON Schema export), so the document cannot drift from what is accepted.
import { z } from 'zod';
import { COMMAND_TYPES, COMMANDS } from '../../shared/commands.ts';
import type { CommandType } from '../../shared/commands.ts';
import { ErrorCode, Limits } from '../../shared/names.ts';
import { ApiErrorSchema, BoardEventSchema, BoardSnapshotSchema, CardSchema, LoopSchema, StationSchema } from '../../shared/schemas.ts';

type Json = Record<string, unknown>;

const components: Record<string, z.ZodType> = {
  Station: StationSchema,
  Loop: LoopSchema,
  Card: CardSchema,
  Event: BoardEventSchema,
  Board: BoardSnapshotSchema,
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
const actorHeader: Json = {
  name: 'X-Pullboard-Actor',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 64 },
  description: 'Who issues the command (recorded as the event actor); default "api"',
};

const bad = errorResponse([ErrorCode.VALIDATION_FAILED]);
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
    parameters: [...(spec.http.idField ? [idParam(spec.http.idField.replace(/Id$/, ''))] : []), idemHeader, actorHeader],
    requestBody: { required: body.required, ...json(ref(bodyName(type))) },
    responses: {
      [spec.http.created ? '201' : '200']: { description: 'Done', ...json(replySchema(type)) },
      400: bad,
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
      version: '1.0.0',
      description:
        'Real-time electronic kanban. Errors are {"error": {code, message, details?}}. ' +
        'Live updates: Socket.IO on the same origin, `board:subscribe` and `board:events` (see README).',
    },
    servers: [{ url: '/api' }],
    paths: {
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'ok', ...json({ type: 'object', properties: { status: { const: 'ok' } } }) } } } },
      '/board': { get: { summary: 'Snapshot of the whole board', responses: { 200: { description: 'Board', ...json(ref('Board')) } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
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
          },
        },
      },
      ...commandPaths(),
    },
    components: { schemas },
  };
  return cached;
}
