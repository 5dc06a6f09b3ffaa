// `npm run bench`: Pullboard's performance figures, each against a baseline measured in
// the same run on the same machine (figures on shared machines drift; ratios do not
// much). Prints a table and writes bench/results.json; docs/performance.md explains
// every figure.
//
// Placement: this process re-executes itself under `taskset -c 1` and is the load
// generator (and launches Chromium, which inherits the pinning); every server under test
// and every baseline server runs under `taskset -c 0`. Everything talks to 127.0.0.1.
// Every loop is bounded in count and in time; the whole run takes a few minutes.
//
// Options: --only=1,2,3,4,5,6,7,8,9,10 run some figures only (2 and 4 always run together)
//          --quick                fewer samples (a smoke test, not for reporting)
// Env:     PB_BENCH_SERVER_TREE=DIR  figures 1-4 measure the server of another checkout
//                                    (before / after comparisons; bench/lib/proc.ts)
//
// Accounts: every Pullboard server starts with PULLBOARD_ADMIN_PASSWORD and every client
// signs in as that admin (bench/lib/auth.ts); the baselines have no accounts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureBrowser } from './figures/browser.ts';
import type { FirstRenderResult, RemoteMoveResult } from './figures/browser.ts';
import { measureBundle } from './figures/bundle.ts';
import type { BundleResult } from './figures/bundle.ts';
import { measureLatency } from './figures/latency.ts';
import type { LatencyResult, RelayTarget } from './figures/latency.ts';
import { measureMemory } from './figures/memory.ts';
import type { MemoryResult } from './figures/memory.ts';
import { BASELINE_PLANT, measurePlantSize } from './figures/plantSize.ts';
import type { PlantPoint, PlantSizeResult } from './figures/plantSize.ts';
import { measureWrites } from './figures/writes.ts';
import { measureMetrics } from './figures/metrics.ts';
import type { MetricsFigureResult } from './figures/metrics.ts';
import { measurePostgres } from './figures/postgres.ts';
import type { PostgresResult } from './figures/postgres.ts';
import type { CatchUpResult, ThroughputResult } from './figures/writes.ts';
import { pullboardEnv } from './lib/auth.ts';
import { buildPlant } from './lib/plant.ts';
import { BENCH, ROOT, SERVER_TREE, choosePinning, pinningFromEnv, spawnBenchServer, tempDir } from './lib/proc.ts';
import type { Pinning } from './lib/proc.ts';
import { median, round } from './lib/stats.ts';

// ---------------------------------------------------------------- re-exec pinned

if (!process.env.PB_BENCH_CHILD) {
  const pin = choosePinning();
  const argv = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  const [cmd, args] = pin.enabled ? ['taskset', ['-c', pin.loadCpu, process.execPath, ...argv]] : [process.execPath, argv];
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, PB_BENCH_CHILD: '1', PB_BENCH_PINNING: JSON.stringify(pin) },
  });
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------- options

const argOnly = process.argv.find((a) => a.startsWith('--only='));
const only = new Set((argOnly ? argOnly.slice(7) : '1,2,3,4,5,6,7,8,9,10').split(',').map((s) => Number(s.trim())));
const quick = process.argv.includes('--quick');
const pin: Pinning = pinningFromEnv();
const startedAt = new Date();
const t0 = performance.now();
const log = (msg: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
/** Load average (1 min) when each figure started: the machine is shared. */
const loadAtStart: Record<string, number> = {};
const figureLog = (key: string, msg: string) => {
  loadAtStart[key] = round(os.loadavg()[0]!, 2);
  log(`${msg} (load average ${loadAtStart[key]})`);
};

const CLIENTS = [200, 1000];
const LATENCY_SAMPLES: Record<number, number> = quick ? { 200: 60, 1000: 40 } : { 200: 400, 1000: 200 };
const TOTAL_MOVES = quick ? 2000 : 10_000;

// ---------------------------------------------------------------- rows

interface Row {
  figure: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  baselineLabel: string;
  ratio: number | null;
  target: string;
  /** true met, false missed, null: no target or not measured (see note). */
  met: boolean | null;
  note?: string;
}

const rows: Row[] = [];
const num = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
const ratioOf = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));

