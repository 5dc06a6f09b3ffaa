// The one typed socket of the app, and the adapter that gives it to BoardSync.
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { HandshakeRefusal, PROTOCOL_VERSION } from '../../../shared/protocol.ts';
import { ErrorCode } from '../../../shared/names.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol.ts';
import { onProtocolMismatch, protocolMismatch } from '../app/upgrade.ts';
import type { SyncTransport, TransportHandlers } from './sync.ts';

export type PullboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The handshake sends the protocol version, and a paired device's token as auth.token;
 * without a token the server reads the session cookie (sent with the upgrade request).
 */
function handshake(token: string | null): { token?: string; protocol: number } {
  return token ? { token, protocol: PROTOCOL_VERSION } : { protocol: PROTOCOL_VERSION };
}

export function createSocket(token: string | null): PullboardSocket {
  return io({
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    withCredentials: true,
    auth: handshake(token),
  });
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Connects again with this credential (who the screen is changed: a device, a badge
 * session, another sign-in). Always reconnects, since the cookie may have changed too.
 */
export function setSocketToken(socket: PullboardSocket, token: string | null): void {
  closed.delete(socket);
  socket.auth = handshake(token);
  if (socket.connected || socket.active) socket.disconnect();
  socket.connect();
}

/** Sockets closed on purpose (signed out): the retries below leave them closed. */
const closed = new WeakSet<PullboardSocket>();

/** Closes the socket until `setSocketToken` opens it again. */
export function closeSocket(socket: PullboardSocket): void {
  closed.add(socket);
  socket.disconnect();
}

/** Connects again later, unless the socket was closed on purpose meanwhile. */
function retry(socket: PullboardSocket, ms: number): void {
  setTimeout(() => {
    if (!closed.has(socket) && !socket.connected && !socket.active) socket.connect();
  }, ms);
}

/** The code of a handshake refusal (connect_error's `data`), if it is one. */
function refusalCode(err: Error): string | null {
  const r = HandshakeRefusal.safeParse('data' in err ? err.data : undefined);
  return r.success ? r.data.code : null;
}

export interface SocketHooks {
  /** The handshake was refused as UNAUTHENTICATED: not retried; the session decides. */
  onUnauthenticated?: () => void;
}

export function socketTransport(socket: PullboardSocket, hooks: SocketHooks = {}): SyncTransport {
  return {
    isConnected: () => socket.connected,
    subscribe(payload, timeoutMs, cb) {
      socket.timeout(timeoutMs).emit('board:subscribe', payload, (err, res) => cb(err ? null : res));
    },
    command(event, payload, timeoutMs, cb) {
      socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: unknown) => cb(err ? null : res));
    },
    reconnect() {
      if (closed.has(socket)) return;
      socket.disconnect();
      socket.connect();
    },
    listen(h: TransportHandlers) {
      const onConnect = () => h.connect();
      const onDisconnect = (reason: Socket.DisconnectReason) => {
        h.disconnect(reason);
        // The server closed us on purpose (e.g. a restart): Socket.IO does not retry
        // that case by itself, but an unattended screen must.
        if (reason === 'io server disconnect') retry(socket, 1_000);
      };
      const onError = (err: Error) => {
        h.connectError(err.message);
        // Another protocol: never retry with this client; reload (once) to get the new one.
        const mismatch = protocolMismatch('data' in err ? err.data : undefined);
        if (mismatch) {
          onProtocolMismatch(mismatch.server, mismatch.message, sessionStore(), () => window.location.reload());
          return;
        }
        // No (longer a) valid credential: trying again cannot help; sign in again.
        if (refusalCode(err) === ErrorCode.UNAUTHENTICATED) {
          if (!closed.has(socket)) hooks.onUnauthenticated?.();
          return;
        }
        // A refusal by the server's handshake check is not retried by Socket.IO either.
        if (!socket.active) retry(socket, 5_000);
      };
      const onEvents = (events: Parameters<ServerToClientEvents['board:events']>[0]) => h.events(events);
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      socket.on('connect_error', onError);
      socket.on('board:events', onEvents);
      return () => {
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
        socket.off('connect_error', onError);
        socket.off('board:events', onEvents);
      };
    },
  };
}
