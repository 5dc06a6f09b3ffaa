// End-of-run check that no process a test spawned is still running. Children started
// through processes.ts write a record into the folder made here and delete it when they
// exit; anything left at teardown outlived its test file. Such a process is killed and
// the run fails, so a leak is found by the run that causes it, not by `ps` days later.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exists, PID_DIR_ENV, processGone, startTimeOf } from './pids.ts';
import type { PidRecord } from './pids.ts';

export default function setup(): () => Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-test-pids-'));
  // Set before the workers start, so every worker (and so every test file) inherits it.
  process.env[PID_DIR_ENV] = dir;

  return async function teardown() {
    const leaked: PidRecord[] = [];
    for (const name of fs.readdirSync(dir)) {
      const rec = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as PidRecord;
      // Same pid and same start time: our child, not a later process that reused the pid.
      if (exists(rec.pid) && startTimeOf(rec.pid) === rec.startTime) {
        leaked.push(rec);
        try {
          process.kill(rec.pid, 'SIGKILL');
        } catch {
          // Gone in the meantime.
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    if (leaked.length === 0) return;
    const stillThere: number[] = [];
    for (const rec of leaked) if (!(await processGone(rec.pid))) stillThere.push(rec.pid);
    const list = leaked.map((r) => `pid ${r.pid} (${r.script}, spawned by ${r.testFile ?? 'an unknown test file'})`).join('; ');
    // vitest only logs a throwing teardown; set the exit code too so the run fails.
    process.exitCode = 1;
    throw new Error(
      `${leaked.length} spawned process(es) outlived their tests and were killed now: ${list}` +
        (stillThere.length ? `; still running despite SIGKILL: ${stillThere.join(', ')}` : ''),
    );
  };
}
