// Keeps the store in step with the server over one socket:
//   connect      -> board:subscribe: a snapshot first ('full'); once we have a board,
//                   {afterSeq: last applied seq, logId, changes: true} ('resume'), which
//                   the server answers with a change set (the current state of what
//                   changed since, shared/changes.ts), or with a snapshot when that is
//                   no larger or our seq is not one it can answer from (another log,
//                   too old). An `events` answer (what callers that do not opt in get)
//                   is applied too.
//   board:events -> applied strictly in seq order; a gap triggers a resubscribe
//   disconnect   -> "reconnecting", then "offline since ..." after a short grace
//   every 20 s   -> a resubscribe as a heartbeat: catches up anything missed and
//                   detects a link that looks open but is dead (then forces a reconnect)
//
// Commands go out in the order they were made, one at a time, and only once the
// (re)subscribe has brought the board up to date, so each is decided by the server on the
// board the screen is showing. Every command carries its idempotency key; after a drop it
// is sent again with the same key, and the server answers a repeat with its first answer
// without changing anything. So a tablet on flaky Wi-Fi neither loses nor doubles a move.
//
// Moves (`keep`) are never given up: while the screen is offline they wait (the store
// keeps them, on the device, as the outbox), and when the link is up but the server does
// not answer within `commandTimeoutMs`, the link is taken as dead and reconnected: the
// resubscribe and the resend follow. Dropping a move after a timeout would be wrong
// twice over: the server may well have applied it (only the answer was lost), and a
// physical move the operator made would vanish. Configuration commands from the lead's
// dialogs are different: a person waits for them at a form, so they are answered
// NO_ANSWER after `giveUpMs` and the form says so.
//
// The browser's online/offline events are hints (`hintOffline`, `hintOnline`): the socket
// state is the truth.
// The socket sits behind the small `SyncTransport` interface so tests drive it directly.
import { eventOf, parseAck } from '../../../shared/protocol.ts';
import type { Ack, CommandPayload, SubscribeAnswer, SubscribePayload } from '../../../shared/protocol.ts';
import type { CommandResults, CommandType, SocketCommandEvent } from '../../../shared/commands.ts';
import type { ApiError, BoardEvent } from '../../../shared/schemas.ts';
import { ErrorCode } from '../../../shared/names.ts';
import { ConnectionStatus, clientError } from '../store/store.ts';
import type { PullboardStore } from '../store/store.ts';
import type { PendingCommand } from '../store/optimistic.ts';
import { ClientErrorCode } from '../store/messages.ts';
import { tr } from '../i18n/store.ts';

/** What the sync logic needs from a socket; `null` answers mean "timed out". */
export interface SyncTransport {
  isConnected(): boolean;
  subscribe(payload: SubscribePayload, timeoutMs: number, cb: (res: Ack<SubscribeAnswer> | null) => void): void;
  /** Emits a command; `res` is the raw answer (read with `parseAck`), null on timeout. */
  command(event: SocketCommandEvent, payload: object, timeoutMs: number, cb: (res: unknown) => void): void;
  /** Drops the connection and opens a new one (a link that looks open but is dead). */
  reconnect(): void;
  listen(handlers: TransportHandlers): () => void;
}

export interface TransportHandlers {
  connect(): void;
  disconnect(reason: string): void;
  connectError(message: string): void;
  events(events: BoardEvent[]): void;
}

/** Answers that mean "nothing changed, try again later", not a refusal of the move. */
const TRANSIENT = new Set<string>([ErrorCode.INTERNAL, ErrorCode.SERVICE_UNAVAILABLE]);

export interface SyncOptions {
  subscribeTimeoutMs: number;
  /** No answer this long on an open link: the link is dead; reconnect and send again. */
  commandTimeoutMs: number;
  /** A configuration command (not `keep`) unanswered this long is answered NO_ANSWER. */
  giveUpMs: number;
  heartbeatMs: number;
  /** "reconnecting" turns into "offline" after this long without a connection. */
  offlineAfterMs: number;
  /** Optional check that the server's log has not been reset below our seq. */
  fetchLastSeq?: () => Promise<number | null>;
  now: () => number;
}

