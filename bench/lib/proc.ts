// Child processes of the benchmark: servers under test and baselines, each pinned to the
// "server" core with taskset, with a memory probe reachable over IPC. The load generator
// (bench/run.ts itself, re-executed under `taskset -c 1`) stays on the other core.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withTimeout } from './stats.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BENCH = path.join(ROOT, 'bench');
/**
 * Where the Pullboard servers under test of figures 1 to 4 (server/main.ts) come from:
 * this checkout, or another one named by PB_BENCH_SERVER_TREE (a git worktree at an
 * older commit, for a before / after comparison with everything else unchanged: the
 * load generator, the baselines, the pinning). Figures 5 and 6 (the browser) always use
 * this checkout's server and client.
 */
export const SERVER_TREE = process.env.PB_BENCH_SERVER_TREE ? path.resolve(process.env.PB_BENCH_SERVER_TREE) : ROOT;

/** CPU placement of the run: servers on one core, the load generator on another. */
export interface Pinning {
  enabled: boolean;
  serverCpu: string;
  loadCpu: string;
  note: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Decides the pinning once, in the parent, before re-executing the load side. */
export function choosePinning(): Pinning {
  if (process.env.PB_BENCH_NO_PIN === '1') {
    return { enabled: false, serverCpu: '', loadCpu: '', note: 'pinning disabled by PB_BENCH_NO_PIN=1' };
  }
  const cpus = os.availableParallelism();
  if (cpus < 2) return { enabled: false, serverCpu: '', loadCpu: '', note: `only ${cpus} CPU available: not pinned` };
  if (!hasTaskset()) return { enabled: false, serverCpu: '', loadCpu: '', note: 'taskset not found: not pinned' };
  return { enabled: true, serverCpu: '0', loadCpu: '1', note: 'servers on CPU 0, load generator and browser on CPU 1 (taskset)' };
}

export function pinningFromEnv(): Pinning {
  const raw = process.env.PB_BENCH_PINNING;
  if (raw) return JSON.parse(raw) as Pinning;
  return choosePinning();
}

/** argv prefix that runs a command on the server core (or unpinned). */
function onServerCore(pin: Pinning, argv: string[]): [string, string[]] {
  if (!pin.enabled) return [argv[0]!, argv.slice(1)];
  return ['taskset', ['-c', pin.serverCpu, ...argv]];
}

export interface MemoryReading {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface ServerProc {
  name: string;
  url: string;
  pid: number;
  /** Garbage-collects twice in the server and returns process.memoryUsage(). */
  memory(): Promise<MemoryReading>;
  stop(): Promise<void>;
  /** Last lines the process wrote on stderr (for error messages). */
  log(): string;
}

export interface SpawnOptions {
  name: string;
  /** Script path relative to the repository root (TypeScript, run through tsx). */
  script: string;
  /** A Pullboard server under test: runs from SERVER_TREE (the baselines never do). */
  subject?: boolean;
  /** Runs from this checkout instead (bench/ab.ts, two servers side by side). */
  tree?: string;
  env?: Record<string, string>;
  pin: Pinning;
  /** How long to wait for the "listening on" line. */
  startTimeoutMs?: number;
}

const PROBE = pathToFileURL(path.join(BENCH, 'probe.ts')).href;

/**
 * Starts `node --expose-gc --import tsx --import bench/probe.ts SCRIPT` on the server
 * core and waits for its `listening on http://HOST:PORT` line on stderr. This is what
 * `node_modules/.bin/tsx SCRIPT` runs, minus tsx's watchdog parent process, so the pid
 * (for /proc and taskset) is the server's own; the probe only answers memory requests.
 */
export async function spawnBenchServer(opts: SpawnOptions): Promise<ServerProc> {
  // PB_BENCH_NODE_ARGS adds Node flags to every server, e.g. for profiling:
  //   PB_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/pb-prof" npm run bench -- --only=2
  const extra = (process.env.PB_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const [cmd, args] = onServerCore(opts.pin, [
    process.execPath,
    ...extra,
    '--expose-gc',
    '--import',
    'tsx',
    '--import',
    PROBE,
    opts.script,
  ]);
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.tree ?? (opts.subject ? SERVER_TREE : ROOT),
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-4000);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const onData = () => {
        const m = /listening on (http:\/\/[^\s]+)/.exec(tail);
        if (m) {
          child.stderr!.off('data', onData);
          resolve(m[1]!.replace(/\/$/, ''));
        }
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${opts.name} exited early (${code}): ${tail}`)));
    }),
    opts.startTimeoutMs ?? 30_000,
    `${opts.name} to listen`,
  ).catch((err: unknown) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  });

  let nextId = 1;
  const waiting = new Map<number, (m: MemoryReading) => void>();
  child.on('message', (msg: unknown) => {
    const m = msg as { id?: number; memory?: MemoryReading };
    if (typeof m.id === 'number' && m.memory) {
      waiting.get(m.id)?.(m.memory);
      waiting.delete(m.id);
    }
  });

  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    url,
    pid: child.pid!,
    memory() {
      const id = nextId++;
      return withTimeout(
        new Promise<MemoryReading>((resolve) => {
          waiting.set(id, resolve);
          child.send({ type: 'pb-bench-memory', id });
        }),
        30_000,
        `${opts.name} memory probe`,
      );
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      })();
      return stopping;
    },
    log: () => tail,
  };
}

/** Runs a bounded script on the server core and returns its stdout (JSON expected). */
export function runOnServerCore(pin: Pinning, script: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  const [cmd, args] = onServerCore(pin, [process.execPath, '--import', 'tsx', script]);
  return runCapture(cmd, args, env, timeoutMs);
}

/** Runs a command (inheriting this process's CPU affinity) and returns its stdout. */
export function runCapture(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(args.at(-1) ?? cmd)} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err || out}`));
    });
  });
}

/** A fresh temporary folder removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
