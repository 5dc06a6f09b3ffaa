// The OpenAPI document the server publishes at /api/openapi.json: valid OpenAPI 3.1 by
// the official schema (checked with @seriousme/openapi-schema-validator), its JSON Schemas
// valid 2020-12 (ajv, strict), a request body and a success response for every command
// of the table, and the answers the running server really sends fit what it documents.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES, COMMANDS } from '../shared/commands.ts';
import type { CommandType } from '../shared/commands.ts';
import { AndonKind, Column, ErrorCode, StationKind } from '../shared/names.ts';
import { buildOpenApi } from './http/openapi.ts';
import { Api, CardResultSchema, LoopCreatedSchema, TEST_ADMIN_PASSWORD, buildApiPlant, request, startTestServer, stopAllServers } from './testing/harness.ts';
import type { Reply, TestServer } from './testing/harness.ts';

type Json = Record<string, unknown>;

interface Operation {
  operationId?: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> } | undefined>;
}
/** A type alias, not an interface: the validator takes any string-keyed record. */
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation | undefined>>;
  components: { schemas: Record<string, Json> };
};

const rows = COMMAND_TYPES.map((type) => [type, COMMANDS[type]] as const);

const pathOf = (type: CommandType) => COMMANDS[type].http.path.replace(':id', '{id}');
const successStatus = (type: CommandType) => (COMMANDS[type].http.created ? '201' : '200');

function operationOf(doc: Document, type: CommandType): Operation {
  const op = doc.paths[pathOf(type)]?.[COMMANDS[type].http.method];
  if (op === undefined) throw new Error(`no operation for ${type}`);
  return op;
}

const jsonSchema = (part: { content?: Record<string, { schema?: Json }> } | undefined): Json | undefined =>
  part?.content?.['application/json']?.schema;

/** A component the schema refers to, or the schema itself. */
function resolve(doc: Document, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (target === undefined) throw new Error(`dangling $ref ${ref}`);
  return target;
}

/**
 * Compiles the document's JSON Schemas with ajv (draft 2020-12, strict: unknown keywords
 * and formats are errors). `#/components/schemas/X` refers into the document, so the
 * components are registered under one URI and the references rewritten to it.
 */
function schemaCompiler(doc: Document): (schema: Json) => ValidateFunction {
  const base = 'urn:pullboard:openapi';
  const rewrite = (schema: unknown): Json =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as Json;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addSchema({ $id: base, $defs: rewrite(doc.components.schemas) });
  return (schema) => ajv.compile(rewrite(schema));
}

/** Every `schema` of the operations (bodies, responses, parameters), with where it is. */
function operationSchemas(doc: Document): Array<[string, Json]> {
  const found: Array<[string, Json]> = [];
  const walk = (value: unknown, where: string): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === 'schema' && v !== null && typeof v === 'object' && !Array.isArray(v)) found.push([where, v as Json]);
      else walk(v, `${where}/${k}`);
    }
  };
  walk(doc.paths, '#/paths');
  return found;
}