const defaultSyncOptions: SyncOptions = {
  subscribeTimeoutMs: 10_000,
  commandTimeoutMs: 10_000,
  giveUpMs: 30_000,
  heartbeatMs: 20_000,
  offlineAfterMs: 8_000,
  now: () => Date.now(),
};

export interface SendOptions {
  /** Keep sending until the server answers, however long it takes (moves). */
  keep?: boolean;
}

/** A command's answer as the queue sees it, and how to hand it to the caller. */
interface Answered {
  ack: Ack<object>;
  deliver: () => void;
}

interface QueuedCommand {
  event: SocketCommandEvent;
  payload: object;
  /** Reads the raw answer with the command's result schema; `deliver` resolves the caller. */
  answer: (raw: unknown) => Answered;
  /** Resolves the caller with a refusal made here (NO_ANSWER). */
  refuse: (error: ApiError) => void;
  /** Bumped when the link drops, so a late answer to an old attempt is ignored. */
  attempt: number;
  inFlight: boolean;
  done: boolean;
  giveUp: ReturnType<typeof setTimeout> | null;
  /** How many transient refusals (INTERNAL, SERVICE_UNAVAILABLE) it has had. */
  retries?: number;
}

type SubscribeMode = 'resume' | 'full' | 'heartbeat';

