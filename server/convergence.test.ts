// Many socket clients, some cut off while hundreds of events happen: each keeps a
// replica with the shared reducer, resubscribes with the last seq it applied after a
// reconnect (or a gap), and in the end every replica equals the server's board at the
// server's last seq. Localhost only; the stream of commands is bounded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, boardFromSnapshot, emptyBoard, snapshotOf } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import { Column } from '../shared/names.ts';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeResult, Ack } from '../shared/protocol.ts';
import type { BoardEvent, BoardSnapshot, Card } from '../shared/schemas.ts';
import { createApp } from './app.ts';
import { authHeader, signIn, TEST_ADMIN_PASSWORD, tokenFor } from './testing/harness.ts';
import type { App } from './app.ts';
import { silentLogger } from './logger.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What every screen does: snapshot, then events strictly in seq order, replay on gaps. */
class Replica {
  state: BoardState = emptyBoard;
  resubscribes = 0;
  private syncing = false;
  /** Events that arrive while a subscribe is in flight; applied after its answer. */
  private buffered: BoardEvent[] = [];
  constructor(readonly socket: ClientSocket) {
    socket.on('connect', () => void this.subscribe());
    socket.on('board:events', (events) => this.receive(events));
  }
  private receive(events: BoardEvent[]): void {
    if (this.syncing) {
      // Several frames can arrive in one tick, before the ack's continuation runs:
      // keep them, they may be newer than the answer.
      this.buffered.push(...events);
      return;
    }
    for (const e of events) {
      if (e.seq <= this.state.seq) continue;
      if (e.seq !== this.state.seq + 1) {
        void this.subscribe();
        return;
      }
      this.state = applyEvent(this.state, e);
    }
  }
  async subscribe(): Promise<void> {
    this.syncing = true;
    this.resubscribes++;
    const payload = this.state.seq > 0 ? { afterSeq: this.state.seq } : {};
    let res: Ack<SubscribeResult>;
    try {
      res = (await this.socket.timeout(10_000).emitWithAck('board:subscribe', payload)) as Ack<SubscribeResult>;
    } catch {
      // Cut off mid-request: the next 'connect' subscribes again.
      this.syncing = false;
      this.buffered = [];
      return;
    }
    this.syncing = false;
    if (!res.ok) throw new Error(res.error.message);
    if ('snapshot' in res) this.state = boardFromSnapshot(res.snapshot);
    else for (const e of res.events) if (e.seq === this.state.seq + 1) this.state = applyEvent(this.state, e);
    const later = this.buffered.splice(0);
    this.receive(later);
  }
}

let debugState = () => '';
let app: App;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-conv-'));
  app = createApp({ dbFile: path.join(dir, 'b.db'), seed: 'demo', staticDir: null, logger: silentLogger, adminPassword: TEST_ADMIN_PASSWORD });
  url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
  await signIn(url);
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}: ${debugState()}`);
};

describe('many clients with flaky connections', () => {
  it('all end with the identical board and the same last seq as the server', async () => {
    const N = 40;
    const replicas: Replica[] = [];
    for (let i = 0; i < N; i++) {
      const socket: ClientSocket = connect(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 20,
        reconnectionDelayMax: 100,
        auth: { actor: `screen-${i}`, token: tokenFor(url) },
      });
      replicas.push(new Replica(socket));
    }
    debugState = () => `server ${app.service.seq}; ${replicas.map((r) => `${r.state.seq}/${r.socket.connected}/${r.resubscribes}`).join(' ')}`;
    await until(() => replicas.every((r) => r.state.seq === app.service.seq), 'initial snapshots');

    // A driver makes hundreds of events over its own socket: the pull cycle on the
    // finished-goods loop (use, start with its cascade, finish) and reorders elsewhere.
    const driver: ClientSocket = connect(url, { transports: ['websocket'], forceNew: true, auth: { actor: 'driver', token: tokenFor(url) } });
    await until(() => driver.connected, 'driver');
    const snap = (await (await fetch(`${url}/api/board`, { headers: authHeader(url) })).json()) as BoardSnapshot;
    const supplierCards = snap.cards.filter((c) => c.column === Column.DONE && c.stationId === snap.stations[0]!.id);
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const card: Card = supplierCards[i % supplierCards.length]!;
      const res = await driver.timeout(10_000).emitWithAck('card:move', { cardId: card.id, to: Column.DONE });
      if (res.ok) accepted++;
      // Cut a few clients off at the transport (as Wi-Fi does) now and then.
      if (i % 25 === 5) {
        for (let k = 0; k < 6; k++) replicas[(i + k * 7) % N]!.socket.io.engine.close();
      }
    }
    expect(accepted).toBe(300);

    await until(() => replicas.every((r) => r.state.seq === app.service.seq), 'every replica to catch up');
    const truth = app.service.snapshot();
    for (const r of replicas) expect(snapshotOf(r.state)).toEqual(truth);
    // The cuts really happened: some replicas had to resubscribe after their first subscribe.
    expect(replicas.filter((r) => r.resubscribes > 1).length).toBeGreaterThan(0);

    driver.close();
    for (const r of replicas) r.socket.close();
  });
});
