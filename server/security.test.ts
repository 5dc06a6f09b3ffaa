// The role tables of docs/security.md, tried against the real server. Every command of
// the command table, as every role, over HTTP and over the socket, as a user session
// and as an API token; an operator once bound to the station the command acts at and
// once bound to another. The verdict expected is the one written in the document, so
// the document and the server cannot drift apart: allowed succeeds, refused is 403
// FORBIDDEN with the board and the event log exactly as they were, and no credential
// is 401 (a refused handshake on the socket) with nothing changed.
import { MAX_PLANT_LIMITS } from '../shared/limits.ts';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMAND_TYPES, COMMANDS } from '../shared/commands.ts';
import type { CommandType } from '../shared/commands.ts';
import { AndonKind, Column, ErrorCode, Role, StationKind } from '../shared/names.ts';
import {
  Api,
  WAIT_MS,
  apiToken,
  connectClient,
  request,
  sendRaw,
  startTestServer,
  stopAllServers,
  userToken,
} from './testing/harness.ts';
import type { Reply, TestServer } from './testing/harness.ts';

// ---------------------------------------------------------------- the document's tables

const ROLES = [Role.ADMIN, Role.LEAD, Role.OPERATOR, Role.VIEWER] as const;
type Verdict = 'allowed' | 'own stations' | 'refused';
const VERDICTS: readonly string[] = ['allowed', 'own stations', 'refused'];

const SECURITY_MD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'security.md');

/** The rows of the Markdown table between `<!-- NAME:begin` and `<!-- NAME:end -->`, keyed by header. */
function readTable(markdown: string, name: string): Array<Record<string, string>> {
  const begin = markdown.indexOf(`<!-- ${name}:begin`);
  const end = markdown.indexOf(`<!-- ${name}:end -->`);
  if (begin < 0 || end < begin) throw new Error(`docs/security.md has no ${name} table`);
  const lines = markdown
    .slice(begin, end)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|'));
  const cells = (line: string) =>
    line
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim().replace(/^`|`$/g, ''));
  const [header, separator, ...rows] = lines;
  if (header === undefined || separator === undefined || !/^\|[\s|:-]+\|$/.test(separator)) {
    throw new Error(`the ${name} table has no header`);
  }
  const names = cells(header);
  return rows.map((row) => {
    const values = cells(row);
    if (values.length !== names.length) throw new Error(`${name}: row "${row}" has ${values.length} cells, the header ${names.length}`);
    return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  });
}

function verdictsOf(row: Record<string, string>, what: string): Record<Role, Verdict> {
  const out: Partial<Record<Role, Verdict>> = {};
  for (const role of ROLES) {
    const v = row[role];
    if (v === undefined || !VERDICTS.includes(v)) throw new Error(`${what}: "${v}" for ${role} is not one of ${VERDICTS.join(', ')}`);
    // Only an operator is bound to stations.
    if (v === 'own stations' && role !== Role.OPERATOR) throw new Error(`${what}: "own stations" only makes sense for an operator`);
    out[role] = v === 'allowed' ? 'allowed' : v === 'refused' ? 'refused' : 'own stations';
  }
  return { admin: out.admin!, lead: out.lead!, operator: out.operator!, viewer: out.viewer! };
}

const markdown = fs.readFileSync(SECURITY_MD, 'utf8');

/** docs/security.md's role x command table. */
const COMMAND_MATRIX: ReadonlyMap<CommandType, Record<Role, Verdict>> = (() => {
  const m = new Map<CommandType, Record<Role, Verdict>>();
  for (const row of readTable(markdown, 'role-matrix')) {
    const type = COMMAND_TYPES.find((t) => t === row.command);
    if (type === undefined) throw new Error(`role-matrix: "${row.command}" is not a command of shared/commands.ts`);
    if (m.has(type)) throw new Error(`role-matrix: ${type} has two rows`);
    m.set(type, verdictsOf(row, type));
  }
  return m;
})();

const COMMAND_ROWS = readTable(markdown, 'role-matrix');
const ROUTE_ROWS = readTable(markdown, 'route-matrix').map((row) => ({ request: row.request ?? '', verdicts: verdictsOf(row, row.request ?? '') }));

function verdictOf(type: CommandType, role: Role): Verdict {
  const row = COMMAND_MATRIX.get(type);
  if (!row) throw new Error(`docs/security.md has no row for ${type}`);
  return row[role];
}

