// Pid bookkeeping shared by processes.ts (in the test workers) and global-setup.ts (in
// the main vitest process); no vitest import, so the global setup can load it.
import fs from 'node:fs';

/** Folder of pid records, created by global-setup.ts and read by its teardown. */
export const PID_DIR_ENV = 'PULLBOARD_TEST_PID_DIR';

/**
 * Waits until no process has this pid (signal 0 fails with ESRCH). Bounded: resolves
 * false if it is still there after `waitMs`. A child is reaped (and its pid freed) by
 * Node before its 'exit' event, so after that this normally answers at once.
 */
export async function processGone(pid: number, waitMs = 5_000): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (!exists(pid)) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process is there, it just is not ours.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Linux start time of a process (field 22 of /proc/PID/stat), so the end-of-run check
 * never mistakes a later process that got the same pid for ours. undefined elsewhere.
 */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** One spawned child, as written to the pid folder. */
export interface PidRecord {
  pid: number;
  startTime: string | undefined;
  script: string;
  testFile: string | undefined;
}