export class BoardSync {
  private readonly opts: SyncOptions;
  private subscribeToken = 0;
  private syncing = false;
  private buffer: BoardEvent[] = [];
  private queue: QueuedCommand[] = [];
  /** Connected and the board is up to date: commands may go. */
  private ready = false;
  /** Keys of outbox entries queued here (so a restore never queues one twice). */
  private readonly sent = new Set<string>();
  private offlineTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private commandRetryTimer: ReturnType<typeof setTimeout> | null = null;
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly store: PullboardStore,
    private readonly transport: SyncTransport,
    opts: Partial<SyncOptions> = {},
  ) {
    this.opts = { ...defaultSyncOptions, ...opts };
  }

  start(): void {
    this.unlisten = this.transport.listen({
      connect: () => this.onConnect(),
      disconnect: () => this.onDisconnect(),
      connectError: () => this.onDisconnect(),
      events: (events) => this.onEvents(events),
    });
    this.markNotLive();
    this.heartbeat = setInterval(() => this.onHeartbeat(), this.opts.heartbeatMs);
    if (this.transport.isConnected()) this.onConnect();
  }

  stop(): void {
    this.unlisten?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.commandRetryTimer) clearTimeout(this.commandRetryTimer);
    for (const q of this.queue) if (q.giveUp) clearTimeout(q.giveUp);
    this.queue = [];
    this.ready = false;
  }

  /** The screen is offline now: said at once instead of after the grace. */
  markOffline(): void {
    const c = this.store.getState().connection;
    this.store.getState().setConnection({
      status: ConnectionStatus.OFFLINE,
      since: c.since ?? this.opts.now(),
    });
  }

  /**
   * The browser says the network is gone. Only a hint: with the socket down, say
   * offline now; with the socket still open, check the link at once (a dead link fails
   * the check and is reconnected) instead of trusting either side blindly.
   */
  hintOffline(): void {
    if (!this.transport.isConnected()) {
      this.markOffline();
      return;
    }
    if (!this.syncing && this.store.getState().hasBoard) this.subscribe('heartbeat');
  }

  /** The browser says the network is back: try now instead of waiting out the back-off. */
  hintOnline(): void {
    if (!this.transport.isConnected()) this.transport.reconnect();
  }

  /** Commands sent or waiting to be sent (answered ones are gone). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues a command; resolves with the server's answer. With `keep` it resolves only
   * with a real answer; without, a NO_ANSWER refusal after `giveUpMs`.
   */
  send<K extends CommandType>(
    type: K,
    payload: CommandPayload<K>,
    options: SendOptions = {},
  ): Promise<Ack<CommandResults[K]>> {
    return new Promise((resolve) => {
      const q: QueuedCommand = {
        event: eventOf(type),
        payload,
        answer: (raw) => {
          const ack = parseAck(type, raw);
          return { ack, deliver: () => resolve(ack) };
        },
        refuse: (error) => resolve({ ok: false, error }),
        attempt: 0,
        inFlight: false,
        done: false,
        giveUp: null,
      };
      if (!options.keep) {
        q.giveUp = setTimeout(() => {
          q.attempt++; // an answer that comes after all is ignored
          this.finish(q, () => q.refuse(clientError(ClientErrorCode.NO_ANSWER, tr()('session.noAnswer'))));
        }, this.opts.giveUpMs);
      }
      this.queue.push(q);
      this.pump();
    });
  }

  /**
   * Sends one outbox entry (a move) until the server answers, then settles it in the
   * store: ok -> the server's event takes over; refused -> rolled back and reported.
   */
  sendPending(p: PendingCommand): Promise<Ack<{ seq?: number }>> {
    this.sent.add(p.key);
    return this.send(p.command.type, p.payload, { keep: true }).then((ack) => {
      this.sent.delete(p.key);
      const a = ack as Ack<{ seq?: number }>;
      this.store.getState().settleCommand(p.key, a);
      return a;
    });
  }

  /** Queues every unanswered outbox entry not queued yet, oldest first (after a restore). */
  sendOutbox(): void {
    for (const p of this.store.getState().pending) {
      if (p.ackSeq === null && !this.sent.has(p.key)) void this.sendPending(p);
    }
  }

  // ---------------------------------------------------------------- connection

  private onConnect(): void {
    // Commands wait for this subscribe: the ones interrupted by the drop then go again
    // with the same idempotency key (see `pump`).
    this.ready = false;
    this.subscribe(this.store.getState().hasBoard ? 'resume' : 'full');
  }

  private onDisconnect(): void {
    this.subscribeToken++; // an answer to a subscribe sent on the old link is void
    this.syncing = false;
    this.ready = false;
    this.buffer = [];
    for (const q of this.queue) {
      q.attempt++;
      q.inFlight = false;
    }
    this.markNotLive();
  }

  private markNotLive(): void {
    const { connection, setConnection } = this.store.getState();
    if (connection.status === ConnectionStatus.OFFLINE) return;
    setConnection({
      status: ConnectionStatus.RECONNECTING,
      since: connection.since ?? this.opts.now(),
      syncing: false,
    });
    // The grace runs from when the link was lost, not from the latest failed retry.
    if (this.offlineTimer) return;
    this.offlineTimer = setTimeout(() => {
      this.offlineTimer = null;
      if (this.store.getState().connection.status !== ConnectionStatus.LIVE) this.markOffline();
    }, this.opts.offlineAfterMs);
  }

  private markLive(): void {
    if (this.offlineTimer) {
      clearTimeout(this.offlineTimer);
      this.offlineTimer = null;
    }
    this.store.getState().setConnection({
      status: ConnectionStatus.LIVE,
      since: null,
      lastSyncAt: this.opts.now(),
      syncing: false,
    });
  }

  private onHeartbeat(): void {
    if (!this.transport.isConnected() || this.syncing || !this.store.getState().hasBoard) return;
    this.subscribe('heartbeat');
  }

  // ---------------------------------------------------------------- subscription

  private subscribe(mode: SubscribeMode): void {
    if (!this.transport.isConnected()) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const token = ++this.subscribeToken;
    const state = this.store.getState();
    const logId = state.connection.logId;
    const payload: SubscribePayload =
      mode === 'full' || !state.hasBoard
        ? {}
        : { afterSeq: state.confirmed.seq, ...(logId !== null ? { logId } : {}), changes: true };
    this.syncing = true;
    if (mode !== 'heartbeat') state.setConnection({ syncing: true });
    this.transport.subscribe(payload, this.opts.subscribeTimeoutMs, (res) => {
      if (token !== this.subscribeToken) return; // superseded or the link dropped
      if (res === null) {
        // No answer on a link that claims to be open: treat it as dead.
        this.syncing = false;
        this.markNotLive();
        this.transport.reconnect();
        return;
      }
      if (!res.ok) {
        this.syncing = false;
        this.markNotLive(); // not in step with the server: never show "Live" then
        this.store.getState().pushAlert('error', tr()('session.couldNotLoad', { message: res.error.message }));
        this.retryTimer = setTimeout(() => this.subscribe('full'), 3_000);
        return;
      }
      if (res.logId !== undefined) this.store.getState().setConnection({ logId: res.logId });
      if ('snapshot' in res) {
        this.store.getState().loadSnapshot(res.snapshot);
      } else if ('changes' in res) {
        const r = this.store.getState().receiveChanges(res.changes);
        if (r.gap) {
          // Changes from a seq this board is not at (never expected): start again.
          this.subscribe('full');
          return;
        }
        if (mode === 'resume' && res.changes.seq === res.changes.fromSeq) this.checkServerLog(token);
      } else {
        const r = this.store.getState().receiveEvents(res.events);
        if (r.gap) {
          // The server skipped seqs it no longer keeps: start again from a snapshot.
          this.subscribe('full');
          return;
        }
        if (mode === 'resume' && res.events.length === 0) this.checkServerLog(token);
      }
      this.syncing = false;
      const buffered = this.buffer;
      this.buffer = [];
      const r = this.store.getState().receiveEvents(buffered);
      if (r.gap) {
        this.subscribe('resume');
        return;
      }
      this.markLive();
      this.ready = true;
      this.pump();
    });
  }

  /** A restarted server with a fresh log would answer "nothing new"; catch that case. */
  private checkServerLog(token: number): void {
    const fetchLastSeq = this.opts.fetchLastSeq;
    if (!fetchLastSeq) return;
    const ours = this.store.getState().confirmed.seq;
    fetchLastSeq().then(
      (lastSeq) => {
        if (token === this.subscribeToken && lastSeq !== null && lastSeq < ours) this.subscribe('full');
      },
      () => undefined,
    );
  }

  private onEvents(events: BoardEvent[]): void {
    if (this.syncing || !this.store.getState().hasBoard) {
      this.buffer.push(...events);
      return;
    }
    const r = this.store.getState().receiveEvents(events);
    if (r.gap) this.subscribe('resume');
    else if (r.applied > 0) this.store.getState().setConnection({ lastSyncAt: this.opts.now() });
  }

  // ---------------------------------------------------------------- commands

  /** Sends the oldest waiting command, if the link is ready and nothing is in flight. */
  private pump(): void {
    if (!this.ready || !this.transport.isConnected()) return;
    const head = this.queue[0];
    if (head && !head.inFlight) this.emit(head);
  }

  private emit(q: QueuedCommand): void {
    const attempt = q.attempt;
    q.inFlight = true;
    this.transport.command(q.event, q.payload, this.opts.commandTimeoutMs, (raw) => {
      if (q.done || attempt !== q.attempt) return;
      q.inFlight = false;
      const res = raw === null ? null : q.answer(raw);
      if (res !== null && !res.ack.ok && q.giveUp === null && TRANSIENT.has(res.ack.error.code)) {
        // The server said nothing was changed but could not run it now (shutting down,
        // a failed commit): a kept move is not a refusal. Send it again with the same
        // key after a short back-off, or after the reconnect if the link drops.
        q.attempt++;
        q.retries = (q.retries ?? 0) + 1;
        const delay = Math.min(10_000, 500 * 2 ** Math.min(q.retries - 1, 5));
        if (this.commandRetryTimer) clearTimeout(this.commandRetryTimer);
        this.commandRetryTimer = setTimeout(() => {
          this.commandRetryTimer = null;
          this.pump();
        }, delay);
        return;
      }
      if (res !== null) {
        this.finish(q, res.deliver);
        return;
      }
      // An open link and no answer: it is dead (or the server is stuck). Reconnect; the
      // resubscribe and then this command, with the same key, follow.
      q.attempt++;
      if (this.transport.isConnected()) {
        this.ready = false;
        this.transport.reconnect();
      }
    });
  }

  private finish(q: QueuedCommand, deliver: () => void): void {
    if (q.done) return;
    q.done = true;
    if (q.giveUp) clearTimeout(q.giveUp);
    this.queue = this.queue.filter((x) => x !== q);
    deliver();
    this.pump();
  }
}
