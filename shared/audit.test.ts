import { describe, expect, it } from 'vitest';
import { LOST_AFTER_LEAD_TIMES, minutesUntouched, possiblyLost } from './audit.ts';
import { smallPlant } from './testPlant.ts';
import { Column } from './names.ts';

describe('card audit', () => {
  it('flags a signal untouched for more than three lead times, and only then', () => {
    const { plant, blank } = smallPlant();
    const card = plant.consume(plant.serial(blank, 1).id).result.card;
    const loop = plant.state.loops[blank.id]!;
    const entered = Date.parse(card.enteredAt);
    const limit = LOST_AFTER_LEAD_TIMES * loop.leadTimeMinutes * 60_000;
    expect(possiblyLost(card, loop, entered + limit)).toBe(false);
    expect(possiblyLost(card, loop, entered + limit + 60_000)).toBe(true);
    expect(minutesUntouched(card, entered + 90 * 60_000)).toBe(90);
    expect(possiblyLost(card, undefined, entered + 10 * limit)).toBe(false);
  });

  it('starts over when the card moves, and never flags a full container waiting to be used', () => {
    const { plant, blank } = smallPlant();
    const full = plant.serial(blank, 1);
    const loop = plant.state.loops[blank.id]!;
    const longAfter = (iso: string) => Date.parse(iso) + 10 * loop.leadTimeMinutes * 60_000;
    expect(possiblyLost(full, loop, longAfter(full.enteredAt))).toBe(false);
    const signal = plant.consume(full.id).result.card;
    expect(possiblyLost(signal, loop, longAfter(signal.enteredAt))).toBe(true);
    plant.now = new Date(longAfter(signal.enteredAt)).toISOString();
    const started = plant.move(signal.id, Column.IN_PROGRESS).result.card;
    expect(possiblyLost(started, loop, Date.parse(plant.now) + 60_000)).toBe(false);
  });
});
