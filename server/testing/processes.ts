// Child processes for tests: the real server (or a CLI) run as `node --import tsx FILE`,
// so the pid a test holds IS the process that opens the database and the port. (The
// `tsx` command line runs the script in a grandchild: killing it left the server alive.)
// Every child is kept in a registry until it has exited; test files call killAll() in
// afterEach/afterAll, and each pid is also written to the folder global-setup.ts made,
// so the end of the run can prove nothing outlived its test, even after a timeout.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { PID_DIR_ENV, processGone, startTimeOf } from './pids.ts';
import type { PidRecord } from './pids.ts';
import { signIn, TEST_ADMIN_PASSWORD } from './harness.ts';

export { exists, processGone } from './pids.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** Resolves once the process has exited and been reaped (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
}

const live = new Set<Spawned>();

/** Starts `node --import tsx <script> ...args` in the repository root. */
export function spawnTs(script: string, args: string[] = [], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    // spawn failed synchronously (e.g. no such executable); the 'error' event says why.
    throw new Error(`could not start ${script}`);
  }
  const pid = child.pid;
  const record = recordPid(pid, script);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(spawned);
      if (record) fs.rmSync(record, { force: true });
      resolve({ code, signal });
    });
  });
  const spawned: Spawned = { child, pid, exited, output: () => out };
  live.add(spawned);
  return spawned;
}

/** Starts server/main.ts on a free port of 127.0.0.1 and resolves with it once it listens. */
export async function spawnServer(env: Record<string, string>): Promise<Spawned & { url: string }> {
  const s = spawnTs('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', PULLBOARD_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, ...env });
  const url = await waitForOutput(s, /listening on (http:\/\/[^ ]+)/);
  await signIn(url);
  return { ...s, url };
}

/** Resolves with the first capture group once the output matches; rejects if the process exits first. */
export function waitForOutput(s: Spawned, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(s.output());
      if (!m) return false;
      s.child.stdout.off('data', check);
      s.child.stderr.off('data', check);
      resolve(m[1] ?? m[0]);
      return true;
    };
    if (check()) return;
    s.child.stdout.on('data', check);
    s.child.stderr.on('data', check);
    void s.exited.then(({ code, signal }) => {
      if (!check()) reject(new Error(`process exited (${code ?? signal}) before printing ${pattern}: ${s.output()}`));
    });
  });
}

/** Runs a script to its end; resolves with its output, rejects unless it exits with 0. */
export async function runTs(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const s = spawnTs(script, args, env);
  const { code, signal } = await s.exited;
  if (code !== 0) throw new Error(`${script} exited (${code ?? signal}): ${s.output()}`);
  return s.output();
}

/** SIGKILLs the process and waits until its pid no longer exists. */
export async function killHard(s: Spawned): Promise<void> {
  signal(s.pid, 'SIGKILL');
  await s.exited;
  if (!(await processGone(s.pid))) throw new Error(`process ${s.pid} is still there after SIGKILL`);
}

/** SIGKILLs every child still running and waits for each to be gone. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((s) => killHard(s)));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function recordPid(pid: number, script: string): string | undefined {
  const dir = process.env[PID_DIR_ENV];
  if (!dir) return undefined;
  const file = path.join(dir, `${pid}.json`);
  // Which test file spawned it, for the end-of-run message.
  const testPath = expect.getState().testPath;
  const rec: PidRecord = { pid, startTime: startTimeOf(pid), script, testFile: testPath ? path.relative(root, testPath) : undefined };
  fs.writeFileSync(file, JSON.stringify(rec));
  return file;
}
