// The command table (shared/commands.ts) is the one list of commands; everything else is
// derived from it. These tests fail when a row is malformed, or when a command has no
// HTTP route answering at its method and path on the running server, no socket handler
// answering its event, no OpenAPI operation, or no pull rule in decide().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBoard } from '../shared/board.ts';
import { COMMAND_TYPES, COMMANDS, commandTypeOfEvent, parseCommand } from '../shared/commands.ts';
import type { CommandInput, CommandType } from '../shared/commands.ts';
import { DomainError, validationError } from '../shared/errors.ts';
import { AndonKind, Column, ErrorCode } from '../shared/names.ts';
import { decide } from '../shared/rules.ts';
import type { ApiError } from '../shared/schemas.ts';
import { smallPlant, testContext } from '../shared/testPlant.ts';
import { ERROR_STATUS } from './http/errors.ts';
import { buildOpenApi } from './http/openapi.ts';
import { connectClient, ErrorBody, request, sendRaw, startTestServer, stopAllServers } from './testing/harness.ts';
import type { Client, TestServer } from './testing/harness.ts';

/** A well-formed id that matches nothing on any board. */
const NO_SUCH_ID = 'zz_nothing';
/** A key no command's (strict) fields accept. */
const NOT_A_FIELD = '__notAField';

const rows = COMMAND_TYPES.map((type) => [type, COMMANDS[type]] as const);

/** The request path of a command under /api, its `:id` filled in. */
const pathOf = (type: CommandType, id: string) => `/api${COMMANDS[type].http.path.replace(':id', encodeURIComponent(id))}`;

/** The fields a payload carries once the path's id has joined the body. */
function withId(type: CommandType, body: Record<string, unknown>, id: string): Record<string, unknown> {
  const field = COMMANDS[type].http.idField;
  return field === null ? body : { ...body, [field]: id };
}

/**
 * What this command, and no other, answers to these fields on an empty board: the
 * table's schema, then the rules. Any transport carrying the command must give the same.
 */
function answerOnEmptyBoard(type: CommandType, fields: unknown): ApiError | 'accepted' {
  const parsed = parseCommand(type, fields);
  if (!parsed.success) return validationError(parsed.error.issues).toJSON();
  try {
    decide(emptyBoard, parsed.command, testContext());
    return 'accepted';
  } catch (err) {
    if (err instanceof DomainError) return err.toJSON();
    throw err;
  }
}

/** A JSON round trip, as the answer travels. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The payloads each transport check sends: one that no schema accepts, one that targets nothing. */
const PROBES: Array<{ what: string; body: Record<string, unknown> }> = [
  { what: 'a field no command has', body: { [NOT_A_FIELD]: true } },
  { what: 'no fields at all', body: {} },
];

describe('the command table', () => {
  it('lists each command under its own type', () => {
    for (const [key, spec] of rows) expect(spec.type, key).toBe(key);
  });

  it('names every type entity.verb and every event entity:verb, the same entity and verb', () => {
    for (const [type, spec] of rows) {
      expect(type).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/);
      expect(spec.event).toMatch(/^[a-z][a-zA-Z]*:[a-z][a-zA-Z]*$/);
      expect(spec.event, type).toBe(type.replace('.', ':'));
    }
  });

  it('gives every command its own socket event, and finds the command by it', () => {
    const events = rows.map(([, spec]) => spec.event);
    expect(new Set(events).size).toBe(events.length);
    for (const [type, spec] of rows) expect(commandTypeOfEvent(spec.event)).toBe(type);
  });

  it('gives every command its own method and path', () => {
    const routes = rows.map(([, spec]) => `${spec.http.method} ${spec.http.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('puts :id in a path exactly when the command names the field it carries, and no other parameter', () => {
    for (const [type, spec] of rows) {
      const { path, idField } = spec.http;
      expect(path, type).toMatch(/^\/[a-z]/);
      expect(path.includes('/:id'), `${type}: ${path} with idField ${String(idField)}`).toBe(idField !== null);
      expect(path.replace('/:id', ''), type).not.toContain(':');
    }
  });

  it('names as idField a field of the command', () => {
    for (const [type, spec] of rows) {
      const field = spec.http.idField;
      if (field !== null) expect(Object.keys(spec.fields.shape), type).toContain(field);
    }
  });

  it('names as the HTTP reply a field of the result', () => {
    for (const [type, spec] of rows) {
      const reply = spec.http.reply;
      if (reply !== null) expect(Object.keys(spec.result.shape), type).toContain(reply);
    }
  });

  it('lists as refusals only codes answered with 409', () => {
    for (const [type, spec] of rows) {
      for (const code of spec.refusals) expect(ERROR_STATUS[code], `${type}: ${code}`).toBe(409);
    }
  });
});

describe('every command of the table over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => stopAllServers());

  describe.each(rows)('%s', (type, spec) => {
    const method = spec.http.method.toUpperCase();

    it.each(PROBES)(`is answered at its method and path (not "No route") given $what`, async ({ body }) => {
      const r = await request(server.url, method, pathOf(type, NO_SUCH_ID), { json: body });
      expect(r.contentType).toMatch(/^application\/json/);
      const error = ErrorBody.parse(r.body).error;
      expect(error.message).not.toMatch(/^No route/);

      const expected = answerOnEmptyBoard(type, withId(type, body, NO_SUCH_ID));
      if (expected === 'accepted') {
        expect.fail(`${type} accepted ${JSON.stringify(body)} on an empty board; the probe must be refused`);
      } else {
        // Exactly this command's answer: its schema, its rule (so not another command's route).
        expect(error).toEqual(wire(expected));
        expect(r.status).toBe(ERROR_STATUS[expected.code as ErrorCode]);
      }
    });
  });

  it('still answers an unknown path with the router\'s "No route" NOT_FOUND (what the checks above rule out)', async () => {
    const r = await request(server.url, 'POST', '/api/no-such-command', { json: {} });
    expect(r.status).toBe(404);
    const { error } = ErrorBody.parse(r.body);
    expect(error.code).toBe(ErrorCode.NOT_FOUND);
    expect(error.message).toMatch(/^No route/);
  });
});

describe('every command of the table over Socket.IO', () => {
  let server: TestServer;
  let socket: Client;
  beforeAll(async () => {
    server = await startTestServer();
    socket = await connectClient(server.url);
  });
  afterAll(() => stopAllServers());

  describe.each(rows)('%s', (type, spec) => {
    it.each(PROBES)(`acknowledges its event with this command's refusal given $what`, async ({ body }) => {
      const payload = withId(type, body, NO_SUCH_ID);
      // No handler means no ack: sendRaw then rejects after the harness's wait.
      const ack = await sendRaw(socket, spec.event, payload);
      const expected = answerOnEmptyBoard(type, payload);
      if (expected === 'accepted') {
        expect.fail(`${type} accepted ${JSON.stringify(payload)} on an empty board; the probe must be refused`);
      } else {
        expect([ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND]).toContain(expected.code);
        expect(ack).toEqual({ ok: false, error: wire(expected) });
      }
    });
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApi() as { paths: Record<string, Record<string, { operationId?: string } | undefined>> };

  it.each(rows)('has an operation for %s at its method and path', (type, spec) => {
    const path = spec.http.path.replace(':id', '{id}');
    expect(Object.keys(doc.paths)).toContain(path);
    const op = doc.paths[path]?.[spec.http.method];
    expect(op, `${spec.http.method} ${path}`).toBeDefined();
    expect(op?.operationId).toBe(type);
  });
});