function machineInfo() {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim().length > 0;
  } catch {
    /* not a git checkout */
  }
  // The servers under test of figures 1 to 4, when they come from another checkout.
  let serverTree: { path: string; gitCommit: string } | null = null;
  if (SERVER_TREE !== ROOT) {
    let c = 'unknown';
    try {
      c = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: SERVER_TREE }).toString().trim();
    } catch {
      /* not a git checkout */
    }
    serverTree = { path: SERVER_TREE, gitCommit: c };
  }
  const cpus = os.cpus();
  return {
    date: startedAt.toISOString(),
    host: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    pinning: pin,
    gitCommit: commit,
    gitDirty: dirty,
    serverTree,
    tmpdir: os.tmpdir(),
    quick,
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const machine = machineInfo();
  log(`Pullboard benchmark${quick ? ' (quick)' : ''}: ${machine.cpus} CPU ${machine.cpuModel}, ${machine.node}; ${pin.note}`);
  if (machine.serverTree) log(`servers under test of figures 1-4 from ${machine.serverTree.path} (git ${machine.serverTree.gitCommit})`);
  const work = tempDir('pullboard-bench-');
  const results: {
    latency: LatencyResult[];
    throughput?: ThroughputResult;
    catchUp?: CatchUpResult[];
    memory: MemoryResult[];
    bundle?: BundleResult;
    firstRender?: FirstRenderResult;
    remoteMove?: RemoteMoveResult[];
    plantSize?: PlantSizeResult;
    metrics?: MetricsFigureResult;
    postgres?: PostgresResult;
  } = { latency: [], memory: [] };

  try {
    // The 1,000-card plant, built once through the HTTP API.
    const plantDb = path.join(work.dir, 'plant', 'board.db');
    if ([1, 2, 3, 4, 5, 6, 10].some((f) => only.has(f))) {
      log('building the 1,000-card plant through the HTTP API');
      const s = await spawnBenchServer({ name: 'plant-builder', script: 'server/main.ts', subject: true, env: pullboardEnv(plantDb), pin });
      try {
        const cards = await buildPlant(s.url);
        log(`  ${cards} cards`);
      } finally {
        await s.stop();
      }
    }

    if (only.has(1)) {
      figureLog('1', `figure 1: move to all screens (N = ${CLIENTS.join(', ')})`);
      results.latency = await measureLatency({
        pin, plantDb, workDir: work.dir, clientCounts: CLIENTS, samples: LATENCY_SAMPLES, warmup: 20, gapMs: 5, budgetMs: 60_000, blocks: 5, log,
      });
    }

    if (only.has(2) || only.has(4)) {
      figureLog('2+4', `figures 4a, 2 and 4b: catch-up after 100 missed events, write throughput (${TOTAL_MOVES} moves), catch-up after them`);
      const w = await measureWrites({
        pin, plantDb, workDir: work.dir, totalMoves: TOTAL_MOVES, rounds: 4, senders: 8, catchUpRuns: quick ? 5 : 21, budgetMs: 90_000, baselineMs: 1500, log,
      });
      results.throughput = w.throughput;
      results.catchUp = w.catchUp;
    }

    if (only.has(3)) {
      figureLog('3', 'figure 3: memory per connected client (1000 clients)');
      for (const target of ['pullboard', 'socketio-relay'] as const) {
        results.memory.push(await measureMemory(target, { pin, plantDb, workDir: work.dir, clients: 1000, log }));
      }
    }

    let appBuild: string | null = null;
    if (only.has(7)) {
      figureLog('7', 'figure 7: bundle size against the dependencies-only floor');
      results.bundle = await measureBundle(work.dir, log);
      if (!results.bundle.error) appBuild = path.join(work.dir, 'bundle-app');
    }

    if (only.has(5) || only.has(6)) {
      figureLog('5+6', 'figures 5 and 6: first render and remote move cost in Chromium');
      const b = await measureBrowser({ pin, plantDb, workDir: work.dir, runs: quick ? 2 : 5, moves: quick ? 3 : 7, appBuild, log });
      results.firstRender = b.firstRender;
      results.remoteMove = b.remoteMove;
    }

    if (only.has(8)) {
      figureLog('8', `figure 8: plant size (a demo-size plant, 1,000, 10,000 and 50,000 cards, grown through the HTTP API)`);
      results.plantSize = await measurePlantSize({
        pin, workDir: work.dir, screens: 50, samples: quick ? 40 : 200, warmup: 20, blocks: 5, gapMs: 5,
        movesPerPlant: quick ? 400 : 2000, rounds: 4, snapshotRuns: quick ? 3 : 7, tvRuns: quick ? 2 : 5,
        appBuild, buildBudgetMs: 600_000, budgetMs: 120_000, log,
      });
    }

    if (only.has(9)) {
      const events = quick ? 200_000 : 2_000_000;
      figureLog('9', `figure 9: metrics over a year of ${events} events, and the what-if on the demo plant`);
      results.metrics = await measureMetrics({ pin, workDir: work.dir, events, samples: quick ? 5 : 21, log });
    }

    if (only.has(10)) {
      figureLog('10', 'figure 10: write throughput and move to all screens on PostgreSQL, one and two servers, beside SQLite');
      results.postgres = await measurePostgres({
        pin, plantDb, workDir: work.dir, moves: quick ? 1000 : 4000, samples: quick ? 40 : 200, screens: 100, budgetMs: 60_000, log,
      });
    }
  } finally {
    if (process.env.PB_BENCH_KEEP === '1') log(`kept the work folder ${work.dir} (PB_BENCH_KEEP=1)`);
    else work.cleanup();
  }

  buildRows(results);
  const table = renderTable();
  process.stdout.write(`\n${table}\n`);
  const out = {
    machine: {
      ...machine,
      loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
      loadAverageByFigure: loadAtStart,
      durationSeconds: round((performance.now() - t0) / 1000, 1),
    },
    rows,
    results,
  };
  fs.writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), path.join(BENCH, 'results.json'))}`);
}

function buildRows(r: {
  latency: LatencyResult[];
  throughput?: ThroughputResult;
  catchUp?: CatchUpResult[];
  memory: MemoryResult[];
  bundle?: BundleResult;
  firstRender?: FirstRenderResult;
  remoteMove?: RemoteMoveResult[];
  plantSize?: PlantSizeResult;
  metrics?: MetricsFigureResult;
  postgres?: PostgresResult;
}): void {
  // ---- 1
  if (only.has(1)) {
    const find = (t: RelayTarget, n: number) => r.latency.find((x) => x.target === t && x.clients === n);
    for (const n of CLIENTS) {
      const pb = find('pullboard', n);
      const sio = find('socketio-relay', n);
      const ws = find('ws-relay', n);
      for (const p of ['p50', 'p99'] as const) {
        const key = p === 'p50' ? 'p50Ms' : 'p99Ms';
        const v = num(pb?.[key]);
        const bs = num(sio?.[key]);
        const bw = num(ws?.[key]);
        const ratio = ratioOf(v, bs);
        let target = '';
        let met: boolean | null = null;
        if (p === 'p99') {
          target = n === 200 ? '≤ 1.5× relay and < 50 ms' : '≤ 1.5× relay';
          met = v === null || ratio === null ? null : ratio <= 1.5 && (n !== 200 || v < 50);
        }
        const err = pb?.error ?? sio?.error;
        const note = err ?? (p === 'p99' && pb && sio ? `p95 ${pb.p95Ms} ms vs ${sio.p95Ms} ms (relay); ${pb.samples} and ${sio.samples} samples` : undefined);
        rows.push({
          figure: '1', metric: `Move to all ${n} screens, ${p}`, value: v, unit: 'ms', baseline: bs, baselineLabel: 'bare Socket.IO relay',
          ratio, target, met, ...(note ? { note } : {}),
        });
        rows.push({
          figure: '1', metric: `Move to all ${n} screens, ${p} (vs raw ws)`, value: v, unit: 'ms', baseline: bw, baselineLabel: 'raw ws broadcast',
          ratio: ratioOf(v, bw), target: '', met: null, ...(ws?.error ? { note: ws.error } : {}),
        });
      }
    }
  }
  // ---- 2
  if (r.throughput) {
    const t = r.throughput;
    const v = num(t.movesPerSecond);
    const b = num(t.baselineInsertsPerSecond);
    const ratio = ratioOf(v, b);
    rows.push({
      figure: '2', metric: 'Write throughput (validated moves)', value: v, unit: '/s', baseline: b, baselineLabel: 'raw single-row inserts',
      ratio, target: '≥ 0.5× raw inserts', met: ratio === null ? null : ratio >= 0.5,
      note:
        (t.error ? `${t.error}; ` : '') +
        `rounds ${t.roundRates.join(', ')}/s against baselines ${(t.baselineRuns ?? []).join(', ')}/s; ` +
        `server CPU ${t.serverCpuMsPerMove ?? '?'} ms per move; one durable commit on this disk: ` +
        `p50 ${median(t.commitLatency.map((c) => c.p50Ms))} ms, p99 ${median(t.commitLatency.map((c) => c.p99Ms))} ms`,
    });
  }
  // ---- 3
  if (r.memory.length > 0) {
    const pb = r.memory.find((m) => m.target === 'pullboard');
    const sio = r.memory.find((m) => m.target === 'socketio-relay');
    for (const k of ['heap', 'rss'] as const) {
      const key = k === 'heap' ? 'heapPerClientKB' : 'rssPerClientKB';
      const v = num(pb?.[key]);
      const b = num(sio?.[key]);
      const extra = v === null || b === null ? null : round(v - b, 2);
      rows.push({
        figure: '3', metric: `${k === 'heap' ? 'Heap' : 'RSS'} per client at 1000 clients`, value: v, unit: 'KB', baseline: b, baselineLabel: 'bare Socket.IO server',
        ratio: ratioOf(v, b), target: '≤ relay + 15 KB', met: extra === null ? null : extra <= 15,
        note: extra === null ? (pb?.error ?? sio?.error ?? 'not measured') : `${extra >= 0 ? '+' : ''}${extra} KB per client over the relay`,
      });
    }
  }
  // ---- 4: catch-up against a snapshot, in time and in bytes
  for (const c of r.catchUp ?? []) {
    const bound = c.figure === '4a' ? 0.25 : 1.0;
    const target = `≤ ${bound === 1 ? '1.0' : bound}× snapshot`;
    const label = `Catch-up after ${c.what}${c.cards ? ` (${c.cards} cards)` : ''}`;
    const t = num(c.catchUpMs);
    const tb = num(c.snapshotMs);
    const kb = (bytes: number) => (bytes > 0 ? round(bytes / 1024, 1) : null);
    const v = kb(c.catchUpBytes);
    const vb = kb(c.snapshotBytes);
    const tRatio = ratioOf(t, tb);
    const bRatio = ratioOf(v, vb);
    const answer =
      c.answeredWith === 'changes'
        ? `answered with a change set of ${c.changeObjects} objects (${c.touchedCards} cards touched)`
        : `answered with a snapshot (${c.touchedCards} cards touched)`;
    rows.push({
      figure: c.figure, metric: `${label}: time`, value: t, unit: 'ms', baseline: tb, baselineLabel: 'load a snapshot',
      ratio: tRatio, target, met: tRatio === null ? null : tRatio <= bound,
      note:
        c.error ??
        `${answer}; answer ${c.catchUpAckMs} ms + apply ${c.catchUpApplyMs} ms against snapshot ${c.snapshotAckMs} + ${c.snapshotApplyMs} ms; ` +
          `a screen already up to date: ${c.upToDateMs} ms (the round trip); ` +
          `the shared reducer alone applies it in ${c.reducerApplyMs?.catchUp} ms against ${c.reducerApplyMs?.snapshot} ms; median of ${c.runs}`,
    });
    rows.push({
      figure: c.figure, metric: `${label}: bytes sent`, value: v, unit: 'KB', baseline: vb, baselineLabel: 'a snapshot',
      ratio: bRatio, target, met: bRatio === null ? null : bRatio <= bound,
      ...(c.error
        ? { note: c.error }
        : c.legacy
          ? { note: `a caller that does not opt in gets ${c.legacy.answeredWith} for this gap: ${round(c.legacy.bytes / 1024, 1)} KB, ${c.legacy.ms} ms` }
          : {}),
    });
  }
  // ---- 5
  if (r.firstRender) {
    const f = r.firstRender;
    rows.push({
      figure: '5', metric: `First render of /tv, ${f.plantCards || 1000} cards`, value: num(f.plantMs), unit: 'ms', baseline: num(f.demoMs),
      baselineLabel: `demo plant (${f.demoCards || '?'} cards)`, ratio: ratioOf(num(f.plantMs), num(f.demoMs)), target: '', met: null,
      ...(f.error ? { note: `not measured: ${f.error}` } : {}),
    });
  }
  // ---- 6
  for (const m of r.remoteMove ?? []) {
    rows.push({
      figure: '6', metric: `Remote move on ${m.page}: card components re-rendered`, value: num(m.cardComponentsMedian), unit: '', baseline: null,
      baselineLabel: '', ratio: null, target: '≤ 3', met: num(m.cardComponentsMedian) === null ? null : m.cardComponentsMedian <= 3 && m.cardComponentsMax <= 3,
      note: m.error
        ? `not measured: ${m.error}`
        : `max ${m.cardComponentsMax} over ${m.moves} moves; ${m.componentsMedian} components re-rendered in all; first commit ${m.moveToCommitMsMedian} ms after the HTTP move was sent`,
    });
    rows.push({
      figure: '6', metric: `Remote move on ${m.page}: commit (render) time`, value: num(m.commitMsMedian), unit: 'ms', baseline: null,
      baselineLabel: '', ratio: null, target: '', met: null, ...(m.error ? { note: `not measured: ${m.error}` } : { note: `${m.commitsMedian} commit(s)` }),
    });
  }
  // ---- 7
  if (r.bundle) {
    const b = r.bundle;
    const v = num(b.appGzipBytes);
    const f = num(b.floorGzipBytes);
    const ratio = ratioOf(v, f);
    rows.push({
      figure: '7', metric: 'Client JavaScript, gzip', value: v === null ? null : round(v / 1024, 1), unit: 'KB', baseline: f === null ? null : round(f / 1024, 1),
      baselineLabel: 'its dependencies alone', ratio, target: '≤ 1.5× floor', met: ratio === null ? null : ratio <= 1.5,
      ...(b.error ? { note: `not measured: ${b.error}` } : {}),
    });
  }
  // ---- 8
  if (r.plantSize) plantSizeRows(r.plantSize);
  if (r.metrics) metricsRows(r.metrics);
  if (r.postgres) postgresRows(r.postgres);
}

/** Figure 8's rows: each plant against the demo-size plant of the same run. */
function plantSizeRows(r: PlantSizeResult): void {
  const base = r.plants.find((p) => p.key === BASELINE_PLANT);
  const cardsOf = (p: PlantPoint | undefined) => (p && p.cards > 0 ? p.cards.toLocaleString('en-US') : '?');
  const baseLabel = `demo-size plant, ${cardsOf(base)} cards`;
  const err = (p: PlantPoint | undefined, what: string) => {
    const e = [...(p?.errors ?? []), ...(p === base ? [] : (base?.errors ?? []).map((x) => `baseline ${x}`))].filter((x) => x.startsWith(what) || x.startsWith(`baseline ${what}`));
    return e.length > 0 ? e.join('; ') : undefined;
  };
  for (const p of r.plants) {
    if (p === base) continue;
    const size = `${cardsOf(p)} cards`;
    /** The issue's bound on move latency for this plant, if any. */
    const bound = p.key === '10k' ? 1.5 : p.key === '50k' ? 3 : null;
    for (const q of ['p50', 'p99'] as const) {
      const key = q === 'p50' ? 'p50Ms' : 'p99Ms';
      const v = num(p.latency?.[key]);
      const b = num(base?.latency?.[key]);
      const ratio = ratioOf(v, b);
      const note = err(p, 'latency') ?? (q === 'p99' && p.latency && base?.latency ? `p95 ${p.latency.p95Ms} ms vs ${base.latency.p95Ms} ms; ${p.latency.samples} and ${base.latency.samples} samples` : undefined);
      rows.push({
        figure: '8', metric: `Move to ${r.screens} screens, ${q}, ${size}`, value: v, unit: 'ms', baseline: b, baselineLabel: baseLabel, ratio,
        target: bound === null ? '' : `≤ ${bound}× demo-size`, met: bound === null || ratio === null ? null : ratio <= bound, ...(note ? { note } : {}),
      });
    }
    {
      const v = num(p.throughput?.movesPerSecond);
      const b = num(base?.throughput?.movesPerSecond);
      const note = err(p, 'throughput') ?? (p.throughput && base?.throughput
        ? `rounds ${p.throughput.roundRates.join(', ')}/s against ${base.throughput.roundRates.join(', ')}/s; server CPU ${p.throughput.serverCpuMsPerMove} ms per move against ${base.throughput.serverCpuMsPerMove} ms`
        : undefined);
      rows.push({ figure: '8', metric: `Write throughput (validated moves), ${size}`, value: v, unit: '/s', baseline: b, baselineLabel: baseLabel, ratio: ratioOf(v, b), target: '', met: null, ...(note ? { note } : {}) });
    }
    {
      const s = p.snapshot;
      const bs = base?.snapshot;
      const note = err(p, 'snapshot');
      rows.push({
        figure: '8', metric: `Snapshot, GET /api/board after a change, ${size}`, value: num(s?.httpMs), unit: 'ms', baseline: num(bs?.httpMs), baselineLabel: baseLabel,
        ratio: ratioOf(num(s?.httpMs), num(bs?.httpMs)), target: '', met: null,
        note: note ?? (s && bs ? `unchanged board (asked again at once): ${s.httpUnchangedMs} ms against ${bs.httpUnchangedMs} ms; JSON.parse in the client ${s.parseMs} ms; median of ${s.runs}` : 'not measured'),
      });
      rows.push({
        figure: '8', metric: `Snapshot, board:subscribe {} after a change, ${size}`, value: num(s?.socketMs), unit: 'ms', baseline: num(bs?.socketMs), baselineLabel: baseLabel,
        ratio: ratioOf(num(s?.socketMs), num(bs?.socketMs)), target: '', met: null,
        note: note ?? (s && bs ? `unchanged board: ${s.socketUnchangedMs} ms against ${bs.socketUnchangedMs} ms; until the ack is parsed; median of ${s.runs}` : 'not measured'),
      });
      const kb = (x: number | undefined) => (x === undefined || x <= 0 ? null : round(x / 1024, 1));
      rows.push({
        figure: '8', metric: `Snapshot size (GET /api/board body), ${size}`, value: kb(s?.bytes), unit: 'KB', baseline: kb(bs?.bytes), baselineLabel: baseLabel,
        ratio: ratioOf(kb(s?.bytes), kb(bs?.bytes)), target: '', met: null, ...(note ? { note } : s ? { note: `the socket answer: ${kb(s.socketBytes)} KB` } : {}),
      });
    }
    {
      const v = num(p.tv?.firstRenderMs);
      const b = num(base?.tv?.firstRenderMs);
      // The issue sets the 2 s goal "at 10,000 cards"; it is held against 50,000 too.
      const target = p.key === '10k' || p.key === '50k' ? '< 2000 ms' : '';
      const note = err(p, 'tv') ?? (p.tv ? `runs ${p.tv.allMs.join(', ')} ms` : undefined);
      // A TV that had not shown the board after 30 s missed the goal, measured or not.
      const met = target === '' ? null : v !== null ? v < 2000 : p.tvNotWithinMs !== undefined && p.tvNotWithinMs >= 2000 ? false : null;
      rows.push({
        figure: '8', metric: `First render of /tv, ${size}`, value: v, unit: 'ms', baseline: b, baselineLabel: baseLabel, ratio: ratioOf(v, b),
        target, met, ...(note ? { note } : {}),
      });
    }
  }
  const build = r.plants.map((p) => `${p.key} ${p.cachedFrom ? 'from the cache' : `${p.buildSeconds} s`}, starts in ${p.startMs} ms, heap ${p.heapMB} MB, RSS ${p.rssMB} MB`);
  const grown = r.plants.filter((p) => Number.isFinite(p.buildSeconds));
  rows.push({
    figure: '8', metric: 'Growing the plants through the HTTP API', value: grown.length === 0 ? null : round(grown.reduce((t, p) => t + p.buildSeconds, 0), 1), unit: 's',
    baseline: null, baselineLabel: '', ratio: null, target: '', met: null,
    note: `${r.error ? `${r.error}; ` : ''}${build.join('; ')}; load average at each part: ${Object.entries(r.loadAverage).map(([k, v]) => `${k} ${v[0]}`).join(', ')}`,
  });
}

/** Figure 9: absolute targets (issue 12: well under a second), no baseline. */
function metricsRows(m: MetricsFigureResult): void {
  const n = `${(m.events / 1e6).toFixed(1)}M-event year`;
  const note = m.error ? `not measured: ${m.error}` : undefined;
  const timedRow = (metric: string, t: { medianMs: number; p95Ms: number; samples: number; bytes: number } | undefined, target: number | null) =>
    rows.push({
      figure: '9', metric, value: num(t?.medianMs), unit: 'ms', baseline: null, baselineLabel: '', ratio: null,
      target: target === null ? '' : `< ${target} ms`, met: target === null || t === undefined ? null : t.medianMs < target,
      note: note ?? (t ? `median of ${t.samples}; p95 ${t.p95Ms} ms; ${round(t.bytes / 1024, 1)} KB` : 'not measured'),
    });
  rows.push({
    figure: '9', metric: `Metrics index build (server start to first answer), ${n}`, value: num(m.indexBuildSeconds), unit: 's', baseline: null, baselineLabel: '',
    ratio: null, target: '', met: null, note: note ?? `log written in ${m.generateSeconds} s; RSS ${m.rssMiB ?? '?'} MiB, heap ${m.heapUsedMiB ?? '?'} MiB after the build`,
  });
  timedRow(`GET /api/metrics, last 7 days, ${n}`, m.metrics7d, 1000);
  timedRow(`GET /api/metrics, whole year, ${n}`, m.metricsYear, 1000);
  timedRow(`GET /api/metrics/series, year in 48 buckets, ${n}`, m.seriesYear, 1000);
  timedRow(`GET /api/risk, ${n}`, m.risk, 1000);
  timedRow(`POST /api/whatif, demo plant, supplier stops 6 h`, m.whatIf, 1000);
}

/** Figure 10: PostgreSQL (one and two servers) against SQLite measured in the same run. */
function postgresRows(p: PostgresResult): void {
  const lite = p.rows.find((x) => x.config === 'SQLite, 1 server');
  for (const x of p.rows) {
    if (x.config === 'SQLite, 1 server') continue;
    const note = x.error ?? p.error;
    rows.push({
      figure: '10', metric: `Write throughput, ${x.config}`, value: num(x.movesPerSecond), unit: '/s', baseline: num(lite?.movesPerSecond),
      baselineLabel: 'SQLite, 1 server', ratio: ratioOf(num(x.movesPerSecond), num(lite?.movesPerSecond)), target: '', met: null,
      note: note ?? `${x.movesAcked} moves acked; 8 senders${x.config.includes('2 servers') ? ', 4 on each server' : ''}`,
    });
    rows.push({
      figure: '10', metric: `Move to all 100 screens p50, ${x.config}`, value: num(x.latencyP50), unit: 'ms', baseline: num(lite?.latencyP50),
      baselineLabel: 'SQLite, 1 server', ratio: ratioOf(num(x.latencyP50), num(lite?.latencyP50)), target: '', met: null,
      note: note ?? `${x.samples} samples; p95 ${x.latencyP95} ms (SQLite ${lite?.latencyP95 ?? '?'} ms), p99 ${x.latencyP99} ms`,
    });
  }
}

function renderTable(): string {
  const fmt = (v: number | null, unit: string) => (v === null ? 'not measured' : `${v}${unit ? ` ${unit}` : ''}`);
  const header = ['Fig', 'Figure', 'Value', 'Baseline', 'Ratio', 'Target', 'Met'];
  const body = rows.map((r) => [
    r.figure,
    r.metric,
    fmt(r.value, r.unit),
    r.baseline === null ? (r.baselineLabel ? 'not measured' : '-') : `${r.baseline}${r.unit ? ` ${r.unit}` : ''} (${r.baselineLabel})`,
    r.ratio === null ? '-' : `${r.ratio}×`,
    r.target || '-',
    r.target === '' ? '-' : r.met === null ? 'NOT MEASURED' : r.met ? 'met' : 'NOT MET',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  const notes = rows.filter((r) => r.note).map((r) => `  [${r.figure}] ${r.metric}: ${r.note}`);
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), '', 'Notes:', ...notes].join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
