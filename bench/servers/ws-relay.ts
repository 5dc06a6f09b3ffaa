// Baseline for figure 1: a raw `ws` broadcast. A client sends "sub" to subscribe; any
// other text message is sent, unchanged and framed from one buffer, to every subscriber,
// then acknowledged with "ack". The floor of pushing one message to N sockets in Node.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

const subscribers = new Set<WebSocket>();
const wss = new WebSocketServer({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    if (text === 'sub') {
      subscribers.add(ws);
      ws.send('subbed');
      return;
    }
    const frame = Buffer.from(text);
    for (const s of subscribers) s.send(frame, { binary: false });
    ws.send('ack');
  });
  ws.on('close', () => subscribers.delete(ws));
});

wss.on('listening', () => {
  const a = wss.address() as AddressInfo;
  process.stderr.write(`listening on http://${a.address}:${a.port}\n`);
});
const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