describe('GET /api/openapi.json', () => {
  let server: TestServer;
  let doc: Document;
  beforeAll(async () => {
    server = await startTestServer();
    const r = await request(server.url, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^application\/json/);
    doc = r.body as Document;
  });
  afterAll(() => stopAllServers());

  it('is a valid OpenAPI 3.1 document by the official schema, with zero errors', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('is the document buildOpenApi() builds', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('has component schemas that are valid JSON Schema 2020-12 (ajv strict)', () => {
    const compile = schemaCompiler(doc);
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => compile({ $ref: `#/components/schemas/${name}` }), name).not.toThrow();
    }
  });

  it('has operation schemas that are valid JSON Schema 2020-12 (ajv strict), every $ref resolving', () => {
    const compile = schemaCompiler(doc);
    const schemas = operationSchemas(doc);
    expect(schemas.length).toBeGreaterThan(COMMAND_TYPES.length * 2);
    for (const [where, schema] of schemas) expect(() => compile(schema), where).not.toThrow();
  });

  describe.each(rows)('%s', (type, spec) => {
    it('has a required-when-needed JSON request body: exactly its fields, less the one the path carries', () => {
      const op = operationOf(doc, type);
      const schema = jsonSchema(op.requestBody);
      expect(schema, 'requestBody schema').toBeDefined();
      const body = resolve(doc, schema!);
      expect(body.type).toBe('object');
      expect(body.additionalProperties).toBe(false);
      const expected = Object.keys(spec.fields.shape).filter((k) => k !== spec.http.idField);
      expect(Object.keys((body.properties ?? {}) as Json).sort()).toEqual(expected.sort());
      const required = Array.isArray(body.required) ? body.required : [];
      expect(required).not.toContain(spec.http.idField);
      expect(op.requestBody?.required).toBe(required.length > 0);
    });

    it('has a JSON response schema for its success status: the whole result, or the field the table names', () => {
      const op = operationOf(doc, type);
      const schema = jsonSchema(op.responses?.[successStatus(type)]);
      expect(schema, `${successStatus(type)} response schema`).toBeDefined();
      const reply = resolve(doc, schema!);
      expect(Object.keys(reply).length).toBeGreaterThan(0);
      if (spec.http.reply === null) {
        expect(Object.keys((reply.properties ?? {}) as Json).sort()).toEqual(Object.keys(spec.result.shape).sort());
        expect([...(reply.required as string[])].sort()).toEqual(Object.keys(spec.result.shape).sort());
      } else {
        expect(reply.type).toBe('object');
      }
    });

    it('documents its error answers: 400, 404, and 409 exactly when it has refusals', () => {
      const responses = operationOf(doc, type).responses ?? {};
      const error = { $ref: '#/components/schemas/Error' };
      expect(jsonSchema(responses['400'])).toEqual(error);
      expect(jsonSchema(responses['404'])).toEqual(error);
      if (spec.refusals.length > 0) expect(jsonSchema(responses['409'])).toEqual(error);
      else expect(responses['409']).toBeUndefined();
    });
  });
});

describe('the answers of the running server fit its OpenAPI document', () => {
  let server: TestServer;
  let doc: Document;
  let compile: (schema: Json) => ValidateFunction;
  beforeAll(async () => {
    server = await startTestServer();
    doc = (await request(server.url, 'GET', '/api/openapi.json')).body as Document;
    compile = schemaCompiler(doc);
  });
  afterAll(() => stopAllServers());

  const sent: Array<{ type: CommandType; body: Json; reply: Reply }> = [];

  /** Sends a command at the table's method and path; it must succeed with the table's status. */
  async function send(type: CommandType, id: string | null, body: Json): Promise<unknown> {
    const spec = COMMANDS[type];
    const path = `/api${spec.http.path.replace(':id', encodeURIComponent(id ?? ''))}`;
    const reply = await request(server.url, spec.http.method.toUpperCase(), path, { json: body });
    expect(reply.status, `${type}: ${reply.text.slice(0, 300)}`).toBe(Number(successStatus(type)));
    sent.push({ type, body, reply });
    return reply.body;
  }

  function expectFits(schema: Json | undefined, value: unknown, what: string): void {
    expect(schema, what).toBeDefined();
    const validate = compile(schema!);
    const ok = validate(value);
    expect(validate.errors ?? [], what).toEqual([]);
    expect(ok, what).toBe(true);
  }

  it('for one success of every command: the body sent fits the request schema, the answer the response schema', async () => {
    const steel = (await send('station.create', null, { name: 'Steel', kind: StationKind.SUPPLIER })) as { id: string };
    const machining = (await send('station.create', null, { name: 'Machining' })) as { id: string };
    await send('station.update', machining.id, { name: 'Machining cell', wipLimits: { inProgress: 2 } });
    const created = LoopCreatedSchema.parse(
      await send('loop.create', null, {
        partNumber: 'BLK-100',
        supplierStationId: steel.id,
        consumerStationId: machining.id,
        cardCount: 2,
        containerQty: 10,
        leadTimeMinutes: 60,
      }),
    );
    await send('loop.update', created.loop.id, { cardCount: 3 });
    const first = created.cards[0]!;
    const consumed = CardResultSchema.parse(await send('card.consume', first.id, {}));
    expect(consumed.card.column).toBe(Column.REQUESTED);
    await send('card.move', first.id, { to: Column.IN_PROGRESS });
    await send('loop.consume', created.loop.id, {});
    // In progress at its supplier: finished; then that step undone.
    const finished = CardResultSchema.parse(await send('card.scan', null, { code: first.code, stationId: steel.id }));
    await send('card.undo', first.id, { version: finished.card.version });
    await send('andon.raise', machining.id, { kind: AndonKind.MATERIAL, note: 'steel bars' });
    await send('andon.clear', machining.id, {});
    const spare = (await send('station.create', null, { name: 'Spare' })) as { id: string };
    const other = LoopCreatedSchema.parse(
      await send('loop.create', null, {
        partNumber: 'BLK-200',
        supplierStationId: steel.id,
        consumerStationId: spare.id,
        cardCount: 1,
        containerQty: 1,
        leadTimeMinutes: 30,
      }),
    );
    await send('loop.retire', other.loop.id, {});
    await send('station.remove', spare.id, {});

    expect(new Set(sent.map((s) => s.type))).toEqual(new Set(COMMAND_TYPES));
    for (const { type, body, reply } of sent) {
      const op = operationOf(doc, type);
      expectFits(jsonSchema(op.requestBody), body, `${type} request body`);
      expectFits(jsonSchema(op.responses?.[successStatus(type)]), reply.body, `${type} ${reply.status} answer`);
    }
  });

  it('for a refusal: the error answer fits the documented error schema', async () => {
    const r = await request(server.url, 'POST', '/api/cards/zz_nothing/move', { json: { to: Column.DONE } });
    expect(r.status).toBe(404);
    expect((r.body as { error: { code: string } }).error.code).toBe(ErrorCode.NOT_FOUND);
    expectFits(jsonSchema(operationOf(doc, 'card.move').responses?.['404']), r.body, 'card.move 404 answer');
  });
});

