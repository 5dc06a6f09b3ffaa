import { describe, expect, it } from 'vitest';
import { LOST_AFTER_LEAD_TIMES, minutesUntouched, possiblyLost } from './audit.ts';
import { smallPlant } from './testPlant.ts';

describe('card audit', () => {
  it('flags a card untouched for more than three lead times, and only then', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 1);
    const loop = plant.state.loops[blank.id]!;
    const entered = Date.parse(card.enteredAt);
    const limit = LOST_AFTER_LEAD_TIMES * loop.leadTimeMinutes * 60_000;
    expect(possiblyLost(card, loop, entered + limit)).toBe(false);
    expect(possiblyLost(card, loop, entered + limit + 60_000)).toBe(true);
    expect(minutesUntouched(card, entered + 90 * 60_000)).toBe(90);
    expect(possiblyLost(card, undefined, entered + 10 * limit)).toBe(false);
  });

  it('starts over when the card moves', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 1);
    const loop = plant.state.loops[blank.id]!;
    const later = new Date(Date.parse(card.enteredAt) + 10 * loop.leadTimeMinutes * 60_000).toISOString();
    plant.now = later;
    const moved = plant.consume(card.id).result.card;
    expect(possiblyLost(moved, loop, Date.parse(later) + 60_000)).toBe(false);
  });
});
