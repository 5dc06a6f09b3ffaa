// Loop sizing from measured figures (pull-model.md "Sizing a loop"; api.md "Metrics and
// sizing"): the Toyota form is the recommendation, the SAP and IFS forms are shown beside
// it. Pure. The forms themselves are shared/kanban.ts; this module says which measured
// figure goes into which letter:
// - D: demand in parts per hour (containers used per hour x container quantity);
// - L: the measured mean replenishment lead time in hours (the planned one without samples);
// - C: the container quantity; alpha: the safety factor (query `safetyFactor`, 0 to 5,
//   default 0.1);
// - SAP: SF = 1 + alpha, K = 0 (no constant: the safety lives in SF);
// - IFS: SS = alpha x D x L (the same safety as a stock of parts), lot = C (one container
//   is the lot a replenishment makes).
// So the three agree on what safety means and differ in how they round: IFS carries one
// lot more, which is what its form is for.
import { z } from 'zod';
import { ifsCardCount, sapCardCount, toyotaCardCount } from './kanban.ts';

/** The safety factor (alpha) when the caller names none: 10 %. */
export const DEFAULT_SAFETY_FACTOR = 0.1;
/** The bounds of a safety factor a caller may name. */
export const MAX_SAFETY_FACTOR = 5;

export const SizingSchema = z.object({
  /** Demand in parts per hour (containers used per hour x container quantity). */
  demandPerHour: z.number(),
  /** The measured mean lead time, or the loop's planned one when no cycle finished. */
  leadTimeMinutes: z.number(),
  /** Whether leadTimeMinutes was measured (false: the planned lead time). */
  leadTimeMeasured: z.boolean(),
  containerQty: z.number().int(),
  safetyFactor: z.number(),
  /** The Toyota form: the recommendation. */
  recommendedCards: z.number().int(),
  currentCards: z.number().int(),
  /** recommendedCards - currentCards: cards to add (> 0) or remove (< 0). */
  difference: z.number().int(),
  forms: z.object({ toyota: z.number().int(), sap: z.number().int(), ifs: z.number().int() }),
});
export type Sizing = z.infer<typeof SizingSchema>;

export interface SizingInput {
  /** Parts per hour. */
  demandPerHour: number;
  /** Measured mean lead time in minutes, null when no cycle finished. */
  measuredLeadTimeMinutes: number | null;
  plannedLeadTimeMinutes: number;
  containerQty: number;
  currentCards: number;
  safetyFactor: number;
}

/** The recommendation of one loop and the three forms. */
export function sizeLoop(x: SizingInput): Sizing {
  const leadTimeMinutes = x.measuredLeadTimeMinutes ?? x.plannedLeadTimeMinutes;
  const d = x.demandPerHour;
  const l = leadTimeMinutes / 60;
  const c = x.containerQty;
  const a = x.safetyFactor;
  const toyota = toyotaCardCount(d, l, a, c);
  const sap = sapCardCount(d, l, c, 1 + a, 0);
  const ifs = ifsCardCount(d, l, a * d * l, c, c);
  return {
    demandPerHour: d,
    leadTimeMinutes,
    leadTimeMeasured: x.measuredLeadTimeMinutes !== null,
    containerQty: c,
    safetyFactor: a,
    recommendedCards: toyota,
    currentCards: x.currentCards,
    difference: toyota - x.currentCards,
    forms: { toyota, sap, ifs },
  };
}
