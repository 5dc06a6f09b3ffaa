// What one move costs the disk, counted rather than timed: for each Pullboard tree, a
// server on its own copy of the 1,000-card plant takes figure 2's moves (8 senders, one
// move outstanding each), and /proc/<pid>/io is read before and after. Bytes written
// and write calls are counts, so the machine's load hardly moves them; that is what
// makes them useful beside bench/ab.ts, whose times a shared machine blurs.
//
//   npx tsx bench/write-bytes.ts [TREE ...]        (default: this checkout)
//   e.g. npx tsx bench/write-bytes.ts /tmp/pb-before .
import fs from 'node:fs';
import path from 'node:path';
import { moveDriver } from './figures/writes.ts';
import { pullboardEnv } from './lib/auth.ts';
import { closeAll } from './lib/clients.ts';
import { Http, buildPlant, copyDatabase } from './lib/plant.ts';
import { ROOT, pinningFromEnv, spawnBenchServer, tempDir } from './lib/proc.ts';
import { round } from './lib/stats.ts';

const MOVES = 3000;
const WARM_UP = 300;
const SENDERS = 8;

interface IoCounts {
  writeBytes: number;
  syscw: number;
}

function ioOf(pid: number): IoCounts {
  const text = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { writeBytes: field('write_bytes'), syscw: field('syscw') };
}

async function measure(tree: string, work: string): Promise<string> {
  const pin = pinningFromEnv();
  const name = path.basename(tree);
  const plant = path.join(work, `plant-${name}`, 'board.db');
  const builder = await spawnBenchServer({ name: `plant-${name}`, script: 'server/main.ts', tree, env: pullboardEnv(plant), pin });
  try {
    await buildPlant(builder.url);
  } finally {
    await builder.stop();
  }
  const db = path.join(work, `run-${name}`, 'board.db');
  copyDatabase(plant, db);
  const server = await spawnBenchServer({ name: `pullboard-${name}`, script: 'server/main.ts', tree, env: pullboardEnv(db), pin });
  try {
    const http = await Http.signIn(server.url);
    const driver = await moveDriver(server, http.token, await http.board(), SENDERS);
    try {
      await driver.run(WARM_UP, performance.now() + 60_000);
      const before = ioOf(server.pid);
      const r = await driver.run(MOVES, performance.now() + 120_000);
      const after = ioOf(server.pid);
      if (r.refused > 0) throw new Error(`${r.refused} moves refused`);
      const n = r.ackTimes.length;
      return (
        `${tree}: ${n} moves; ${round((after.writeBytes - before.writeBytes) / n / 1024, 2)} KiB written per move, ` +
        `${round((after.syscw - before.syscw) / n, 2)} write calls per move`
      );
    } finally {
      closeAll(driver.sockets);
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const trees = process.argv.slice(2).map((t) => path.resolve(t));
  const work = tempDir('pullboard-write-bytes-');
  try {
    for (const tree of trees.length > 0 ? trees : [ROOT]) process.stdout.write(`${await measure(tree, work.dir)}\n`);
  } finally {
    work.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`write-bytes failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
