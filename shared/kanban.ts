// Loop sizing: the standard kanban calculations (pull-model.md, "Sizing a loop").

/** Toyota form: N = ceil(D x L x (1 + alpha) / C). D and L in the same time unit. */
export function toyotaCardCount(demand: number, leadTime: number, safety: number, containerQty: number): number {
  return Math.max(1, Math.ceil(roundOff((demand * leadTime * (1 + safety)) / containerQty)));
}

/** SAP form: N = ceil((L x D / C) x SF + K). */
export function sapCardCount(demand: number, leadTime: number, containerQty: number, safetyFactor: number, constant: number): number {
  return Math.max(1, Math.ceil(roundOff(((leadTime * demand) / containerQty) * safetyFactor + constant)));
}

/** IFS form with safety stock and lot size: N = ceil((D x L + SS + lot) / C). */
export function ifsCardCount(demand: number, leadTime: number, safetyStock: number, lotSize: number, containerQty: number): number {
  return Math.max(1, Math.ceil(roundOff((demand * leadTime + safetyStock + lotSize) / containerQty)));
}

/** Trims float noise (2.0000000000000004 must not round up to 3). */
function roundOff(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/**
 * A loop's recommended card count from measured figures (the Toyota form in hours):
 * demand in parts per hour, lead time in minutes, safety factor alpha, container quantity.
 */
export function recommendedCards(demandPerHour: number, leadTimeMinutes: number, safetyFactor: number, containerQty: number): number {
  return toyotaCardCount(demandPerHour, leadTimeMinutes / 60, safetyFactor, containerQty);
}
