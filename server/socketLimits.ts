// Bounds on what one screen, or one address, can make the socket server do and hold:
// connections per address, `board:subscribe` requests per socket and per address, and
// bytes queued for a socket that does not take them (a slow consumer). The settings and
// their environment variables are here; socket.ts applies them.
import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { DomainError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/names.ts';

export interface SocketLimits {
  /** Sockets one address may have open at once; the next handshake is refused. */
  maxConnectionsPerAddress: number;
  /** `board:subscribe` requests one socket may send per minute. */
  subscribesPerMinute: number;
  /** `board:subscribe` requests all sockets of one address may send per minute. */
  subscribesPerMinutePerAddress: number;
  /**
   * Bytes a socket may have waiting to be sent beyond one snapshot of the board; past
   * that it is disconnected (it reconnects and catches up).
   */
  maxSendBufferBytes: number;
}

/**
 * A plant's tablets may all sit behind one NAT address, so the per-address figures are
 * generous. Pullboard's own screens send about four subscribes a minute (one on connect,
 * then one every 20 s as a heartbeat), and a screen that reconnects gets a new socket.
 */
export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxConnectionsPerAddress: 200,
  subscribesPerMinute: 60,
  subscribesPerMinutePerAddress: 6 * 200,
  maxSendBufferBytes: 8 * 1024 * 1024,
};

/** The limits with the defaults filled in; the per-address subscribe rate follows the connection cap unless given. */
export function socketLimits(given: Partial<SocketLimits> = {}): SocketLimits {
  const maxConnectionsPerAddress = given.maxConnectionsPerAddress ?? DEFAULT_SOCKET_LIMITS.maxConnectionsPerAddress;
  return {
    maxConnectionsPerAddress,
    subscribesPerMinute: given.subscribesPerMinute ?? DEFAULT_SOCKET_LIMITS.subscribesPerMinute,
    subscribesPerMinutePerAddress: given.subscribesPerMinutePerAddress ?? 6 * maxConnectionsPerAddress,
    maxSendBufferBytes: given.maxSendBufferBytes ?? DEFAULT_SOCKET_LIMITS.maxSendBufferBytes,
  };
}

const count = (max: number) => z.coerce.number().int().min(1).max(max).optional();

const Env = z.object({
  PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS: count(1_000_000),
  PULLBOARD_SUBSCRIBES_PER_MINUTE: count(1_000_000),
  PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS: count(100_000_000),
  PULLBOARD_MAX_SEND_BUFFER_MB: z.coerce.number().positive().max(64 * 1024).optional(),
});

/** The socket limits set in the environment (unset ones take their defaults); bad values refuse to start. */
export function readSocketLimits(env: NodeJS.ProcessEnv = process.env): SocketLimits {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  const e = r.data;
  return socketLimits({
    ...(e.PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS !== undefined && { maxConnectionsPerAddress: e.PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS }),
    ...(e.PULLBOARD_SUBSCRIBES_PER_MINUTE !== undefined && { subscribesPerMinute: e.PULLBOARD_SUBSCRIBES_PER_MINUTE }),
    ...(e.PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS !== undefined && {
      subscribesPerMinutePerAddress: e.PULLBOARD_SUBSCRIBES_PER_MINUTE_PER_ADDRESS,
    }),
    ...(e.PULLBOARD_MAX_SEND_BUFFER_MB !== undefined && { maxSendBufferBytes: Math.round(e.PULLBOARD_MAX_SEND_BUFFER_MB * 1024 * 1024) }),
  });
}

// ---------------------------------------------------------------- the client's address

/** Whether the hop at `i` (0 = the peer of the TCP connection) is a trusted proxy. */
export type TrustProxy = (address: string, i: number) => boolean;

/**
 * The client's address as Express's `req.ip` reads it (proxy-addr): the TCP peer, or,
 * through trusted proxies, the X-Forwarded-For entry before the first untrusted hop.
 * Behind the plant's HTTPS proxy every socket would otherwise share the proxy's address.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const hops = [req.socket.remoteAddress ?? 'unknown'];
  const header = req.headers['x-forwarded-for'];
  const forwarded = Array.isArray(header) ? header.join(',') : (header ?? '');
  if (forwarded !== '') {
    const list = forwarded.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (let i = list.length - 1; i >= 0; i--) hops.push(list[i]!);
  }
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i]!, i)) i++;
  return hops[i]!;
}

/** Express's compiled `trust proxy` setting as a typed function (trust nobody when it is not one). */
export function trustOf(compiled: unknown): TrustProxy {
  if (typeof compiled !== 'function') return () => false;
  return (address, i) => Reflect.apply(compiled, undefined, [address, i]) === true;
}

