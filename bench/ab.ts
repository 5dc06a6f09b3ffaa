// A/B of two Pullboard servers side by side, for before / after questions that must be
// answered to a few per cent on a shared machine (not a figure of `npm run bench`).
//
//   npx tsx bench/ab.ts A_TREE [B_TREE]      (B defaults to this checkout)
//   e.g. git worktree add /tmp/pb-before 509c928 && ln -s $PWD/node_modules /tmp/pb-before/
//        npx tsx bench/ab.ts /tmp/pb-before
//
// Both servers (server/main.ts of each checkout) run at once on the server core, each
// on its own copy of the 1,000-card plant built through its own HTTP API, with the
// benchmark's admin (bench/lib/auth.ts; a server without accounts gets no credentials).
// The load generator (this process, on the other core) then measures them in small
// alternating blocks (A B B A A B ...), so that the machine's drift (other sessions'
// tests, the shared disk) hits both alike, and compares each block of B with the
// neighbouring block of A:
//   - figure 1's move to all N screens (N = 200 and 1000 subscribed clients per server,
//     one move at a time, the same sampling code as bench/figures/latency.ts);
//   - figure 2's write throughput (8 senders, one move outstanding each, the same driver
//     as bench/figures/writes.ts), with each server's CPU time per move from /proc.
// Prints a summary and writes the samples as JSON to PB_AB_OUT (default: a file in the
// temporary folder, named on the last line).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onEventOf, pullboardDriver, sampleOnce } from './figures/latency.ts';
import type { Sampler } from './figures/latency.ts';
import { cpuTicks, moveDriver, ticksPerSecond } from './figures/writes.ts';
import { pullboardEnv } from './lib/auth.ts';
import { closeAll } from './lib/clients.ts';
import { Http, buildPlant, copyDatabase } from './lib/plant.ts';
import { ROOT, choosePinning, pinningFromEnv, spawnBenchServer, tempDir } from './lib/proc.ts';
import type { ServerProc } from './lib/proc.ts';
import { mean, median, percentile, round, sleep } from './lib/stats.ts';

if (!process.env.PB_BENCH_CHILD) {
  const pin = choosePinning();
  const argv = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  const [cmd, args] = pin.enabled ? ['taskset', ['-c', pin.loadCpu, process.execPath, ...argv]] : [process.execPath, argv];
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, PB_BENCH_CHILD: '1', PB_BENCH_PINNING: JSON.stringify(pin) } });
  process.exit(r.status ?? 1);
}

const [aArg, bArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!aArg) throw new Error('usage: npx tsx bench/ab.ts A_TREE [B_TREE]');
const trees = { A: path.resolve(aArg), B: path.resolve(bArg ?? ROOT) };
const pin = pinningFromEnv();
const t0 = performance.now();
const log = (msg: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);

const LATENCY = [
  { n: 200, blocks: 10, perBlock: 40 },
  { n: 1000, blocks: 8, perBlock: 25 },
];
const THROUGHPUT = { blocks: 12, movesPerBlock: 800, senders: 8 };

type Side = 'A' | 'B';
/** ABBA ABBA ...: each side leads equally often, so a trend favours neither. */
const orderOf = (block: number): Side[] => (block % 2 === 0 ? ['A', 'B'] : ['B', 'A']);

interface SideRun {
  server: ServerProc;
  http: Http;
}

