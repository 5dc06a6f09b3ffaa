// Idempotency answers: the fingerprint of a command, the record stored for its key, and
// the first answer recalled from that record, read back with the command table's schema.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { ErrorCode, StationKind } from '../shared/names.ts';
import { smallPlant } from '../shared/testPlant.ts';
import type { IdempotencyRecord } from './db/repository.ts';
import { fingerprintOf, recall, recordOf } from './idempotency.ts';
import type { Answer } from './idempotency.ts';

/** A record as the database gives it back: its body through JSON. */
const stored = (r: IdempotencyRecord): IdempotencyRecord => ({ ...r, body: JSON.parse(JSON.stringify(r.body)) as unknown });

function fixture() {
  const f = smallPlant();
  const card = f.plant.serial(f.blank, 1);
  return { ...f, card };
}

describe('fingerprintOf', () => {
  it('is the same whatever the order of the keys, at every depth', () => {
    const a = { type: 'station.update', stationId: 'st-1', name: 'Paint', wipLimits: { inProgress: 2, done: null } };
    const b = { wipLimits: { done: null, inProgress: 2 }, name: 'Paint', stationId: 'st-1', type: 'station.update' };
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
  });

  it('differs when a value differs', () => {
    const a = { type: 'card.move', cardId: 'cd-1', to: 'done' };
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, to: 'requested' }));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, cardId: 'cd-2' }));
  });

  it('keeps the order of array items (inputs are a list, not a set of keys)', () => {
    const a = { type: 'loop.update', loopId: 'lp-1', inputLoopIds: ['lp-2', 'lp-3'] };
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, inputLoopIds: ['lp-3', 'lp-2'] }));
  });
});

