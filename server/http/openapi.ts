// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate
// with (zod's JSON Schema export), so the document cannot drift from what is accepted.
import { z } from 'zod';
import { ErrorCode } from '../../shared/names.ts';
import {
  ApiErrorSchema,
  BoardEventSchema,
  BoardSnapshotSchema,
  CardSchema,
  ConsumeCardBody,
  CreateLoopBody,
  CreateStationBody,
  LoopSchema,
  MoveCardBody,
  RaiseAndonBody,
  StationSchema,
  UpdateLoopBody,
  UpdateStationBody,
} from '../../shared/schemas.ts';

type Json = Record<string, unknown>;

const components: Record<string, z.ZodType> = {
  Station: StationSchema,
  Loop: LoopSchema,
  Card: CardSchema,
  Event: BoardEventSchema,
  Board: BoardSnapshotSchema,
  CreateStation: CreateStationBody,
  UpdateStation: UpdateStationBody,
  CreateLoop: CreateLoopBody,
  UpdateLoop: UpdateLoopBody,
  MoveCard: MoveCardBody,
  ConsumeCard: ConsumeCardBody,
  RaiseAndon: RaiseAndonBody,
};

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

const cardResult: Json = {
  type: 'object',
  required: ['card', 'seq'],
  properties: { card: ref('Card'), seq: { type: 'integer' } },
};
const conflict = (...codes: string[]) => errorResponse(codes);
const bad = errorResponse([ErrorCode.VALIDATION_FAILED]);
const tooLarge = errorResponse([ErrorCode.PAYLOAD_TOO_LARGE]);
const missing = errorResponse([ErrorCode.NOT_FOUND]);

function command(summary: string, body: string | null, ok: Json, okStatus: string, refusals: Json | null, pathWhat?: string): Json {
  return {
    summary,
    parameters: [...(pathWhat ? [idParam(pathWhat)] : []), idemHeader, actorHeader],
    ...(body && { requestBody: { required: body !== 'ConsumeCard', ...json(ref(body)) } }),
    responses: {
      [okStatus]: { description: 'Done', ...json(ok) },
      400: bad,
      404: missing,
      ...(refusals && { 409: refusals }),
      413: tooLarge,
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
      '/stations': { post: command('Create a station', 'CreateStation', ref('Station'), '201', null) },
      '/stations/{id}': { patch: command('Update a station (name, WIP limits, position)', 'UpdateStation', ref('Station'), '200', null, 'station') },
      '/stations/{id}/andon': {
        post: command('Raise an andon call (line stop, help, material) at a station; another kind replaces the one in force', 'RaiseAndon', ref('Station'), '200', conflict(ErrorCode.INVALID_TRANSITION), 'station'),
      },
      '/stations/{id}/andon/clear': {
        post: command('Clear the andon call in force; the event log records its duration', null, ref('Station'), '200', conflict(ErrorCode.INVALID_TRANSITION), 'station'),
      },
      '/loops': {
        post: command(
          'Create a loop; it starts full (all cards Done)',
          'CreateLoop',
          { type: 'object', required: ['loop', 'cards'], properties: { loop: ref('Loop'), cards: { type: 'array', items: ref('Card') } } },
          '201',
          null,
        ),
      },
      '/loops/{id}': { patch: command('Update a loop (card count, lead time, inputs...)', 'UpdateLoop', ref('Loop'), '200', conflict(ErrorCode.INVALID_TRANSITION), 'loop') },
      '/loops/{id}/consume': { post: command("Use the loop's oldest full container", null, cardResult, '200', conflict(ErrorCode.STARVED), 'loop') },
      '/cards/{id}/move': {
        post: command(
          'Move a card one column (start, finish, step back) or reorder it in its column',
          'MoveCard',
          cardResult,
          '200',
          conflict(ErrorCode.WIP_LIMIT_REACHED, ErrorCode.INVALID_TRANSITION, ErrorCode.STARVED, ErrorCode.VERSION_CONFLICT),
          'card',
        ),
      },
      '/cards/{id}/consume': {
        post: command('Use a full container: its card returns to the supplier\'s Requested', 'ConsumeCard', cardResult, '200', conflict(ErrorCode.INVALID_TRANSITION, ErrorCode.VERSION_CONFLICT), 'card'),
      },
    },
    components: { schemas },
  };
  return cached;
}
