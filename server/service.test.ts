// The service when storage fails in the middle of a batch: nothing half-applied, every
// caller answered, and the next command works.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotOf } from '../shared/board.ts';
import { SqliteRepository } from './db/sqlite.ts';
import type { SyncBoardRepository } from './db/repository.ts';
import { silentLogger } from './logger.ts';
import { BoardService } from './service.ts';
import { AS_LEAD } from './testing/harness.ts';

const dirs: string[] = [];
const repos: SqliteRepository[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The real SQLite repository, whose idempotency lookup fails for one key (a disk error). */
function failingLookup(poisonedKey: string): { repo: SyncBoardRepository; real: SqliteRepository } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pullboard-service-'));
  dirs.push(dir);
  const real = new SqliteRepository(path.join(dir, 'board.db'));
  repos.push(real);
  const repo: SyncBoardRepository = Object.assign(Object.create(real) as SqliteRepository, {
    findIdempotency(key: string) {
      if (key.endsWith(`:${poisonedKey}`)) throw new Error('disk I/O error');
      return real.findIdempotency(key);
    },
  });
  return { repo, real };
}

describe('a batch whose storage read fails while deciding', () => {
  it('undoes the commands already decided, rejects every one of them, and goes on with the next', async () => {
    const { repo } = failingLookup('poisoned');
    const service = new BoardService(repo, silentLogger);
    const before = snapshotOf(service.board);

    // Same turn: one group commit. The first is decided (on the live board) before the
    // second's lookup fails.
    const first = service.submit({ type: 'station.create', name: 'Press' }, AS_LEAD);
    const second = service.submit({ type: 'station.create', name: 'Lathe' }, { ...AS_LEAD, idempotencyKey: 'poisoned' });
    await expect(first).rejects.toThrow('disk I/O error');
    await expect(second).rejects.toThrow('disk I/O error');
    expect(snapshotOf(service.board)).toEqual(before);

    const next = await service.submit({ type: 'station.create', name: 'Mill' }, AS_LEAD);
    expect(next.ok && next.result.station.name).toBe('Mill');
    expect(Object.values(service.board.stations).map((s) => s.name)).toEqual(['Mill']);
  });
});
