import { describe, expect, it } from 'vitest';
import { StationKind } from './names.ts';
import { RulesPlant, T0 } from './testPlant.ts';
import type { Loop } from './schemas.ts';
import { WhatIfBody, WhatIfResultSchema, whatIf } from './whatif.ts';
import type { LoopRates, WhatIfInput } from './whatif.ts';

const NOW = Date.parse(T0);

/**
 * Steel (a supplier) sends blanks to Press (loop A: 3 cards, all full; a refill takes 30
 * minutes, no wait; a test may give it more cards); Press makes brackets from them for Line (loop B: 2 cards, all full,
 * input A; 10 minutes each). Line uses a bracket container every 20 minutes.
 */
function plant(blankCards = 3) {
  const p = new RulesPlant();
  const steel = p.station('Steel', { kind: StationKind.SUPPLIER });
  const press = p.station('Press');
  const line = p.station('Line', { kind: StationKind.CUSTOMER });
  const a = p.loop('BLK-1', steel, press, blankCards, { leadTimeMinutes: 30 });
  const b = p.loop('BRK-2', press, line, 2, { inputs: [a], leadTimeMinutes: 10 });
  const rates = (l: Loop): LoopRates =>
    l.id === a.id
      ? { demandPerHour: 0, waitRequestedMinutes: 0, cycleMinutes: 30, measured: true }
      : { demandPerHour: 3, waitRequestedMinutes: 0, cycleMinutes: 10, measured: true };
  const input = (over: Partial<WhatIfInput> = {}): WhatIfInput => ({
    board: p.state,
    nowMs: NOW,
    stationId: steel.id,
    durationMinutes: 360,
    horizonMinutes: 395,
    seed: 1,
    variability: 0,
    rates,
    ...over,
  });
  return { p, steel, press, line, a, b, input };
}

describe('whatIf: Steel stops for 6 hours (worked out by hand)', () => {
  // Line uses B at 20, 40, 60, ...; each use sends a B card to Press, which starts it at
  // once (taking one A container: A full 3 -> 2 at 20, 1 at 40, 0 at 60) and finishes it
  // 10 minutes later. The A cards used go back to Steel, which is stopped until 360, so
  // they start at 360 and are full again at 390.
  // - A has no full container from 60 on.
  // - 80: Line's use sends b back; Press cannot start it (A empty): Press starves from 80
  //   until A's refill at 390 = 310 minutes.
  // - 100: the last full B is used (B out from 100); 120: Line's use finds none: Line
  //   starves from 120 to the horizon (395) = 275 minutes (Press's two B cards finish at 400).
  // - To ride it out, A must cover every start until its refill at 390: starts at 20, 40,
  //   ..., 380 = 19 containers; it has 3: 16 extra. With those, B keeps up (10 < 20): 0.
  const { steel, press, line, a, b, input } = plant();
  const r = whatIf(input());

  it('answers the documented shape', () => {
    expect(WhatIfResultSchema.strict().safeParse(r).success).toBe(true);
    expect(r).toMatchObject({ stationId: steel.id, at: T0, durationMinutes: 360, horizonMinutes: 395, seed: 1, truncated: false });
  });

  it('says which stations starve, when and for how long', () => {
    expect(r.stations).toEqual([
      { stationId: press.id, starvedAfterMinutes: 80, starvedAt: new Date(NOW + 80 * 60_000).toISOString(), starvedMinutes: 310 },
      { stationId: line.id, starvedAfterMinutes: 120, starvedAt: new Date(NOW + 120 * 60_000).toISOString(), starvedMinutes: 275 },
    ]);
  });

  it('says when each loop runs dry and the extra cards that ride the stop out', () => {
    const la = r.loops.find((l) => l.loopId === a.id);
    const lb = r.loops.find((l) => l.loopId === b.id);
    // A: empty from 60 to 390 = 330 minutes; B: empty from 100 to the horizon = 295.
    expect(la).toMatchObject({ stockOutAfterMinutes: 60, stockOutMinutes: 330, extraCards: 16 });
    expect(lb).toMatchObject({ stockOutAfterMinutes: 100, stockOutMinutes: 295, extraCards: 0 });
    expect(r.ridesItOut).toBe(true);
  });

  it('is right about the extra cards: 15 are one too few, 16 ride it out', () => {
    // The same plant built with A at 3 + 15 = 18 cards: the start at 380 waits for the
    // refill at 390, so Press starves 380-390 and one more card is needed.
    const fifteen = plant(18);
    const short = whatIf(fifteen.input());
    expect(short.stations.map((s) => [s.stationId, s.starvedAfterMinutes, s.starvedMinutes])).toEqual([[fifteen.press.id, 380, 10]]);
    expect(short.loops.find((l) => l.loopId === fifteen.a.id)?.extraCards).toBe(1);
    // At 19 cards nothing starves and nothing needs adding.
    const enough = whatIf(plant(19).input());
    expect(enough.stations).toEqual([]);
    expect(enough.loops.every((l) => l.extraCards === 0)).toBe(true);
  });

  it('never changes the board it is given', () => {
    const { p, input: same } = plant();
    const before = JSON.stringify(p.state);
    whatIf(same());
    expect(JSON.stringify(p.state)).toBe(before);
  });
});

describe('whatIf: seeded and deterministic', () => {
  it('gives the same answer for the same seed, and nothing starves without a long stop', () => {
    const { input } = plant();
    const x = whatIf(input({ variability: 0.4, seed: 42, horizonMinutes: 2000 }));
    const y = whatIf(input({ variability: 0.4, seed: 42, horizonMinutes: 2000 }));
    expect(y).toEqual(x);
    // A 10-minute stop: A's 3 containers cover the 30-minute refill.
    const short = whatIf(input({ durationMinutes: 10, horizonMinutes: 600 }));
    expect(short.stations).toEqual([]);
    expect(short.ridesItOut).toBe(true);
    expect(short.loops.every((l) => l.extraCards === 0)).toBe(true);
  });
});

describe('WhatIfBody', () => {
  it.each<[string, unknown, boolean]>([
    ['a station and a duration', { stationId: 'st-1', durationMinutes: 360 }, true],
    ['every field', { stationId: 'st-1', durationMinutes: 30, horizonMinutes: 600, seed: 7, variability: 0.5 }, true],
    ['no duration', { stationId: 'st-1' }, false],
    ['a zero duration', { stationId: 'st-1', durationMinutes: 0 }, false],
    ['a duration over a week', { stationId: 'st-1', durationMinutes: 10_081 }, false],
    ['a fractional seed', { stationId: 'st-1', durationMinutes: 30, seed: 1.5 }, false],
    ['an unknown field', { stationId: 'st-1', durationMinutes: 30, extra: 1 }, false],
  ])('%s: valid %s', (_, body, ok) => {
    expect(WhatIfBody.safeParse(body).success).toBe(ok);
  });
});