describe('recall', () => {
  it('returns the stored result of the same request, parsed with the command table schema', () => {
    const { plant, machining } = fixture();
    const station = plant.state.stations[machining.id]!;
    const command = { type: 'andon.raise', stationId: station.id, kind: 'help' };
    const fp = fingerprintOf(command);
    const record = stored(recordOf('k1', fp, { ok: true, result: { station } }));
    // The schema, not the raw record: a key the result schema does not have is dropped.
    const withExtra: IdempotencyRecord = { ...record, body: { ...(record.body as object), leftOver: 1 } };

    const answer = recall('andon.raise', fp, withExtra);
    expect(answer).toEqual({ ok: true, result: { station } });
    if (!answer.ok) throw new Error('expected the stored result');
    expect(answer.result).not.toHaveProperty('leftOver');
    expect(answer.result).not.toBe(withExtra.body);
  });

  it('returns a stored card result with its seq', () => {
    const { card } = fixture();
    const fp = fingerprintOf({ type: 'card.consume', cardId: card.id });
    const answer: Answer<'card.consume'> = { ok: true, result: { card, seq: 42 } };
    expect(recall('card.consume', fp, stored(recordOf('k', fp, answer)))).toEqual(answer);
  });

  it('refuses the same key with a different request as VALIDATION_FAILED naming the key', () => {
    const { card } = fixture();
    const fp = fingerprintOf({ type: 'card.consume', cardId: card.id });
    const record = stored(recordOf('key-7', fp, { ok: true, result: { card, seq: 3 } }));
    const answer = recall('card.consume', fingerprintOf({ type: 'card.consume', cardId: 'cd-other' }), record);
    expect(answer.ok).toBe(false);
    if (answer.ok) throw new Error('expected a refusal');
    expect(answer.error).toBeInstanceOf(DomainError);
    expect(answer.error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(answer.error.details).toEqual({ idempotencyKey: 'key-7' });
  });

  it('refuses a different request under the key even when the first one was refused', () => {
    const fp = fingerprintOf({ type: 'loop.consume', loopId: 'lp-1' });
    const first = new DomainError(ErrorCode.STARVED, 'No full container');
    const record = stored(recordOf('k', fp, { ok: false, error: first }));
    const answer = recall('loop.consume', fingerprintOf({ type: 'loop.consume', loopId: 'lp-2' }), record);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('returns a stored refusal as a DomainError with the same code, message and details', () => {
    const fp = fingerprintOf({ type: 'card.move', cardId: 'cd-1', to: 'in_progress' });
    const first = new DomainError(ErrorCode.WIP_LIMIT_REACHED, 'Machining is at its In Progress limit (1)', {
      stationId: 'st-2',
      column: 'in_progress',
      limit: 1,
    });
    const answer = recall('card.move', fp, stored(recordOf('k', fp, { ok: false, error: first })));
    expect(answer.ok).toBe(false);
    if (answer.ok) throw new Error('expected the stored refusal');
    expect(answer.error).toBeInstanceOf(DomainError);
    expect(answer.error.code).toBe(first.code);
    expect(answer.error.message).toBe(first.message);
    expect(answer.error.details).toEqual(first.details);
    expect(answer.error.toJSON()).toEqual(first.toJSON());
  });

  it('returns a stored refusal without details without inventing any', () => {
    const fp = fingerprintOf({ type: 'andon.clear', stationId: 'st-1' });
    const first = new DomainError(ErrorCode.INVALID_TRANSITION, 'No andon call to clear');
    const answer = recall('andon.clear', fp, stored(recordOf('k', fp, { ok: false, error: first })));
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.toJSON()).toEqual({ code: ErrorCode.INVALID_TRANSITION, message: 'No andon call to clear' });
  });

  describe('with a stored answer that does not fit', () => {
    const { card, plant, steel } = fixture();
    const station = plant.state.stations[steel.id]!;
    const fp = 'fp';
    const cases: Array<{ what: string; record: IdempotencyRecord }> = [
      { what: 'a result of another command (a card for station.create)', record: { key: 'k', fingerprint: fp, ok: true, body: { card, seq: 1 } } },
      { what: 'a result with a wrong-typed field', record: { key: 'k', fingerprint: fp, ok: true, body: { station: { ...station, kind: 7 } } } },
      { what: 'a result that is not an object', record: { key: 'k', fingerprint: fp, ok: true, body: 'station' } },
      { what: 'a result that is null', record: { key: 'k', fingerprint: fp, ok: true, body: null } },
      { what: 'a refusal without error', record: { key: 'k', fingerprint: fp, ok: false, body: { station } } },
      { what: 'a refusal that is null', record: { key: 'k', fingerprint: fp, ok: false, body: null } },
      { what: 'a refusal with an unknown code', record: { key: 'k', fingerprint: fp, ok: false, body: { error: { code: 'TEAPOT', message: 'x' } } } },
      { what: 'a refusal without message', record: { key: 'k', fingerprint: fp, ok: false, body: { error: { code: ErrorCode.STARVED } } } },
      { what: 'a refusal whose details are not an object', record: { key: 'k', fingerprint: fp, ok: false, body: { error: { code: ErrorCode.STARVED, message: 'x', details: 'no' } } } },
    ];

    it.each(cases)('answers INTERNAL for $what, never a guessed result', ({ record }) => {
      const answer = recall('station.create', fp, record);
      expect(answer.ok).toBe(false);
      if (answer.ok) throw new Error(`expected INTERNAL, got a result: ${JSON.stringify(answer.result)}`);
      expect(answer.error).toBeInstanceOf(DomainError);
      expect(answer.error.code).toBe(ErrorCode.INTERNAL);
    });

    it('still reads a station stored for station.create (the cases above differ from it only by what is wrong)', () => {
      const ok: IdempotencyRecord = { key: 'k', fingerprint: fp, ok: true, body: { station: { ...station, kind: StationKind.SUPPLIER } } };
      expect(recall('station.create', fp, ok).ok).toBe(true);
    });
  });
});

describe('recordOf', () => {
  it('stores a success as its result and a refusal as {error}', () => {
    const { card } = fixture();
    expect(recordOf('k', 'fp', { ok: true, result: { card, seq: 9 } })).toEqual({ key: 'k', fingerprint: 'fp', ok: true, body: { card, seq: 9 } });
    const err = new DomainError(ErrorCode.STARVED, 'No full container', { loopId: 'lp-1' });
    expect(recordOf('k', 'fp', { ok: false, error: err })).toEqual({
      key: 'k',
      fingerprint: 'fp',
      ok: false,
      body: { error: { code: ErrorCode.STARVED, message: 'No full container', details: { loopId: 'lp-1' } } },
    });
  });
});
