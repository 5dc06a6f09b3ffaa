// Test doubles for the sync and outbox tests (not part of the app bundle):
//   FakeTransport  a socket stand-in that records what was sent; the test answers,
//                  drops and reopens the link, or lets a PlantServer answer
//   PlantServer    answers like the real server: subscribe (snapshot, replay after a
//                  seq, or the change set since it when asked for `changes`), commands
//                  decided by the shared rules, every idempotency key remembered with
//                  its first answer, events broadcast before the ack
//   MemoryStorage  a localStorage stand-in that can be made to refuse writes
import { snapshotOf } from '../../../shared/board.ts';
import { boardObjectCount, changesSince, objectCount, smallerThanSnapshot } from '../../../shared/changes.ts';
import { DomainError, validationError } from '../../../shared/errors.ts';
import type { Ack, SubscribeAnswer, SubscribePayload } from '../../../shared/protocol.ts';
import type { BoardEvent } from '../../../shared/schemas.ts';
import { commandTypeOfEvent, parseCommand } from '../../../shared/commands.ts';
import type { RulesPlant } from '../../../shared/testPlant.ts';
import type { KeyValueStorage } from '../store/outbox.ts';
import type { SyncTransport, TransportHandlers } from './sync.ts';

export type SubscribeCall = {
  payload: SubscribePayload;
  answered: boolean;
  answer: (res: Ack<SubscribeAnswer> | null) => void;
};
export type CommandCall = {
  event: string;
  payload: Record<string, unknown>;
  answered: boolean;
  answer: (res: unknown) => void;
};

export class FakeTransport implements SyncTransport {
  connected = false;
  subscribes: SubscribeCall[] = [];
  commands: CommandCall[] = [];
  reconnects = 0;
  private h: TransportHandlers | null = null;

  isConnected() {
    return this.connected;
  }
  subscribe(payload: SubscribePayload, _t: number, cb: (res: Ack<SubscribeAnswer> | null) => void) {
    const call: SubscribeCall = {
      payload,
      answered: false,
      answer: (res) => {
        call.answered = true;
        cb(res);
      },
    };
    this.subscribes.push(call);
  }
  command(event: string, payload: unknown, _t: number, cb: (res: never) => void) {
    const call: CommandCall = {
      event,
      payload: payload as Record<string, unknown>,
      answered: false,
      answer: (res) => {
        call.answered = true;
        (cb as (r: unknown) => void)(res);
      },
    };
    this.commands.push(call);
  }
  reconnect() {
    this.reconnects++;
    this.drop();
  }
  listen(h: TransportHandlers) {
    this.h = h;
    return () => {
      this.h = null;
    };
  }
  open() {
    this.connected = true;
    this.h?.connect();
  }
  drop() {
    this.connected = false;
    this.h?.disconnect('transport close');
  }
  push(events: BoardEvent[]) {
    this.h?.events(events);
  }
  lastSubscribe(): SubscribeCall {
    const s = this.subscribes.at(-1);
    if (!s) throw new Error('no subscribe sent');
    return s;
  }
  /** Commands sent but not answered (normally at most one: they go one at a time). */
  inFlight(): CommandCall[] {
    return this.commands.filter((c) => !c.answered);
  }

  /**
   * Lets `server` answer everything sent (and whatever that sends next) until nothing
   * is left unanswered. Answers to calls made on an old link are void anyway.
   */
  serve(server: PlantServer): void {
    for (let guard = 0; guard < 1_000; guard++) {
      const sub = this.subscribes.find((s) => !s.answered);
      if (sub) {
        sub.answer(server.subscribe(sub.payload));
        continue;
      }
      const cmd = this.commands.find((c) => !c.answered);
      if (!cmd) return;
      const out = server.command(cmd.event, cmd.payload);
      if (out.events.length > 0) this.push(out.events); // broadcast first, as the server does
      cmd.answer(out.ack);
    }
    throw new Error('serve: the client keeps sending');
  }
}

/** The server's behaviour over a shared-rules RulesPlant (what server/service.ts does). */
export class PlantServer {
  /** Idempotency key -> first answer. */
  readonly answers = new Map<string, Ack<Record<string, unknown>>>();
  /** Keys whose command actually ran (a repeat does not run again). */
  readonly ran: string[] = [];

  constructor(readonly plant: RulesPlant) {}

  subscribe(payload: SubscribePayload): Ack<SubscribeAnswer> {
    const state = this.plant.state;
    const after = payload.afterSeq;
    if (after === undefined || after > state.seq) return { ok: true, snapshot: snapshotOf(state) };
    if (!payload.changes) return { ok: true, events: this.plant.log.filter((e) => e.seq > after) };
    const changes = changesSince(after, this.plant.log, state);
    if (!smallerThanSnapshot(objectCount(changes), boardObjectCount(state))) return { ok: true, snapshot: snapshotOf(state) };
    return { ok: true, changes };
  }

  command(event: string, payload: Record<string, unknown>): { ack: Ack<Record<string, unknown>>; events: BoardEvent[] } {
    const { idempotencyKey, ...fields } = payload;
    const key = typeof idempotencyKey === 'string' ? idempotencyKey : null;
    const seen = key === null ? undefined : this.answers.get(key);
    if (seen) return { ack: seen, events: [] };
    const type = commandTypeOfEvent(event);
    if (!type) throw new Error(`PlantServer: no command for ${event}`);
    const mark = this.plant.log.length;
    let ack: Ack<Record<string, unknown>>;
    try {
      const parsed = parseCommand(type, fields);
      if (!parsed.success) throw validationError(parsed.error.issues);
      const d = this.plant.run(parsed.command);
      ack = { ok: true, ...d.result };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ack = { ok: false, error: err.toJSON() };
    }
    if (key !== null) {
      this.answers.set(key, ack);
      this.ran.push(key);
    }
    return { ack, events: this.plant.log.slice(mark) };
  }
}

/** localStorage in memory; `refuse` makes writes throw as a full storage does. */
export class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  /** Keys written, in order. */
  readonly writes: string[] = [];
  refuse: ((key: string, value: string) => boolean) | null = null;
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.refuse?.(key, value)) throw new Error('QuotaExceededError');
    this.writes.push(key);
    this.data.set(key, String(value));
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
  json(key: string): any {
    const raw = this.data.get(key);
    return raw === undefined ? null : JSON.parse(raw);
  }
}