async function main(): Promise<void> {
  const work = tempDir('pullboard-ab-');
  const runs: Partial<Record<Side, SideRun>> = {};
  const out: {
    trees: typeof trees;
    date: string;
    loadAverage: number[][];
    latency: { n: number; A: number[][]; B: number[][] }[];
    throughput: { A: number[]; B: number[]; cpuMsPerMoveA: number[]; cpuMsPerMoveB: number[] };
  } = {
    trees,
    date: new Date().toISOString(),
    loadAverage: [os.loadavg()],
    latency: [],
    throughput: { A: [], B: [], cpuMsPerMoveA: [], cpuMsPerMoveB: [] },
  };
  try {
    for (const side of ['A', 'B'] as const) {
      const plant = path.join(work.dir, `plant-${side}`, 'board.db');
      const builder = await spawnBenchServer({ name: `plant-${side}`, script: 'server/main.ts', tree: trees[side], env: pullboardEnv(plant), pin });
      try {
        log(`${side}: ${trees[side]}: plant of ${await buildPlant(builder.url)} cards`);
      } finally {
        await builder.stop();
      }
      const db = path.join(work.dir, `run-${side}`, 'board.db');
      copyDatabase(plant, db);
      const server = await spawnBenchServer({ name: `pullboard-${side}`, script: 'server/main.ts', tree: trees[side], env: pullboardEnv(db), pin });
      const http = await Http.signIn(server.url);
      runs[side] = { server, http };
      log(`${side}: listening on ${server.url} (${http.token === null ? 'no accounts: no credentials' : 'signed in'})`);
    }
    const both = runs as Record<Side, SideRun>;

    // ---- figure 1's procedure, interleaved
    const samplers: Record<Side, Sampler> = {
      A: { target: 'pullboard', server: both.A.server, driver: await pullboardDriver(both.A.server), pending: null, outOfOrder: 0, lat: [], moveNo: 0 },
      B: { target: 'pullboard', server: both.B.server, driver: await pullboardDriver(both.B.server), pending: null, outOfOrder: 0, lat: [], moveNo: 0 },
    };
    try {
      for (const { n, blocks, perBlock } of LATENCY) {
        for (const side of ['A', 'B'] as const) {
          const s = samplers[side];
          await s.driver.grow(n, onEventOf(s));
          for (let i = 0; i < 20; i++) await sampleOnce(s, n, false);
        }
        await sleep(300);
        const perSide: Record<Side, number[][]> = { A: [], B: [] };
        for (let b = 0; b < blocks; b++) {
          for (const side of orderOf(b)) {
            const s = samplers[side];
            s.lat = [];
            for (let i = 0; i < perBlock; i++) {
              await sampleOnce(s, n, true);
              await sleep(5);
            }
            perSide[side].push(s.lat.map((x) => round(x, 3)));
          }
        }
        out.latency.push({ n, ...perSide });
        const all = (side: Side) => perSide[side].flat();
        log(
          `figure 1, N=${n}: A p50 ${round(median(all('A')))} p99 ${round(percentile(all('A'), 99))} ms; ` +
            `B p50 ${round(median(all('B')))} p99 ${round(percentile(all('B'), 99))} ms (${all('A').length} + ${all('B').length} samples)`,
        );
      }
    } finally {
      for (const side of ['A', 'B'] as const) await samplers[side].driver.close();
    }
    await sleep(1000);

    // ---- figure 2's procedure, interleaved
    const drivers = {
      A: await moveDriver(both.A.server, both.A.http.token, await both.A.http.board(), THROUGHPUT.senders),
      B: await moveDriver(both.B.server, both.B.http.token, await both.B.http.board(), THROUGHPUT.senders),
    };
    try {
      for (const side of ['A', 'B'] as const) await drivers[side].run(200, performance.now() + 30_000); // warm-up
      for (let b = 0; b < THROUGHPUT.blocks; b++) {
        for (const side of orderOf(b)) {
          const c0 = await cpuTicks(both[side].server.pid);
          const r = await drivers[side].run(THROUGHPUT.movesPerBlock, performance.now() + 60_000);
          const c1 = await cpuTicks(both[side].server.pid);
          if (r.refused > 0) throw new Error(`${side}: ${r.refused} moves refused`);
          const acks = r.ackTimes;
          const lo = Math.floor(acks.length * 0.05);
          const rate = (acks.length - 1 - lo) / ((acks.at(-1)! - acks[lo]!) / 1000);
          out.throughput[side].push(round(rate, 1));
          if (c0 !== null && c1 !== null) {
            out.throughput[side === 'A' ? 'cpuMsPerMoveA' : 'cpuMsPerMoveB'].push(round(((c1 - c0) * 1000) / ticksPerSecond() / acks.length, 3));
          }
        }
      }
    } finally {
      closeAll([...drivers.A.sockets, ...drivers.B.sockets]);
    }
    out.loadAverage.push(os.loadavg());
  } finally {
    for (const r of Object.values(runs)) await r.server.stop();
    work.cleanup();
  }

  // ---- summary: B against A, block by block (each B block with the A block next to it)
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${round(x * 100, 1)} %`;
  const lines: string[] = [`A = ${trees.A}`, `B = ${trees.B}`];
  for (const l of out.latency) {
    for (const p of [50, 99]) {
      const ratios = l.B.map((bl, i) => percentile(bl, p) / percentile(l.A[i]!, p));
      lines.push(
        `figure 1, N=${l.n}, p${p}: A ${round(percentile(l.A.flat(), p))} ms, B ${round(percentile(l.B.flat(), p))} ms ` +
          `(${pct(percentile(l.B.flat(), p) / percentile(l.A.flat(), p) - 1)}); per block pair B/A median ${round(median(ratios), 3)} ` +
          `(range ${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}, ${ratios.length} pairs)`,
      );
    }
    lines.push(`figure 1, N=${l.n}, mean: A ${round(mean(l.A.flat()))} ms, B ${round(mean(l.B.flat()))} ms (${pct(mean(l.B.flat()) / mean(l.A.flat()) - 1)})`);
  }
  const t = out.throughput;
  const tr = t.B.map((b, i) => b / t.A[i]!);
  lines.push(
    `figure 2: A median ${round(median(t.A), 0)}/s, B median ${round(median(t.B), 0)}/s (${pct(median(t.B) / median(t.A) - 1)}); ` +
      `per block pair B/A median ${round(median(tr), 3)} (range ${round(Math.min(...tr), 2)}–${round(Math.max(...tr), 2)}, ${tr.length} pairs)`,
  );
  if (t.cpuMsPerMoveA.length > 0 && t.cpuMsPerMoveB.length > 0) {
    lines.push(
      `figure 2, server CPU per move: A median ${median(t.cpuMsPerMoveA)} ms, B median ${median(t.cpuMsPerMoveB)} ms ` +
        `(${pct(median(t.cpuMsPerMoveB) / median(t.cpuMsPerMoveA) - 1)})`,
    );
  }
  const file = process.env.PB_AB_OUT ?? path.join(os.tmpdir(), `pullboard-ab-${Date.now()}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...out, summary: lines }, null, 2)}\n`);
  process.stdout.write(`\n${lines.join('\n')}\nwrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ab failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
