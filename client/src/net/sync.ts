// Keeps the store in step with the server over one socket:
//   connect      -> board:subscribe (afterSeq = last applied seq once we have a board)
//   board:events -> applied strictly in seq order; a gap triggers a resubscribe
//   disconnect   -> "reconnecting", then "offline since ..." after a short grace
//   every 20 s   -> a resubscribe as a heartbeat: catches up anything missed and
//                   detects a link that looks open but is dead (then forces a reconnect)
// Commands are queued with their idempotency key and re-sent after a reconnect until the
// server answers, so a tablet on flaky Wi-Fi neither loses nor doubles a move.
// The socket sits behind the small `SyncTransport` interface so tests drive it directly.
import type {
  Ack,
  SocketCommandEvent,
  SocketCommandPayload,
  SocketCommandResults,
  SubscribePayload,
  SubscribeResult,
} from '../../../shared/protocol.ts';
import type { BoardEvent } from '../../../shared/schemas.ts';
import { ConnectionStatus, clientError } from '../store/store.ts';
import type { PullboardStore } from '../store/store.ts';
import { ClientErrorCode } from '../store/messages.ts';

/** What the sync logic needs from a socket; `null` answers mean "timed out". */
export interface SyncTransport {
  isConnected(): boolean;
  subscribe(payload: SubscribePayload, timeoutMs: number, cb: (res: Ack<SubscribeResult> | null) => void): void;
  command<E extends SocketCommandEvent>(
    event: E,
    payload: SocketCommandPayload<E>,
    timeoutMs: number,
    cb: (res: Ack<SocketCommandResults[E]> | null) => void,
  ): void;
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

export interface SyncOptions {
  subscribeTimeoutMs: number;
  commandTimeoutMs: number;
  /** A command unanswered this long is rolled back with a "not saved" message. */
  giveUpMs: number;
  heartbeatMs: number;
  /** "reconnecting" turns into "offline" after this long without a connection. */
  offlineAfterMs: number;
  /** Optional check that the server's log has not been reset below our seq. */
  fetchLastSeq?: () => Promise<number | null>;
  now: () => number;
}

export const defaultSyncOptions: SyncOptions = {
  subscribeTimeoutMs: 10_000,
  commandTimeoutMs: 10_000,
  giveUpMs: 30_000,
  heartbeatMs: 20_000,
  offlineAfterMs: 8_000,
  now: () => Date.now(),
};

interface QueuedCommand {
  event: SocketCommandEvent;
  payload: SocketCommandPayload<SocketCommandEvent>;
  resolve: (ack: Ack<Record<string, unknown>>) => void;
  /** Bumped when the link drops, so a late answer to an old attempt is ignored. */
  attempt: number;
  inFlight: boolean;
  done: boolean;
  giveUp: ReturnType<typeof setTimeout>;
}

type SubscribeMode = 'resume' | 'full' | 'heartbeat';

export class BoardSync {
  private readonly opts: SyncOptions;
  private subscribeToken = 0;
  private syncing = false;
  private buffer: BoardEvent[] = [];
  private queue: QueuedCommand[] = [];
  private offlineTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
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
    for (const q of this.queue) clearTimeout(q.giveUp);
    this.queue = [];
  }

  /** The browser says the network is gone: say so now instead of after the grace. */
  markOffline(): void {
    const c = this.store.getState().connection;
    this.store.getState().setConnection({
      status: ConnectionStatus.OFFLINE,
      since: c.since ?? this.opts.now(),
    });
  }

  /** Sends a command; resolves with the server's answer or a NO_ANSWER refusal. */
  send<E extends SocketCommandEvent>(
    event: E,
    payload: SocketCommandPayload<E>,
  ): Promise<Ack<SocketCommandResults[E]>> {
    return new Promise((resolve) => {
      const q: QueuedCommand = {
        event,
        payload,
        resolve: resolve as QueuedCommand['resolve'],
        attempt: 0,
        inFlight: false,
        done: false,
        giveUp: setTimeout(() => {
          this.finish(q, {
            ok: false,
            error: clientError(ClientErrorCode.NO_ANSWER, 'No answer from the server'),
          });
        }, this.opts.giveUpMs),
      };
      this.queue.push(q);
      if (this.transport.isConnected()) this.emit(q);
    });
  }

  // ---------------------------------------------------------------- connection

  private onConnect(): void {
    this.subscribe(this.store.getState().hasBoard ? 'resume' : 'full');
    // Commands interrupted by the drop go again with the same idempotency key: the
    // server answers a repeat with its first answer and changes nothing.
    for (const q of this.queue) if (!q.inFlight && !q.done) this.emit(q);
  }

  private onDisconnect(): void {
    this.subscribeToken++; // an answer to a subscribe sent on the old link is void
    this.syncing = false;
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
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
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
    const payload: SubscribePayload =
      mode === 'full' || !state.hasBoard ? {} : { afterSeq: state.confirmed.seq };
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
        this.store.getState().pushAlert('error', `Could not load the board: ${res.error.message}`);
        this.retryTimer = setTimeout(() => this.subscribe('full'), 3_000);
        return;
      }
      if ('snapshot' in res) {
        this.store.getState().loadSnapshot(res.snapshot);
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
    });
  }

  /** A restarted server with a fresh log would answer "no events"; catch that case. */
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

  private emit(q: QueuedCommand): void {
    const attempt = q.attempt;
    q.inFlight = true;
    this.transport.command(q.event, q.payload, this.opts.commandTimeoutMs, (res) => {
      if (q.done || attempt !== q.attempt) return;
      q.inFlight = false;
      if (res !== null) {
        this.finish(q, res as Ack<Record<string, unknown>>);
        return;
      }
      q.attempt++;
      if (this.transport.isConnected()) this.emit(q);
    });
  }

  private finish(q: QueuedCommand, ack: Ack<Record<string, unknown>>): void {
    if (q.done) return;
    q.done = true;
    clearTimeout(q.giveUp);
    this.queue = this.queue.filter((x) => x !== q);
    q.resolve(ack);
  }
}
