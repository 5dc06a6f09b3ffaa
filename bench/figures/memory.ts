// Figure 3: memory per connected client. For Pullboard (server/main.ts, the 1,000-card
// plant) and the bare Socket.IO relay alike: warm the server up with a few clients and
// one broadcast, let them go, read heap and RSS after two forced GCs (the probe), connect
// N subscribed clients, broadcast one move to all of them, let the buffers drain, read
// again. Per client = (after - before) / N. The figure is Pullboard's per-client cost
// minus the relay's: what our handlers, closures and state add to each connection.
import path from 'node:path';
import type { BoardEvent } from '../../shared/schemas.ts';
import { closeAll, connectManySio, connectSio, emitAck } from '../lib/clients.ts';
import type { AnySocket } from '../lib/clients.ts';
import { pullboardEnv } from '../lib/auth.ts';
import { Http, afterMove, copyDatabase, movePayload, pickTogglers } from '../lib/plant.ts';
import { spawnBenchServer } from '../lib/proc.ts';
import type { MemoryReading, Pinning, ServerProc } from '../lib/proc.ts';
import { round, sleep, withTimeout } from '../lib/stats.ts';

export interface MemoryResult {
  target: 'pullboard' | 'socketio-relay';
  clients: number;
  before: MemoryReading | null;
  after: MemoryReading | null;
  heapPerClientKB: number;
  rssPerClientKB: number;
  error?: string;
}

export interface MemoryOptions {
  pin: Pinning;
  plantDb: string;
  workDir: string;
  clients: number;
  log: (msg: string) => void;
}

async function broadcastOnce(target: MemoryResult['target'], http: Http | null, receivers: AnySocket[], sender: AnySocket): Promise<void> {
  let remaining = receivers.length;
  const all = new Promise<void>((resolve) => {
    for (const s of receivers) {
      s.once('board:events', () => {
        if (--remaining === 0) resolve();
      });
    }
  });
  if (http) {
    const board = await http.board();
    const t = pickTogglers(board, 1)[0]!;
    afterMove(t, await emitAck(sender, 'card:move', movePayload(t, `mem-${Date.now()}`)));
  } else {
    await emitAck(sender, 'card:move', { type: 'card.moved', seq: 1, pad: 'x'.repeat(400) });
  }
  await withTimeout(all, 30_000, 'broadcast to reach every client');
}

export async function measureMemory(target: MemoryResult['target'], opts: MemoryOptions): Promise<MemoryResult> {
  const result: MemoryResult = { target, clients: opts.clients, before: null, after: null, heapPerClientKB: NaN, rssPerClientKB: NaN };
  let server: ServerProc | undefined;
  const sockets: AnySocket[] = [];
  try {
    if (target === 'pullboard') {
      const db = path.join(opts.workDir, 'memory', 'board.db');
      copyDatabase(opts.plantDb, db);
      server = await spawnBenchServer({ name: 'pullboard', script: 'server/main.ts', subject: true, env: pullboardEnv(db), pin: opts.pin });
    } else {
      server = await spawnBenchServer({ name: 'socketio-relay', script: 'bench/servers/sio-relay.ts', pin: opts.pin });
    }
    // Pullboard's clients are signed in (the relay has no accounts).
    const http = target === 'pullboard' ? await Http.signIn(server.url) : null;
    const token = http?.token ?? null;
    const seqNow = async () => (http ? (await http.board()).seq : 0);
    let seq = await seqNow();

    // Warm-up: every code path the measured clients will use, then gone.
    const sender = await connectSio(server.url, 'bench-sender', token);
    sockets.push(sender);
    const warm = await connectManySio(server.url, 20, 'warm', () => (http ? { afterSeq: seq } : {}), token);
    await broadcastOnce(target, http, warm, sender);
    closeAll(warm);
    await sleep(1000);
    seq = await seqNow();
    result.before = await server.memory();

    const screens = await connectManySio(server.url, opts.clients, 'screen', () => (http ? { afterSeq: seq } : {}), token);
    sockets.push(...screens);
    // Received events are counted, not kept, on this side.
    let heard = 0;
    for (const s of screens) s.on('board:events', (e: BoardEvent[]) => (heard += e.length));
    await broadcastOnce(target, http, screens, sender);
    await sleep(1500);
    result.after = await server.memory();
    result.heapPerClientKB = round((result.after.heapUsed - result.before.heapUsed) / opts.clients / 1024, 2);
    result.rssPerClientKB = round((result.after.rss - result.before.rss) / opts.clients / 1024, 2);
    opts.log(`  ${target}: ${result.heapPerClientKB} KB heap, ${result.rssPerClientKB} KB RSS per client (${opts.clients} clients, ${heard} events heard)`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    opts.log(`  ${target} memory failed: ${msg}`);
    result.error = msg;
  } finally {
    closeAll(sockets);
    await server?.stop();
  }
  return result;
}
