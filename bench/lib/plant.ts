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