describe('the account routes in the OpenAPI document', () => {
  let server: TestServer;
  let doc: Document;
  let compile: (schema: Json) => ValidateFunction;
  beforeAll(async () => {
    server = await startTestServer();
    doc = (await request(server.url, 'GET', '/api/openapi.json')).body as Document;
    compile = schemaCompiler(doc);
  });
  afterAll(() => stopAllServers());

  /** The routes that answer without a credential (docs/security.md). */
  const PUBLIC = [
    'get /health',
    'get /openapi.json',
    'get /auth/status',
    'post /auth/setup',
    'post /auth/login',
    'post /auth/badge',
    'post /auth/logout',
    'post /devices/pairings',
    'post /devices/pairings/{pairingId}/token',
  ];

  it('declares the bearer and cookie schemes, needs one by default, and waives it exactly for the public routes', () => {
    const raw = doc as unknown as { security?: unknown; components: { securitySchemes?: Record<string, Json> } };
    expect(raw.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(raw.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(raw.components.securitySchemes?.cookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'pullboard_session' });
    const open: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const security = (op as { security?: unknown } | undefined)?.security;
        if (Array.isArray(security) && security.length === 0) open.push(`${method} ${p}`);
        else expect(op?.responses?.['401'], `${method} ${p} documents 401`).toBeDefined();
      }
    }
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('documents no X-Pullboard-Actor header (the actor is the credential)', () => {
    expect(JSON.stringify(doc)).not.toContain('X-Pullboard-Actor');
  });

  it('gets answers from the running server that fit the documented status and schema', async () => {
    const checked: string[] = [];
    const fits = (route: string, method: string, reply: Reply) => {
      const op = doc.paths[route]?.[method];
      expect(op, `${method} ${route} is documented`).toBeDefined();
      const schema = jsonSchema(op?.responses?.[String(reply.status)]);
      expect(schema, `${method} ${route} documents ${reply.status} (${reply.text.slice(0, 200)})`).toBeDefined();
      const validate = compile(schema!);
      const ok = validate(reply.body);
      expect(validate.errors ?? [], `${method} ${route} ${reply.status}`).toEqual([]);
      expect(ok).toBe(true);
      checked.push(`${method} ${route} ${reply.status}`);
      return reply.body as Record<string, unknown>;
    };
    const anon = { anonymous: true } as const;
    const u = server.url;

    fits('/auth/status', 'get', await request(u, 'GET', '/api/auth/status', anon));
    fits('/auth/login', 'post', await request(u, 'POST', '/api/auth/login', { ...anon, json: { username: 'admin', password: 'wrong-password' } }));
    fits('/auth/login', 'post', await request(u, 'POST', '/api/auth/login', { ...anon, json: { username: 'admin', password: TEST_ADMIN_PASSWORD } }));
    fits('/auth/me', 'get', await request(u, 'GET', '/api/auth/me'));
    const user = fits('/users', 'post', await request(u, 'POST', '/api/users', { json: { username: 'ola', badge: 'B-1', role: 'operator', stationIds: [] } }));
    fits('/users', 'post', await request(u, 'POST', '/api/users', { json: { username: 'ola', role: 'viewer' } }));
    fits('/users', 'get', await request(u, 'GET', '/api/users'));
    fits('/users/{id}', 'patch', await request(u, 'PATCH', `/api/users/${String(user.id)}`, { json: { role: 'lead' } }));
    fits('/auth/badge', 'post', await request(u, 'POST', '/api/auth/badge', { ...anon, json: { badge: 'B-1' } }));
    fits('/auth/badge', 'post', await request(u, 'POST', '/api/auth/badge', { ...anon, json: { badge: 'B-2' } }));
    const token = fits('/tokens', 'post', await request(u, 'POST', '/api/tokens', { json: { name: 'scanner', role: 'viewer' } }));
    fits('/tokens', 'get', await request(u, 'GET', '/api/tokens'));
    fits('/auth/me', 'get', await request(u, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${String(token.token)}` } }));
    fits('/users', 'get', await request(u, 'GET', '/api/users', { headers: { authorization: `Bearer ${String(token.token)}` } }));
    fits('/tokens/{id}', 'delete', await request(u, 'DELETE', `/api/tokens/${String(token.id)}`));
    fits('/tokens/{id}', 'delete', await request(u, 'DELETE', `/api/tokens/${String(token.id)}`));
    const pairing = fits('/devices/pairings', 'post', await request(u, 'POST', '/api/devices/pairings', anon));
    const pollPath = `/api/devices/pairings/${String(pairing.pairingId)}/token`;
    fits('/devices/pairings/{pairingId}/token', 'post', await request(u, 'POST', pollPath, anon));
    const approved = fits('/devices/pairings/approve', 'post', await request(u, 'POST', '/api/devices/pairings/approve', { json: { code: pairing.code, name: 'TV', role: 'viewer' } }));
    fits('/devices/pairings/approve', 'post', await request(u, 'POST', '/api/devices/pairings/approve', { json: { code: pairing.code, name: 'TV', role: 'viewer' } }));
    fits('/devices/pairings/{pairingId}/token', 'post', await request(u, 'POST', pollPath, anon));
    fits('/devices/pairings/{pairingId}/token', 'post', await request(u, 'POST', pollPath, anon));
    fits('/devices', 'get', await request(u, 'GET', '/api/devices'));
    const device = (approved.device as { id: string }).id;
    fits('/devices/{id}', 'delete', await request(u, 'DELETE', `/api/devices/${device}`));
    fits('/devices/{id}', 'delete', await request(u, 'DELETE', `/api/devices/${device}`));

    const plant = await buildApiPlant(new Api(u));
    const card = plant.blank.cards[0]!;
    await request(u, 'POST', `/api/cards/${card.id}/consume`);
    fits('/cards/{id}/history', 'get', await request(u, 'GET', `/api/cards/${card.id}/history`));
    fits('/cards/{id}/history', 'get', await request(u, 'GET', '/api/cards/cd_nothing/history'));
    fits('/board', 'get', await request(u, 'GET', '/api/board', anon));
    fits('/stations', 'post', await request(u, 'POST', '/api/stations', { ...anon, json: { name: 'X' } }));
    fits('/auth/logout', 'post', await request(u, 'POST', '/api/auth/logout'));

    expect(checked).toContain('post /auth/login 401');
    expect(checked).toContain('post /devices/pairings/{pairingId}/token 428');
    expect(checked).toContain('post /devices/pairings/{pairingId}/token 404');
  });
});
