// The repository contract, run against both backends: SQLite (the embedded default) and
// PostgreSQL (a real cluster started by server/testing/postgres.ts, a fresh database per
// test). The same cases, the same expectations: an append-only log with gap-free seq,
// state written with it, idempotency records, each card's history chain, prune, the
// log's identity, and the accounts tables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, emptyBoard, snapshotOf } from '../../shared/board.ts';
import type { BoardState } from '../../shared/board.ts';
import { EventType } from '../../shared/names.ts';
import type { BoardEvent } from '../../shared/schemas.ts';
import { silentLogger } from '../logger.ts';
import { seedDemo } from '../seed.ts';
import { BoardService } from '../service.ts';
import { startPostgres } from '../testing/postgres.ts';
import type { TestPostgres } from '../testing/postgres.ts';
import { SqliteAccounts } from './accounts.ts';
import { PgAccounts } from './pgAccounts.ts';
import { PostgresRepository } from './postgres.ts';
import type { AccountRepository, BoardRepository } from './repository.ts';
import { SqliteRepository } from './sqlite.ts';

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Backend {
  repo: BoardRepository;
  accounts: AccountRepository;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'SQLite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-contract-'));
      const repo = new SqliteRepository(path.join(dir, 'board.db'));
      cleanups.push(() => {
        repo.close();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return { repo, accounts: new SqliteAccounts(repo.db) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const repo = await PostgresRepository.open(await cluster.freshDatabase());
      cleanups.push(() => repo.close());
      return { repo, accounts: new PgAccounts(repo.pool) };
    },
  ],
];

/** The demo plant's history (seeded on a throwaway in-memory board): real events of every kind the seed makes. */
function demoLog(): BoardEvent[] {
  const mem = new SqliteRepository(':memory:');
  try {
    seedDemo(new BoardService(mem, silentLogger));
    return mem.eventsAfter(0, Number.MAX_SAFE_INTEGER);
  } finally {
    mem.close();
  }
}
const LOG = demoLog();

/** Commits the log one event per transaction, each with the state after it; answers the final state. */
async function commitAll(repo: BoardRepository, events: readonly BoardEvent[], from: BoardState = emptyBoard): Promise<BoardState> {
  let state = from;
  for (const e of events) {
    state = applyEvent(state, e);
    await repo.commit({ events: [e], state });
  }
  return state;
}

