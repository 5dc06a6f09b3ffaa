// Socket.IO and raw ws clients of the load generator. Every client connects to
// 127.0.0.1 only, over the websocket transport, as its own connection (forceNew), and
// never reconnects on its own: a dropped client is a failed run, not a silent retry.
// Clients of a Pullboard server carry the benchmark's session token in the handshake
// (bench/lib/auth.ts); clients of the baselines (relays) carry none.
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { withTimeout } from './stats.ts';

export type AnySocket = Socket;

export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`benchmark traffic must stay on 127.0.0.1, not ${host}`);
}

/**
 * Opens one Socket.IO client. With a `token`, the handshake carries it (a signed-in
 * screen); without one (a relay, or a server from before accounts) it carries the
 * client's name as the actor, as handshakes did before accounts.
 */
export async function connectSio(url: string, actor: string, token: string | null = null, timeoutMs = 15_000): Promise<AnySocket> {
  assertLocal(url);
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: token === null ? { actor } : { token },
    timeout: timeoutMs,
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err: Error) => reject(err));
    }),
    timeoutMs,
    `socket ${actor} to connect`,
  ).catch((err: unknown) => {
    socket.close();
    throw err;
  });
  return socket;
}

/** Emits with an acknowledgement; rejects when none comes within `timeoutMs`. */
export function emitAck<T>(socket: AnySocket, event: string, payload: unknown, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: T) => {
      if (err) reject(new Error(`no ack for ${event} within ${timeoutMs} ms`));
      else resolve(res);
    });
  });
}

/**
 * Opens `n` more Socket.IO clients, `batch` handshakes at a time (so the server's accept
 * backlog is never the bottleneck), each subscribed with `subscribePayload`, each
 * signed in with `token` when one is given.
 */
export async function connectManySio(
  url: string,
  n: number,
  prefix: string,
  subscribePayload: () => unknown,
  token: string | null = null,
  batch = 50,
): Promise<AnySocket[]> {
  const out: AnySocket[] = [];
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    const group = await Promise.all(
      Array.from({ length: size }, async (_, j) => {
        const s = await connectSio(url, `${prefix}-${i + j}`, token);
        const ack = await emitAck<{ ok: boolean }>(s, 'board:subscribe', subscribePayload());
        if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
        return s;
      }),
    );
    out.push(...group);
  }
  return out;
}

export function closeAll(sockets: Iterable<AnySocket>): void {
  for (const s of sockets) s.close();
}

// ---------------------------------------------------------------- raw ws

export async function connectWs(url: string, timeoutMs = 15_000): Promise<WebSocket> {
  assertLocal(url);
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(err));
    }),
    timeoutMs,
    'ws client to connect',
  ).catch((err: unknown) => {
    ws.terminate();
    throw err;
  });
  return ws;
}

/** Opens `n` raw ws clients that have sent "sub" and heard "subbed". */
export async function connectManyWs(url: string, n: number, batch = 50): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += batch) {
    const size = Math.min(batch, n - i);
    const group = await Promise.all(
      Array.from({ length: size }, async () => {
        const ws = await connectWs(url);
        await withTimeout(
          new Promise<void>((resolve) => {
            ws.once('message', () => resolve());
            ws.send('sub');
          }),
          15_000,
          'ws subscribe',
        );
        return ws;
      }),
    );
    out.push(...group);
  }
  return out;
}
