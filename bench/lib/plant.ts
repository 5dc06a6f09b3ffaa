// The 1,000-card plant, built once per run through the public HTTP API on a server with
// PULLBOARD_SEED=none, then copied (closed database file) for every server that needs it.
//
// Six lanes like the demo: an external supplier, four process stations and a customer
// end; two loops of 100 cards between each pair of neighbours (10 loops, 1,000 cards),
// no WIP limits, no input loops (so a move is exactly one event). Each loop is spread
// over the columns as a running line would be: 60 full containers in Done, 20 signals
// in Requested, 20 containers In Progress.
import fs from 'node:fs';
import path from 'node:path';
import type { BoardSnapshot, Card, Loop, Station } from '../../shared/schemas.ts';
import { signIn } from './auth.ts';
import { assertLocal } from './clients.ts';

export const PLANT_CARDS_PER_LOOP = 100;
const CONSUMED_PER_LOOP = 40;
const STARTED_PER_LOOP = 20;

/** The HTTP API of one server, with the benchmark's session token (null: no accounts). */
export class Http {
  constructor(
    readonly base: string,
    readonly token: string | null,
  ) {
    assertLocal(base);
  }
  /** Signs in as the benchmark's admin (bench/lib/auth.ts). */
  static async signIn(base: string): Promise<Http> {
    return new Http(base, await signIn(base));
  }
  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/api${route}`, {
      method,
      headers: {
        'content-type': 'application/json',
        // A server with accounts takes the actor from the credential (and ignores the
        // header); one from before accounts takes it from the header.
        ...(this.token === null ? { 'X-Pullboard-Actor': 'bench' } : { authorization: `Bearer ${this.token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} -> ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
  board(): Promise<BoardSnapshot> {
    return this.request<BoardSnapshot>('GET', '/board');
  }
}

/** Builds the 1,000-card plant on an empty server; returns the number of cards. */
export async function buildPlant(base: string): Promise<number> {
  const http = await Http.signIn(base);
  const station = async (name: string, kind: Station['kind']) =>
    (await http.request<Station>('POST', '/stations', { name, kind }));
  const lanes = [
    await station('Supplier', 'supplier'),
    await station('Cutting', 'process'),
    await station('Machining', 'process'),
    await station('Welding', 'process'),
    await station('Assembly', 'process'),
    await station('Customer', 'customer'),
  ];
  let part = 100;
  for (let i = 0; i + 1 < lanes.length; i++) {
    for (let k = 0; k < 2; k++) {
      const { loop, cards } = await http.request<{ loop: Loop; cards: Card[] }>('POST', '/loops', {
        partNumber: `P-${part++}`,
        partName: `Part ${part} from ${lanes[i]!.name}`,
        supplierStationId: lanes[i]!.id,
        consumerStationId: lanes[i + 1]!.id,
        cardCount: PLANT_CARDS_PER_LOOP,
        containerQty: 10,
        leadTimeMinutes: 240,
      });
      const requested: Card[] = [];
      for (let c = 0; c < CONSUMED_PER_LOOP; c++) {
        requested.push((await http.request<{ card: Card }>('POST', `/loops/${loop.id}/consume`)).card);
      }
      for (const c of requested.slice(0, STARTED_PER_LOOP)) {
        await http.request('POST', `/cards/${c.id}/move`, { to: 'in_progress' });
      }
      if (cards.length !== PLANT_CARDS_PER_LOOP) throw new Error('loop created with the wrong card count');
    }
  }
  return (await http.board()).cards.length;
}

/** The lanes of a grown plant (growPlant): the same six as the 1,000-card plant's. */
const LANES: readonly (readonly [string, Station['kind']])[] = [
  ['Supplier', 'supplier'],
  ['Cutting', 'process'],
  ['Machining', 'process'],
  ['Welding', 'process'],
  ['Assembly', 'process'],
  ['Customer', 'customer'],
];

export interface GrowOptions {
  /** Cards of each new loop (at most 500, the API's bound). */
  cardsPerLoop: number;
  /** Commands in flight at once (the server commits those of one turn together). */
  concurrency: number;
  /** Gives up (throws) after this long. */
  budgetMs: number;
}

/** Runs `tasks` with at most `concurrency` of them at once; stops at the first failure. */
async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (failed === null && next < items.length) {
        const item = items[next++]!;
        try {
          await task(item);
        } catch (err) {
          failed ??= err;
        }
      }
    }),
  );
  if (failed !== null) throw failed instanceof Error ? failed : new Error(String(failed));
}