describe('docs/security.md role tables', () => {
  it('has exactly one row per command of the command table, with its route and socket event', () => {
    expect([...COMMAND_MATRIX.keys()].sort()).toEqual([...COMMAND_TYPES].sort());
    for (const row of COMMAND_ROWS) {
      const spec = COMMANDS[row.command as CommandType];
      expect(row.HTTP, row.command).toBe(`${spec.http.method.toUpperCase()} /api${spec.http.path}`);
      expect(row['socket event'], row.command).toBe(spec.event);
    }
  });

  it('lists the account routes with a verdict for every role', () => {
    expect(ROUTE_ROWS.length).toBeGreaterThan(0);
    for (const r of ROUTE_ROWS) expect(r.request).toMatch(/^(GET|POST|PATCH|DELETE) \/api\//);
  });
});

// ---------------------------------------------------------------- principals

type Transport = 'http' | 'socket';
type CredentialKind = 'user' | 'token';
/** Who tries the command; an operator bound to the station it acts at, or to another. */
type Who = 'admin' | 'lead' | 'operator at the station' | 'operator elsewhere' | 'viewer' | 'nobody';
const WHO: readonly Who[] = ['admin', 'lead', 'operator at the station', 'operator elsewhere', 'viewer', 'nobody'];

/** What the document says `who` may do with this command: allowed, refused, or no credential. */
function expected(type: CommandType, who: Who): 'allowed' | 'refused' | 'unauthenticated' {
  switch (who) {
    case 'nobody':
      return 'unauthenticated';
    case 'admin':
    case 'lead':
    case 'viewer':
      return verdictOf(type, who) === 'allowed' ? 'allowed' : 'refused';
    case 'operator at the station':
      return verdictOf(type, Role.OPERATOR) === 'refused' ? 'refused' : 'allowed';
    case 'operator elsewhere':
      return verdictOf(type, Role.OPERATOR) === 'allowed' ? 'allowed' : 'refused';
  }
}

let server: TestServer;
let api: Api;
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;
/** Lead and viewer credentials of each kind, made once (operators are made per plant). */
const fixed = new Map<string, string>();

beforeAll(async () => {
  // Every case builds its own small plant on this one server: more stations than a
  // plant's default limit, which is not what this test is about.
  server = await startTestServer({ limits: MAX_PLANT_LIMITS });
  api = new Api(server.url);
  for (const role of [Role.ADMIN, Role.LEAD, Role.VIEWER]) {
    fixed.set(`token:${role}`, await apiToken(server.url, `matrix-${role}`, role));
    if (role !== Role.ADMIN) fixed.set(`user:${role}`, await userToken(server.url, `matrix-${role}`, role));
  }
  // The admin user is the harness's own signed-in admin: a user too, but a separate session.
  fixed.set(`user:${Role.ADMIN}`, await userToken(server.url, 'matrix-admin', Role.ADMIN));
});
afterAll(() => stopAllServers());

async function credential(kind: CredentialKind, role: Role, stationIds: string[] = []): Promise<string> {
  if (role !== Role.OPERATOR) {
    const c = fixed.get(`${kind}:${role}`);
    if (c === undefined) throw new Error(`no ${kind} credential for ${role}`);
    return c;
  }
  return kind === 'user'
    ? userToken(server.url, unique('op'), role, stationIds)
    : apiToken(server.url, unique('op-token-'), role, stationIds);
}

// ---------------------------------------------------------------- one plant per case

interface Case {
  /** The command's fields (path id included), valid on this plant. */
  fields: Record<string, unknown>;
  /** Where an operator must be bound for the command to be at its station. */
  here: string;
  /** Another station of the plant. */
  elsewhere: string;
  /**
   * For a command only the one who did a step may run (Undo): does that step as the
   * principal about to try the command, and gives the command's fields.
   */
  asPrincipal?: (token: string) => Promise<Record<string, unknown>>;
}

/**
 * A small plant made as the admin (a supplier feeding a consumer through one loop of two
 * full cards), brought to where `type` is a valid command, and that command's fields.
 */
async function arrange(type: CommandType): Promise<Case> {
  const supplier = await api.station(unique('Supplier '), { kind: StationKind.SUPPLIER });
  const consumer = await api.station(unique('Consumer '));
  const { loop, cards } = await api.loop(unique('P-'), supplier, consumer, 2);
  const card = cards[0]!;
  const atConsumer = { here: consumer.id, elsewhere: supplier.id };
  switch (type) {
    case 'station.create':
      return { fields: { name: unique('New station ') }, ...atConsumer };
    case 'station.update':
      return { fields: { stationId: consumer.id, name: unique('Renamed ') }, ...atConsumer };
    case 'loop.create':
      return {
        fields: {
          partNumber: unique('N-'),
          supplierStationId: supplier.id,
          consumerStationId: consumer.id,
          cardCount: 1,
          containerQty: 5,
          leadTimeMinutes: 30,
        },
        ...atConsumer,
      };
    case 'loop.update':
      return { fields: { loopId: loop.id, leadTimeMinutes: 45 }, ...atConsumer };
    case 'card.move':
      // The consumer used a container: its card waits in the supplier's Requested, to start.
      await api.consumeCard(card.id);
      return { fields: { cardId: card.id, to: Column.IN_PROGRESS }, here: supplier.id, elsewhere: consumer.id };
    case 'card.consume':
      return { fields: { cardId: card.id }, ...atConsumer };
    case 'loop.consume':
      return { fields: { loopId: loop.id }, ...atConsumer };
    case 'card.scan':
      // The consuming station scans a full container: it is used.
      return { fields: { code: card.code, stationId: consumer.id }, ...atConsumer };
    case 'andon.raise':
      return { fields: { stationId: consumer.id, kind: AndonKind.STOP, note: 'matrix' }, ...atConsumer };
    case 'station.remove': {
      const spare = await api.station(unique('Spare '));
      return { fields: { stationId: spare.id }, here: spare.id, elsewhere: consumer.id };
    }
    case 'loop.retire':
      return { fields: { loopId: loop.id }, ...atConsumer };
    case 'card.undo': {
      // A Use the admin made (so the card waits in Requested and Undo acts at the
      // consumer); one allowed to undo uses the other container and undoes their own.
      const used = await api.consumeCard(card.id);
      const other = cards[1]!;
      return {
        fields: { cardId: card.id, version: used.card.version },
        ...atConsumer,
        asPrincipal: async (token) => {
          const mine = await request(server.url, 'POST', `/api/cards/${other.id}/consume`, {
            json: {},
            headers: { authorization: `Bearer ${token}` },
          });
          const version = z.object({ card: z.object({ version: z.number() }) }).parse(mine.body).card.version;
          return { cardId: other.id, version };
        },
      };
    }
    case 'andon.clear': {
      const raised = await api.request('POST', `/api/stations/${consumer.id}/andon`, { json: { kind: AndonKind.HELP } });
      if (raised.status !== 200) throw new Error(`raising the andon to clear: ${raised.status} ${raised.text}`);
      return { fields: { stationId: consumer.id }, ...atConsumer };
    }
  }
}

async function principal(who: Who, kind: CredentialKind, c: Case): Promise<string | null> {
  switch (who) {
    case 'nobody':
      return null;
    case 'admin':
      return credential(kind, Role.ADMIN);
    case 'lead':
      return credential(kind, Role.LEAD);
    case 'viewer':
      return credential(kind, Role.VIEWER);
    case 'operator at the station':
      return credential(kind, Role.OPERATOR, [c.here]);
    case 'operator elsewhere':
      return credential(kind, Role.OPERATOR, [c.elsewhere]);
  }
}

// ---------------------------------------------------------------- sending

const ErrorReply = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const Ack = z.union([
  z.object({ ok: z.literal(true) }).loose(),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** The command at the table's method and path: the path's id out of the fields, the rest as the body. */
function sendHttp(type: CommandType, fields: Record<string, unknown>, token: string | null): Promise<Reply> {
  const spec = COMMANDS[type];
  const idField = spec.http.idField;
  const body = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== idField));
  const id = idField === null ? '' : String(fields[idField]);
  const pathname = `/api${spec.http.path.replace(':id', encodeURIComponent(id))}`;
  return request(server.url, spec.http.method.toUpperCase(), pathname, {
    json: body,
    ...(token === null ? { anonymous: true } : { headers: { authorization: `Bearer ${token}` } }),
  });
}

/** The handshake's refusal when a socket is opened with no credential at all. */
function refusedHandshake(): Promise<unknown> {
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: {} });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`no connect_error within ${WAIT_MS} ms`));
    }, WAIT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error('a socket without a credential was let in'));
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(err.data);
    });
  });
}