describe('the pull rules', () => {
  type Fixture = ReturnType<typeof smallPlant>;
  /**
   * One valid command of each type on the small plant. Typed per type, so a new row of
   * the table does not compile without one; and the test below fails without one.
   */
  const SAMPLES: { [K in CommandType]: (f: Fixture) => CommandInput[K] } = {
    'station.create': () => ({ name: 'Paint' }),
    'station.update': (f) => ({ stationId: f.machining.id, name: 'Machining cell' }),
    'loop.create': (f) => ({
      partNumber: 'PIN-500',
      supplierStationId: f.steel.id,
      consumerStationId: f.machining.id,
      cardCount: 1,
      containerQty: 1,
      leadTimeMinutes: 1,
    }),
    'loop.update': (f) => ({ loopId: f.blank.id, cardCount: 4 }),
    'card.move': (f) => ({ cardId: f.plant.serial(f.blank, 1).id, to: Column.DONE }),
    'card.consume': (f) => ({ cardId: f.plant.serial(f.blank, 1).id }),
    'loop.consume': (f) => ({ loopId: f.blank.id }),
    'card.scan': (f) => ({ code: f.plant.serial(f.blank, 1).code, stationId: f.machining.id }),
    'card.undo': (f) => {
      const used = f.plant.consume(f.plant.serial(f.blank, 1).id);
      return { cardId: used.result.card.id, version: used.result.card.version };
    },
    'loop.retire': (f) => ({ loopId: f.blank.id }),
    'station.remove': (f) => ({ stationId: f.plant.station('Spare').id }),
    'andon.raise': (f) => ({ stationId: f.machining.id, kind: AndonKind.HELP }),
    'andon.clear': (f) => {
      f.plant.run({ type: 'andon.raise', stationId: f.machining.id, kind: AndonKind.HELP });
      return { stationId: f.machining.id };
    },
  };

  it.each(rows)('decide() runs a rule for %s: an answer or a refusal, never a crash', (type) => {
    const sample: ((f: Fixture) => unknown) | undefined = SAMPLES[type];
    if (sample === undefined) expect.fail(`no sample command for ${type}: add one to SAMPLES`);
    const f = smallPlant();
    const parsed = parseCommand(type, sample(f));
    if (!parsed.success) expect.fail(`the sample for ${type} does not fit its schema: ${parsed.error.message}`);
    try {
      const d = decide(f.plant.state, parsed.command, f.plant.context());
      expect(d.result).toBeTypeOf('object');
    } catch (err) {
      // A TypeError here ("rule is not a function") means the command has no rule.
      if (!(err instanceof DomainError)) throw err;
      expect(Object.values(ErrorCode)).toContain(err.code);
    }
  });

  it.each(rows)('decide() refuses %s on a board without its target as NOT_FOUND or VALIDATION_FAILED', (type) => {
    const answer = answerOnEmptyBoard(type, withId(type, {}, NO_SUCH_ID));
    expect(answer).not.toBe('accepted');
    if (answer !== 'accepted') expect([ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND]).toContain(answer.code);
  });
});
