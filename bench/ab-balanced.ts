// bench/ab.ts in both orders, for a before / after answer that no side's position can
// bias. ab.ts builds, starts and grows side A first; on this shared 2-CPU machine an
// A/A run (the same tree on both sides) put B 8 % behind A in write throughput, which is
// more than the 5 % such a comparison is asked to resolve. So each round here runs
//   ab.ts BEFORE AFTER   and   ab.ts AFTER BEFORE
// and reads AFTER / BEFORE from both (B/A in the first, 1 / (B/A) in the second). The
// position's bias enters one with its sign and the other with the opposite, so the
// geometric mean of the two cancels it, and the spread over rounds shows the noise.
//
//   npx tsx bench/ab-balanced.ts BEFORE_TREE [AFTER_TREE] [--rounds=N]   (default: this checkout, 2 rounds)
//
// Prints, per round and over all rounds, AFTER / BEFORE for figure 1's p50 at 200 and
// 1000 screens and for figure 2's write throughput and server CPU per move: each value
// the median over a run's block pairs, as ab.ts computes them. Writes everything as JSON
// to PB_AB_OUT (default: a file in the temporary folder, named on the last line).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/proc.ts';
import { median, percentile, round } from './lib/stats.ts';

interface AbOutput {
  trees: { A: string; B: string };
  loadAverage: number[][];
  latency: { n: number; A: number[][]; B: number[][] }[];
  throughput: { A: number[]; B: number[]; cpuMsPerMoveA: number[]; cpuMsPerMoveB: number[] };
}

/** The medians over a run's block pairs of B / A, as ab.ts reports them. */
function pairRatios(o: AbOutput): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of o.latency) out[`move to ${l.n} screens, p50`] = median(l.B.map((b, i) => percentile(b, 50) / percentile(l.A[i]!, 50)));
  const t = o.throughput;
  out['write throughput'] = median(t.B.map((b, i) => b / t.A[i]!));
  if (t.cpuMsPerMoveA.length > 0 && t.cpuMsPerMoveB.length > 0) out['server CPU per move'] = median(t.cpuMsPerMoveB) / median(t.cpuMsPerMoveA);
  return out;
}

function runAb(a: string, b: string, file: string): AbOutput {
  const r = spawnSync(process.execPath, [...process.execArgv, path.join(ROOT, 'bench', 'ab.ts'), a, b], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PB_AB_OUT: file },
  });
  if (r.status !== 0) throw new Error(`bench/ab.ts ${a} ${b} failed (exit ${r.status})`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AbOutput;
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function main(): void {
  const args = process.argv.slice(2);
  const trees = args.filter((a) => !a.startsWith('--')).map((t) => path.resolve(t));
  const rounds = Number(/^--rounds=(\d+)$/.exec(args.find((a) => a.startsWith('--rounds=')) ?? '')?.[1] ?? 2);
  const before = trees[0];
  const after = trees[1] ?? ROOT;
  if (!before) throw new Error('usage: npx tsx bench/ab-balanced.ts BEFORE_TREE [AFTER_TREE] [--rounds=N]');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-ab-balanced-'));
  const perRound: { round: number; order: string; load: number[][]; afterOverBefore: Record<string, number> }[] = [];
  for (let i = 1; i <= rounds; i++) {
    for (const [a, b, afterIsB] of [[before, after, true], [after, before, false]] as const) {
      const o = runAb(a, b, path.join(work, `round-${i}-${afterIsB ? 'before-after' : 'after-before'}.json`));
      const r = pairRatios(o);
      const afterOverBefore = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(afterIsB ? v : 1 / v, 3)]));
      perRound.push({ round: i, order: afterIsB ? 'A=before B=after' : 'A=after B=before', load: o.loadAverage, afterOverBefore });
    }
  }
  const keys = Object.keys(perRound[0]!.afterOverBefore);
  const lines = [`before = ${before}`, `after = ${after}`, 'after / before (median over block pairs; one column per run):'];
  for (const k of keys) {
    const xs = perRound.map((p) => p.afterOverBefore[k]!);
    lines.push(`  ${k}: ${xs.map((x) => x.toFixed(3)).join(', ')}; geometric mean ${round(geomean(xs), 3)}, median ${round(median(xs), 3)}`);
  }
  lines.push(`  runs: ${perRound.map((p) => `${p.order} (load ${p.load.map((l) => l[0]!.toFixed(1)).join(' → ')})`).join('; ')}`);
  const file = process.env.PB_AB_OUT ?? path.join(os.tmpdir(), `pullboard-ab-balanced-${Date.now()}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ before, after, rounds, perRound, summary: lines }, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`\n${lines.join('\n')}\nwrote ${file}\n`);
}

main();