/** What the server holds: the board as it serialises it, and the newest seq of the log. */
async function state(): Promise<{ board: string; lastSeq: number }> {
  return { board: await api.boardText(), lastSeq: await api.lastSeq() };
}

/** The outcome of one try: allowed, refused, or unauthenticated, read from the answer. */
async function attempt(transport: Transport, type: CommandType, fields: Record<string, unknown>, token: string | null): Promise<string> {
  if (transport === 'http') {
    const r = await sendHttp(type, fields, token);
    if (r.status >= 200 && r.status < 300) return 'allowed';
    const code = ErrorReply.safeParse(r.body).data?.error.code;
    if (r.status === 403 && code === ErrorCode.FORBIDDEN) return 'refused';
    if (r.status === 401 && code === ErrorCode.UNAUTHENTICATED) return 'unauthenticated';
    return `HTTP ${r.status} ${r.text.slice(0, 300)}`;
  }
  if (token === null) {
    const refusal = z.object({ code: z.string() }).safeParse(await refusedHandshake());
    return refusal.data?.code === ErrorCode.UNAUTHENTICATED ? 'unauthenticated' : `handshake refused with ${JSON.stringify(refusal.data)}`;
  }
  const socket = await connectClient(server.url, 'matrix', { token });
  try {
    const ack = Ack.parse(await sendRaw(socket, COMMANDS[type].event, fields));
    if (ack.ok) return 'allowed';
    if (ack.error.code === ErrorCode.FORBIDDEN) return 'refused';
    return `ack ${JSON.stringify(ack)}`;
  } finally {
    socket.disconnect();
  }
}