// ---------------------------------------------------------------- connections per address

/** Open sockets per address. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /**
   * Takes a place for `address`, or refuses with RATE_LIMITED when it has `max` already.
   * Returns the function that gives the place back (it may be called more than once).
   */
  take(address: string): () => void {
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `Too many connections from ${address} (at most ${this.max} per address): close some screens, or ask the administrator to raise PULLBOARD_MAX_CONNECTIONS_PER_ADDRESS`,
        { address, maxConnections: this.max, retryAfterSeconds: 5 },
      );
    }
    this.open.set(address, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }

  /** Sockets open for `address` (tests and diagnostics). */
  of(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

// ---------------------------------------------------------------- subscribe rate

/** `board:subscribe` requests per socket and per address (rate-limiter-flexible, in memory). */
export class SubscribeLimiter {
  private readonly bySocket: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(limits: SocketLimits) {
    this.bySocket = new RateLimiterMemory({ keyPrefix: 'subscribe-socket', points: limits.subscribesPerMinute, duration: 60 });
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'subscribe-address', points: limits.subscribesPerMinutePerAddress, duration: 60 });
  }

  /** Counts one request; throws RATE_LIMITED (with `retryAfterSeconds`) over either limit. */
  async take(socketId: string, address: string): Promise<void> {
    const mine = await consumed(this.bySocket, socketId);
    if (mine !== null) throw limited(`Too many board requests from this screen: try again in ${seconds(mine)} s`, mine);
    const theirs = await consumed(this.byAddress, address);
    if (theirs !== null) throw limited(`Too many board requests from ${address}: try again in ${seconds(theirs)} s`, theirs);
  }

  /** Forgets a socket that is gone. */
  forget(socketId: string): void {
    void this.bySocket.delete(socketId);
  }
}

/** Consumes a point; the limiter's answer when it was over the limit, else null. */
async function consumed(limiter: RateLimiterMemory, key: string): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}

const seconds = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000));

function limited(message: string, r: RateLimiterRes): DomainError {
  return new DomainError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds: seconds(r) });
}

// ---------------------------------------------------------------- slow consumers

/** What socket.ts needs of a Socket.IO socket's engine.io connection. */
export interface EngineConnection {
  readonly transport: object;
}

/**
 * Bytes waiting to go out on a connection: the messages engine.io holds while its
 * transport is busy (`writeBuffer`) plus what the WebSocket has handed to the TCP socket
 * and the kernel has not taken yet (ws `bufferedAmount`). Neither is in engine.io's typed
 * surface (both are private members of its Socket and WebSocket transport, stable across
 * engine.io 6.x), so they are read by name and checked; server/flood.test.ts fails if
 * an upgrade renames them.
 */
export function queuedBytes(conn: EngineConnection): number {
  let bytes = 0;
  const pending: unknown = Reflect.get(conn, 'writeBuffer');
  if (Array.isArray(pending)) {
    for (const packet of pending) {
      const data: unknown = typeof packet === 'object' && packet !== null ? Reflect.get(packet, 'data') : undefined;
      if (typeof data === 'string') bytes += data.length;
      else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
    }
  }
  const ws = webSocketOf(conn);
  if (ws !== null) {
    const buffered: unknown = Reflect.get(ws, 'bufferedAmount');
    if (typeof buffered === 'number') bytes += buffered;
  }
  return bytes;
}

/** The `ws` WebSocket under a WebSocket transport, or null (polling). */
function webSocketOf(conn: EngineConnection): object | null {
  const ws: unknown = Reflect.get(conn.transport, 'socket');
  return typeof ws === 'object' && ws !== null ? ws : null;
}

/**
 * Closes the TCP connection under a WebSocket transport at once, dropping what is
 * queued for it (a graceful close would sit behind those bytes for up to 30 s). A
 * polling transport has nothing of its own to drop; engine.io empties its buffer on close.
 */
export function dropConnection(conn: EngineConnection): void {
  const ws = webSocketOf(conn);
  const terminate: unknown = ws === null ? undefined : Reflect.get(ws, 'terminate');
  if (typeof terminate === 'function') Reflect.apply(terminate, ws, []);
}
