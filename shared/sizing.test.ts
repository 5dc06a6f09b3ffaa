import { describe, expect, it } from 'vitest';
import { ifsCardCount, sapCardCount, toyotaCardCount } from './kanban.ts';
import { SizingSchema, sizeLoop } from './sizing.ts';

describe('sizing: worked examples from the literature', () => {
  it('IFS: D = 100/day, L = 2 days, SS = 20, lot = 50, C = 10 gives 27 cards', () => {
    // (100 x 2 + 20 + 50) / 10 = 27.
    expect(ifsCardCount(100, 2, 20, 50, 10)).toBe(27);
  });

  it('Toyota: D = 400/day, L = 0.5 day, alpha = 0.1, C = 25 gives 9 cards', () => {
    // 400 x 0.5 x 1.1 / 25 = 8.8 -> 9.
    expect(toyotaCardCount(400, 0.5, 0.1, 25)).toBe(9);
  });

  it('SAP: D = 100/day, L = 2 days, C = 10, SF = 1.2, K = 1 gives 25 cards', () => {
    // (2 x 100 / 10) x 1.2 + 1 = 25.
    expect(sapCardCount(100, 2, 10, 1.2, 1)).toBe(25);
  });
});

describe('sizeLoop: measured figures into the three forms', () => {
  it('recommends the Toyota form and shows SAP and IFS beside it', () => {
    // D = 50 parts/h, L = 240 min = 4 h, C = 25, alpha = 0.1:
    // Toyota ceil(50 x 4 x 1.1 / 25) = ceil(8.8) = 9; SAP ceil((4 x 50 / 25) x 1.1 + 0) = 9;
    // IFS ceil((50 x 4 + SS 0.1 x 200 = 20 + lot 25) / 25) = ceil(245 / 25) = ceil(9.8) = 10.
    const s = sizeLoop({ demandPerHour: 50, measuredLeadTimeMinutes: 240, plannedLeadTimeMinutes: 60, containerQty: 25, currentCards: 6, safetyFactor: 0.1 });
    expect(SizingSchema.strict().parse(s)).toEqual({
      demandPerHour: 50,
      leadTimeMinutes: 240,
      leadTimeMeasured: true,
      containerQty: 25,
      safetyFactor: 0.1,
      recommendedCards: 9,
      currentCards: 6,
      difference: 3,
      forms: { toyota: 9, sap: 9, ifs: 10 },
    });
  });

  it('falls back to the planned lead time and says so; a negative difference is cards to remove', () => {
    // D = 10/h, L = 30 min planned, C = 10, alpha 0: 10 x 0.5 / 10 = 0.5 -> 1 card; it has 4.
    const s = sizeLoop({ demandPerHour: 10, measuredLeadTimeMinutes: null, plannedLeadTimeMinutes: 30, containerQty: 10, currentCards: 4, safetyFactor: 0 });
    expect(s).toMatchObject({ leadTimeMinutes: 30, leadTimeMeasured: false, recommendedCards: 1, difference: -3 });
    // IFS with alpha 0: (5 + 0 + 10) / 10 = 1.5 -> 2.
    expect(s.forms).toEqual({ toyota: 1, sap: 1, ifs: 2 });
  });

  it('keeps one card when nothing was used', () => {
    const s = sizeLoop({ demandPerHour: 0, measuredLeadTimeMinutes: null, plannedLeadTimeMinutes: 30, containerQty: 10, currentCards: 2, safetyFactor: 0.1 });
    expect(s.forms).toEqual({ toyota: 1, sap: 1, ifs: 1 });
  });
});