// ---------------------------------------------------------------- the matrix

const CASES = (['http', 'socket'] as const).flatMap((transport) =>
  (['user', 'token'] as const).flatMap((kind) =>
    COMMAND_TYPES.flatMap((type) =>
      WHO.filter((who) => who !== 'nobody' || kind === 'user').map((who) => ({ transport, kind, type, who }) as const),
    ),
  ),
);

describe('every command as every role, as docs/security.md says', () => {
  it.each(CASES)('$transport, $kind: $type by $who', async ({ transport, kind, type, who }) => {
    const c = await arrange(type);
    const token = await principal(who, kind, c);
    const want = expected(type, who);
    const fields = c.asPrincipal && token !== null && want === 'allowed' ? await c.asPrincipal(token) : c.fields;
    const before = await state();

    const got = await attempt(transport, type, fields, token);

    expect(got).toBe(want);
    const after = await state();
    if (want === 'allowed') {
      expect(after.lastSeq).toBeGreaterThan(before.lastSeq);
    } else {
      // A refusal changes nothing: not the board, not the log.
      expect(after.lastSeq).toBe(before.lastSeq);
      expect(after.board).toBe(before.board);
    }
  });
});

// ---------------------------------------------------------------- account routes

interface RouteCase {
  method: string;
  path: string;
  json?: unknown;
}

