// A loop's card count by the three forms of pull-model.md "Sizing a loop", from the
// measured figures of GET /api/metrics (demand in parts per hour, mean lead time in
// minutes) and the safety factor a lead types. The forms themselves are shared/kanban.ts.
import { ifsCardCount, sapCardCount, toyotaCardCount } from '../../../../shared/kanban.ts';
import type { LoopMetrics } from '../../../../shared/metrics.ts';

export interface SizingRow {
  loopId: string;
  demandPerHour: number;
  leadTimeMinutes: number;
  /** Whether the lead time was measured (a cycle finished) or is the loop's planned one. */
  measured: boolean;
  containerQty: number;
  current: number;
  toyota: number;
  sap: number;
  ifs: number;
  /** toyota - current: cards to add (+) or remove (-). */
  diff: number;
}

/** Safety factors a lead may type: the server's range for `safetyFactor` (0 to 5). */
export function parseSafetyFactor(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const a = Number(t);
  return Number.isFinite(a) && a >= 0 && a <= 5 ? a : null;
}

/**
 * The three recommendations in hours: D parts/h, L h, C parts. SAP's SF is 1 + alpha and
 * K = 0; IFS's safety stock is alpha x D x L and its lot 0, so all three agree when
 * nothing rounds differently, and differ where a plant sets K or a lot size.
 */
export function sizingRow(l: LoopMetrics, alpha: number): SizingRow {
  const { demandPerHour: d, leadTimeMinutes, containerQty: c, currentCards } = l.sizing;
  const hours = leadTimeMinutes / 60;
  const toyota = toyotaCardCount(d, hours, alpha, c);
  return {
    loopId: l.loopId,
    demandPerHour: d,
    leadTimeMinutes,
    measured: l.leadTimeMinutes.n > 0,
    containerQty: c,
    current: currentCards,
    toyota,
    sap: sapCardCount(d, hours, c, 1 + alpha, 0),
    ifs: ifsCardCount(d, hours, alpha * d * hours, 0, c),
    diff: toyota - currentCards,
  };
}
