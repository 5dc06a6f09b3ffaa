// A loop's card count by the three forms of pull-model.md "Sizing a loop", recomputed in
// the page as a lead types a safety factor (the server's answer holds the same for the
// factor it was asked with). Which measured figure goes into which letter, and the forms
// themselves, are shared/sizing.ts's `sizeLoop`.
import { sizeLoop } from '../../../../shared/sizing.ts';
import type { Sizing } from '../../../../shared/sizing.ts';
import type { LoopMetrics } from '../../../../shared/metrics.ts';

/** Safety factors a lead may type: the server's range for `safetyFactor` (0 to 5). */
export function parseSafetyFactor(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const a = Number(t);
  return Number.isFinite(a) && a >= 0 && a <= 5 ? a : null;
}

/** The loop's sizing for safety factor `alpha`, against today's card count. */
export function sizingFor(l: LoopMetrics, alpha: number, currentCards: number): Sizing {
  const s = l.sizing;
  return sizeLoop({
    demandPerHour: s.demandPerHour,
    measuredLeadTimeMinutes: s.leadTimeMeasured ? s.leadTimeMinutes : null,
    plannedLeadTimeMinutes: s.leadTimeMinutes,
    containerQty: s.containerQty,
    currentCards,
    safetyFactor: alpha,
  });
}