/** Something for each account route to act on, made as the admin; valid if allowed. */
async function arrangeRoute(requestLine: string): Promise<RouteCase> {
  const [method = '', route = ''] = requestLine.split(' ');
  const admin = (m: string, p: string, json?: unknown) => request(server.url, m, p, json === undefined ? {} : { json });
  const idOf = (r: Reply, pick: (body: unknown) => string | undefined) => {
    const id = pick(r.body);
    if (id === undefined) throw new Error(`arranging ${requestLine}: ${r.status} ${r.text.slice(0, 200)}`);
    return id;
  };
  switch (`${method} ${route}`) {
    case 'POST /api/users':
      return { method, path: route, json: { username: unique('new-user-'), password: 'a-long-password', role: Role.VIEWER } };
    case 'PATCH /api/users/:id': {
      const r = await admin('POST', '/api/users', { username: unique('patched-'), password: 'a-long-password', role: Role.VIEWER });
      const id = idOf(r, (b) => z.object({ id: z.string() }).safeParse(b).data?.id);
      return { method, path: `/api/users/${id}`, json: { disabled: true } };
    }
    case 'POST /api/devices/pairings/approve': {
      const r = await request(server.url, 'POST', '/api/devices/pairings', { anonymous: true });
      const code = idOf(r, (b) => z.object({ code: z.string() }).safeParse(b).data?.code);
      return { method, path: route, json: { code, name: unique('TV '), role: Role.VIEWER } };
    }
    case 'DELETE /api/devices/:id': {
      const start = await request(server.url, 'POST', '/api/devices/pairings', { anonymous: true });
      const code = idOf(start, (b) => z.object({ code: z.string() }).safeParse(b).data?.code);
      const approved = await admin('POST', '/api/devices/pairings/approve', { code, name: unique('Tablet '), role: Role.VIEWER });
      const id = idOf(approved, (b) => z.object({ device: z.object({ id: z.string() }) }).safeParse(b).data?.device.id);
      return { method, path: `/api/devices/${id}` };
    }
    case 'POST /api/tokens':
      return { method, path: route, json: { name: unique('scanner '), role: Role.VIEWER } };
    case 'POST /api/whatif': {
      // A short stop of a station of its own (the what-if never changes the board).
      const r = await admin('POST', '/api/stations', { name: unique('What-if '), kind: 'supplier' });
      const id = idOf(r, (b) => z.object({ id: z.string() }).safeParse(b).data?.id);
      return { method, path: route, json: { stationId: id, durationMinutes: 30, horizonMinutes: 120 } };
    }
    case 'DELETE /api/tokens/:id': {
      const r = await admin('POST', '/api/tokens', { name: unique('doomed '), role: Role.VIEWER });
      const id = idOf(r, (b) => z.object({ id: z.string() }).safeParse(b).data?.id);
      return { method, path: `/api/tokens/${id}` };
    }
    default:
      if (method !== 'GET' || route.includes(':')) throw new Error(`no arrangement for ${requestLine}: add one here`);
      return { method, path: route };
  }
}

/** Everything the account routes can change, as the admin sees it (not when each was last used). */
async function accountState(): Promise<string> {
  const parts = await Promise.all(['/api/users', '/api/devices', '/api/tokens'].map((p) => request(server.url, 'GET', p)));
  return JSON.stringify(parts.map((r) => r.body), (k, v: unknown) => (k === 'lastUsedAt' || k === 'lastSeenAt' ? undefined : v));
}

const ROUTE_CASES = (['user', 'token'] as const).flatMap((kind) =>
  ROUTE_ROWS.flatMap((row) => ROLES.map((role) => ({ kind, request: row.request, role, verdict: row.verdicts[role] }))),
);

describe('the account routes as every role, as docs/security.md says', () => {
  it.each(ROUTE_CASES)('$kind: $request by $role -> $verdict', async ({ kind, request: line, role, verdict }) => {
    const token = await credential(kind, role, []);
    const r = await arrangeRoute(line);
    const before = await accountState();
    const reply = await request(server.url, r.method, r.path, {
      headers: { authorization: `Bearer ${token}` },
      ...(r.json === undefined ? {} : { json: r.json }),
    });
    if (verdict === 'allowed') {
      expect(reply.status, reply.text.slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(300);
    } else {
      expect(reply.status, reply.text.slice(0, 300)).toBe(403);
      expect(ErrorReply.parse(reply.body).error.code).toBe(ErrorCode.FORBIDDEN);
      expect(await accountState()).toBe(before);
    }
  });

  it('answers 401 without a credential, for every route of the table', async () => {
    for (const row of ROUTE_ROWS) {
      const r = await arrangeRoute(row.request);
      const before = await accountState();
      const reply = await request(server.url, r.method, r.path, { anonymous: true, ...(r.json === undefined ? {} : { json: r.json }) });
      expect(reply.status, row.request).toBe(401);
      expect(ErrorReply.parse(reply.body).error.code).toBe(ErrorCode.UNAUTHENTICATED);
      expect(await accountState()).toBe(before);
    }
  });

  it('lets a viewer read the board and refuses a lead the user list', async () => {
    const viewer = await credential('user', Role.VIEWER);
    const board = await request(server.url, 'GET', '/api/board', { headers: { authorization: `Bearer ${viewer}` } });
    expect(board.status).toBe(200);
    const lead = await credential('user', Role.LEAD);
    const users = await request(server.url, 'GET', '/api/users', { headers: { authorization: `Bearer ${lead}` } });
    expect(users.status).toBe(403);
    expect(ErrorReply.parse(users.body).error.code).toBe(ErrorCode.FORBIDDEN);
  });
});
