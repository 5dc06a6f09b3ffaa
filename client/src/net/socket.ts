// The one typed socket of the app, and the adapter that gives it to BoardSync.
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../../shared/protocol.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol.ts';
import { onProtocolMismatch, protocolMismatch } from '../app/upgrade.ts';
import type { SyncTransport, TransportHandlers } from './sync.ts';

export type PullboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Who the screen acts as, sent in the handshake: 'lead', 'tablet:<stationId>' or 'tv'. */
export type Actor = 'lead' | 'tv' | `tablet:${string}`;

export function createSocket(actor: Actor): PullboardSocket {
  return io({
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    auth: { actor, protocol: PROTOCOL_VERSION },
  });
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Changes the handshake identity; reconnects when it changed. */
export function setSocketActor(socket: PullboardSocket, actor: Actor): void {
  const auth = socket.auth as { actor?: string } | undefined;
  if (auth?.actor === actor) return;
  socket.auth = { actor, protocol: PROTOCOL_VERSION };
  if (socket.connected) {
    socket.disconnect();
    socket.connect();
  }
}

export function socketTransport(socket: PullboardSocket): SyncTransport {
  return {
    isConnected: () => socket.connected,
    subscribe(payload, timeoutMs, cb) {
      socket.timeout(timeoutMs).emit('board:subscribe', payload, (err, res) => cb(err ? null : res));
    },
    command(event, payload, timeoutMs, cb) {
      socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: unknown) => cb(err ? null : res));
    },
    reconnect() {
      socket.disconnect();
      socket.connect();
    },
    listen(h: TransportHandlers) {
      const onConnect = () => h.connect();
      const onDisconnect = (reason: Socket.DisconnectReason) => {
        h.disconnect(reason);
        // The server closed us on purpose (e.g. a restart): Socket.IO does not retry
        // that case by itself, but an unattended screen must.
        if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1_000);
      };
      const onError = (err: Error) => {
        h.connectError(err.message);
        // Another protocol: never retry with this client; reload (once) to get the new one.
        const mismatch = protocolMismatch('data' in err ? err.data : undefined);
        if (mismatch) {
          onProtocolMismatch(mismatch.server, mismatch.message, sessionStore(), () => window.location.reload());
          return;
        }
        // A refusal by the server's handshake check is not retried by Socket.IO either.
        if (!socket.active) setTimeout(() => socket.connect(), 5_000);
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