describe.each(backends)('repository contract on %s', (_name, open) => {
  it('starts empty with a lasting log identity', async () => {
    const { repo } = await open();
    const s = await repo.loadState();
    expect(snapshotOf(s)).toEqual(snapshotOf(emptyBoard));
    expect(await repo.lastSeq()).toBe(0);
    expect(await repo.firstSeq()).toBeNull();
    expect(await repo.eventsAfter(0, 10)).toEqual([]);
    expect(repo.logId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(repo.logId()).toBe(repo.logId());
  });

  it('appends events with their state: the log reads back as written and the state equals the log replayed', async () => {
    const { repo } = await open();
    expect(LOG.length).toBeGreaterThan(30);
    const state = await commitAll(repo, LOG);
    expect(await repo.lastSeq()).toBe(LOG.length);
    expect(await repo.firstSeq()).toBe(1);
    expect(await repo.eventsAfter(0, Number.MAX_SAFE_INTEGER)).toEqual(LOG);
    expect(await repo.eventsAfter(10, 5)).toEqual(LOG.slice(10, 15));
    expect(await repo.eventsAfter(LOG.length, 5)).toEqual([]);
    expect(snapshotOf(await repo.loadState())).toEqual(snapshotOf(state));
  });

  it('refuses a seq that leaves a gap or repeats one, and changes nothing then', async () => {
    const { repo } = await open();
    const state = await commitAll(repo, LOG.slice(0, 5));
    const next = LOG[5]!;
    await expect(Promise.resolve().then(() => repo.commit({ events: [{ ...next, seq: 7 }], state }))).rejects.toThrow();
    await expect(Promise.resolve().then(() => repo.commit({ events: [{ ...next, seq: 5 }], state }))).rejects.toThrow();
    expect(await repo.lastSeq()).toBe(5);
    expect(snapshotOf(await repo.loadState())).toEqual(snapshotOf(state));
    // And goes on gap-free from there.
    await commitAll(repo, [next], state);
    expect(await repo.lastSeq()).toBe(6);
  });

  it('remembers idempotency answers (refusals too) and forgets them after their window', async () => {
    const { repo } = await open();
    const state = applyEvent(emptyBoard, LOG[0]!);
    await repo.commit({
      events: [LOG[0]!],
      state,
      idempotency: [
        { key: 'user:us_1:k1', fingerprint: 'f1', ok: true, body: { station: { id: 'st_1' } } },
        { key: 'user:us_1:k2', fingerprint: 'f2', ok: false, body: { error: { code: 'CONFLICT', message: 'no' } } },
      ],
    });
    // A group of refusals only: records and no events.
    await repo.commit({ events: [], state, idempotency: [{ key: 'user:us_2:k3', fingerprint: 'f3', ok: false, body: { error: 'x' } }] });
    expect(await repo.findIdempotency('user:us_1:k1')).toEqual({ key: 'user:us_1:k1', fingerprint: 'f1', ok: true, body: { station: { id: 'st_1' } } });
    expect((await repo.findIdempotency('user:us_1:k2'))?.ok).toBe(false);
    expect((await repo.findIdempotency('user:us_2:k3'))?.fingerprint).toBe('f3');
    expect(await repo.findIdempotency('user:us_1:nope')).toBeUndefined();
    expect(await repo.lastSeq()).toBe(1);
    expect(await repo.pruneIdempotency(new Date(Date.now() - 60_000).toISOString())).toBe(0);
    expect(await repo.pruneIdempotency(new Date(Date.now() + 60_000).toISOString())).toBe(3);
    expect(await repo.findIdempotency('user:us_1:k1')).toBeUndefined();
  });

  it("follows a card's history chain back to the loop event that made it", async () => {
    const { repo } = await open();
    await commitAll(repo, LOG);
    // The card with the most steps in the demo.
    const steps = new Map<string, number>();
    for (const e of LOG) if ('cardId' in e) steps.set(e.cardId, (steps.get(e.cardId) ?? 0) + 1);
    const [cardId] = [...steps.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const created = LOG.find(
      (e) =>
        (e.type === EventType.LOOP_CREATED && e.cards.some((c) => c.id === cardId)) ||
        (e.type === EventType.LOOP_UPDATED && e.addedCards.some((c) => c.id === cardId)),
    )!;
    const expected = [created, ...LOG.filter((e) => 'cardId' in e && e.cardId === cardId)].reverse();
    expect(await repo.cardHistory(cardId, 1000)).toEqual(expected);
    expect(await repo.cardHistory(cardId, 2)).toEqual(expected.slice(0, 2));
    expect(await repo.cardHistory('cd_unknown', 5)).toEqual([]);
  });

  it('prunes events older than a time but never the newest, and the log goes on gap-free', async () => {
    const { repo } = await open();
    const state = await commitAll(repo, LOG.slice(0, 20));
    const cut = LOG[10]!.at;
    const removed = await repo.pruneEvents(cut);
    const first = LOG.findIndex((e) => e.at >= cut) + 1;
    expect(removed).toBe(first - 1);
    expect(await repo.firstSeq()).toBe(first);
    expect(await repo.pruneEvents(new Date(Date.now() + 86_400_000).toISOString())).toBe(20 - first);
    expect(await repo.firstSeq()).toBe(20);
    expect(await repo.lastSeq()).toBe(20);
    await commitAll(repo, LOG.slice(20, 22), state);
    expect((await repo.eventsAfter(19, 10)).map((e) => e.seq)).toEqual([20, 21, 22]);
  });

  it('stores accounts: users by name without case, sessions, devices, pairings, tokens, install secrets', async () => {
    const { accounts: a } = await open();
    const at = new Date().toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect(await a.countUsers()).toBe(0);
    const u = {
      id: 'us_1',
      username: 'Alice',
      role: 'operator',
      stationIds: ['st_1'],
      passwordHash: 'h',
      badgeHash: 'b1',
      pinHash: null,
      disabled: false,
      createdAt: at,
      updatedAt: at,
    };
    await a.insertUser(u);
    await expect(Promise.resolve().then(() => a.insertUser({ ...u, id: 'us_2', badgeHash: null, username: 'ALICE' }))).rejects.toThrow();
    expect(await a.findUserByName('alice')).toEqual(u);
    expect(await a.findUserByBadge('b1')).toEqual(u);
    await a.updateUser({ ...u, disabled: true, stationIds: [] });
    expect((await a.findUser('us_1'))?.disabled).toBe(true);
    expect(await a.listUsers()).toHaveLength(1);

    const s = { tokenHash: 't1', userId: 'us_1', method: 'badge', createdAt: at, expiresAt: later, lastSeenAt: at, idleMinutes: 15 };
    await a.insertSession(s);
    await a.insertSession({ ...s, tokenHash: 't2', expiresAt: at });
    expect(await a.findSession('t1')).toEqual(s);
    await a.touchSession('t1', later);
    expect((await a.findSession('t1'))?.lastSeenAt).toBe(later);
    expect((await a.listSessionHashes('us_1')).sort()).toEqual(['t1', 't2']);
    expect(await a.deleteExpiredSessions(new Date(Date.now() + 1000).toISOString())).toBe(1);
    expect(await a.deleteUserSessions('us_1')).toBe(1);

    const d = { id: 'dv_1', name: 'Tablet', role: 'viewer', stationIds: [], tokenHash: null, createdAt: at, createdBy: 'lead', lastSeenAt: null, revokedAt: null };
    await a.insertDevice(d);
    await a.insertPairing({ id: 'pr_1', code: 'ABCD-EFGH', createdAt: at, expiresAt: later, deviceId: null, delivered: false });
    await a.updatePairing({ id: 'pr_1', code: 'ABCD-EFGH', createdAt: at, expiresAt: later, deviceId: 'dv_1', delivered: true });
    expect(await a.findPairingByCode('ABCD-EFGH')).toMatchObject({ deviceId: 'dv_1', delivered: true });
    await a.updateDevice({ ...d, tokenHash: 'dt' });
    expect((await a.findDeviceByToken('dt'))?.id).toBe('dv_1');
    expect(await a.listDevices()).toHaveLength(1);
    expect(await a.deleteExpiredPairings(new Date(Date.now() + 7_200_000).toISOString())).toBe(1);

    const t = { id: 'tk_1', name: 'MES', role: 'lead', stationIds: [], tokenHash: 'th', createdAt: at, createdBy: 'admin', lastUsedAt: null, revokedAt: null };
    await a.insertToken(t);
    await a.updateToken({ ...t, lastUsedAt: later });
    expect(await a.findTokenByHash('th')).toEqual({ ...t, lastUsedAt: later });
    expect(await a.findToken('tk_1')).toEqual({ ...t, lastUsedAt: later });
    expect(await a.listTokens()).toHaveLength(1);

    const first = await a.installSecret('pepper', () => 'one');
    expect(first).toBe('one');
    expect(await a.installSecret('pepper', () => 'two')).toBe('one');
  });
});