/**
 * Grows the plant on `base` (empty, or one grown before with the same `cardsPerLoop`)
 * to `cards` cards through the HTTP API, in the shape of the 1,000-card plant: the six
 * lanes (made if missing), loops of `cardsPerLoop` cards handed round the five pairs of
 * neighbouring lanes in turn, no WIP limits, no input loops; each new loop spread over
 * the columns as a running line would be (40 % of its cards consumed, half of those
 * started: 60 % Done, 20 % Requested, 20 % In Progress). Loops are worked on
 * `concurrency` at a time, each loop's commands in order. Returns the plant's card count.
 */
export async function growPlant(base: string, cards: number, opts: GrowOptions): Promise<{ cards: number; loops: number; stations: number }> {
  const deadline = performance.now() + opts.budgetMs;
  const http = await Http.signIn(base);
  const before = await http.board();
  const lanes: Station[] = [];
  for (const [name, kind] of LANES) {
    lanes.push(before.stations.find((s) => s.name === name) ?? (await http.request<Station>('POST', '/stations', { name, kind })));
  }
  const adding = cards - before.cards.length;
  if (adding < 0 || adding % opts.cardsPerLoop !== 0) {
    throw new Error(`cannot grow a plant of ${before.cards.length} cards to ${cards} with loops of ${opts.cardsPerLoop}`);
  }
  const consumed = Math.round(opts.cardsPerLoop * 0.4);
  const started = Math.round(opts.cardsPerLoop * 0.2);
  const newLoops = Array.from({ length: adding / opts.cardsPerLoop }, (_, k) => before.loops.length + k);
  await pool(newLoops, opts.concurrency, async (n) => {
    if (performance.now() > deadline) throw new Error(`growing the plant to ${cards} cards took longer than ${opts.budgetMs} ms`);
    const pair = n % (lanes.length - 1);
    const { loop, cards: made } = await http.request<{ loop: Loop; cards: Card[] }>('POST', '/loops', {
      partNumber: `G-${opts.cardsPerLoop}-${n + 1}`,
      partName: `Part ${n + 1} from ${lanes[pair]!.name}`,
      supplierStationId: lanes[pair]!.id,
      consumerStationId: lanes[pair + 1]!.id,
      cardCount: opts.cardsPerLoop,
      containerQty: 10,
      leadTimeMinutes: 240,
    });
    if (made.length !== opts.cardsPerLoop) throw new Error('loop created with the wrong card count');
    const requested: Card[] = [];
    for (let c = 0; c < consumed; c++) requested.push((await http.request<{ card: Card }>('POST', `/loops/${loop.id}/consume`)).card);
    for (const c of requested.slice(0, started)) await http.request('POST', `/cards/${c.id}/move`, { to: 'in_progress' });
  });
  const after = await http.board();
  return { cards: after.cards.length, loops: after.loops.length, stations: after.stations.length };
}

/** Copies a closed SQLite database (and its WAL, if any) to a new file. */
export function copyDatabase(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  for (const ext of ['-wal']) {
    if (fs.existsSync(from + ext)) fs.copyFileSync(from + ext, to + ext);
  }
}

/** Cards that can go back and forth In Progress <-> Done (finish / step back) forever. */
export interface Toggler {
  id: string;
  column: 'in_progress' | 'done';
  version: number;
}

/** Picks cards of the process lanes (In Progress ones first) to move back and forth. */
export function pickTogglers(board: BoardSnapshot, count: number): Toggler[] {
  const supplier = board.stations.find((s) => s.kind === 'supplier')?.id;
  const pool = board.cards.filter((c) => c.stationId !== supplier && (c.column === 'in_progress' || c.column === 'done'));
  pool.sort((a, b) => (a.column === b.column ? 0 : a.column === 'in_progress' ? -1 : 1));
  if (pool.length < count) throw new Error(`the plant has only ${pool.length} movable cards, ${count} needed`);
  // Spread over lanes: take every k-th card.
  const step = Math.max(1, Math.floor(pool.length / count));
  const out: Toggler[] = [];
  for (let i = 0; out.length < count && i < pool.length; i += step) {
    const c = pool[i]!;
    out.push({ id: c.id, column: c.column as Toggler['column'], version: c.version });
  }
  return out;
}

/** The socket payload the real client sends for a move (client/src/app/runtime.ts). */
export function movePayload(t: Toggler, key: string): { cardId: string; to: string; beforeCardId: null; expectedVersion: number; idempotencyKey: string } {
  return {
    cardId: t.id,
    to: t.column === 'in_progress' ? 'done' : 'in_progress',
    beforeCardId: null,
    expectedVersion: t.version,
    idempotencyKey: key,
  };
}

/** Updates a toggler from a move's ack. */
export function afterMove(t: Toggler, ack: unknown): void {
  const a = ack as { ok?: boolean; card?: Card; error?: unknown };
  if (!a.ok || !a.card) throw new Error(`move refused: ${JSON.stringify(a.error ?? a)}`);
  t.column = a.card.column as Toggler['column'];
  t.version = a.card.version;
}
