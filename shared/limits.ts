// How big a plant may grow. A bound on everything an attacker (or a mistaken script) can
// add keeps every command, snapshot and screen within what was measured. The defaults
// carry a large plant with room to spare (the demo has 56 cards; a real plant of 10,000
// cards is well inside); a plant that needs more raises them in its configuration
// (docs/operations.md) and measures the result with `npm run bench`.
import { DomainError } from './errors.ts';
import { ErrorCode } from './names.ts';

export interface PlantLimits {
  /** Stations in the plant. */
  stations: number;
  /** Loops in the plant. */
  loops: number;
  /** Cards in the plant, all loops together. */
  cards: number;
}

export const DEFAULT_PLANT_LIMITS: PlantLimits = { stations: 200, loops: 2_000, cards: 20_000 };

/** The most any plant limit can be raised to (configuration beyond it is refused at start). */
export const MAX_PLANT_LIMITS: PlantLimits = { stations: 10_000, loops: 100_000, cards: 1_000_000 };

const NOUNS: Record<keyof PlantLimits, string> = { stations: 'stations', loops: 'loops', cards: 'cards' };

/** Refuses adding `adding` more of `what` when the plant would pass its limit. */
export function checkPlantLimit(limits: PlantLimits, what: keyof PlantLimits, count: number, adding: number): void {
  const limit = limits[what];
  if (count + adding <= limit) return;
  throw new DomainError(
    ErrorCode.LIMIT_REACHED,
    `The plant has ${count} ${NOUNS[what]} and may have at most ${limit}` +
      (adding > 1 ? `; ${adding} more do not fit` : ''),
    { what, limit, count, adding },
  );
}
