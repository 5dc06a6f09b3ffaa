// Baseline for figures 1 and 3: a bare Socket.IO server that only rebroadcasts. Same
// Socket.IO options as server/app.ts. `board:subscribe` joins the room; `card:move`
// emits the received payload, unchanged, to the room as `board:events` and acks.
// No validation, no state, no database: the floor any Socket.IO relay pays.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const ROOM = 'board';
const httpServer = http.createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
const io = new Server(httpServer, {
  maxHttpBufferSize: 1024 * 1024,
  serveClient: false,
  pingInterval: 10_000,
  pingTimeout: 10_000,
});

io.on('connection', (socket) => {
  socket.on('board:subscribe', (_payload: unknown, ack: unknown) => {
    void socket.join(ROOM);
    if (typeof ack === 'function') ack({ ok: true, events: [] });
  });
  socket.on('card:move', (payload: unknown, ack: unknown) => {
    io.to(ROOM).emit('board:events', [payload]);
    if (typeof ack === 'function') ack({ ok: true });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const a = httpServer.address() as AddressInfo;
  process.stderr.write(`listening on http://${a.address}:${a.port}\n`);
});
const stop = () => {
  io.close(() => process.exit(0));
  httpServer.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
