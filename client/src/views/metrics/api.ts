// The metrics view's reads: GET /api/metrics (one whole window for the tables, one per
// chart interval) and POST /api/whatif. Answers are read with schemas: the report's
// schema is shared/metrics.ts's; the what-if's is read loosely here until shared/whatif.ts
// publishes its own.
import { z } from 'zod';
import { MetricsReportSchema } from '../../../../shared/metrics.ts';
import type { MetricsReport } from '../../../../shared/metrics.ts';
import { apiParsed } from '../../net/api.ts';
import type { ApiResult } from '../../net/api.ts';
import { inBatches, metricsQuery } from './series.ts';
import type { Interval } from './series.ts';

export function fetchMetrics(i: Interval, safetyFactor?: number): Promise<ApiResult<MetricsReport>> {
  return apiParsed(MetricsReportSchema, 'GET', `/metrics${metricsQuery(i, safetyFactor)}`);
}

/** The whole window and each interval; the intervals two at a time (a 2-core plant PC). */
export async function fetchWindow(
  whole: Interval,
  intervals: readonly Interval[],
): Promise<{ ok: true; whole: MetricsReport; parts: MetricsReport[] } | { ok: false; message: string }> {
  const first = await fetchMetrics(whole);
  if (!first.ok) return { ok: false, message: first.error.message };
  const parts = await inBatches(
    intervals.map((i) => () => fetchMetrics(i)),
    2,
  );
  const bad = parts.find((p) => !p.ok);
  if (bad && !bad.ok) return { ok: false, message: bad.error.message };
  return { ok: true, whole: first.body, parts: parts.flatMap((p) => (p.ok ? [p.body] : [])) };
}

const Minutes = z.number();
/** What the what-if answers (docs/api.md "What-if"). */
export const WhatIfResultSchema = z.object({
  starved: z.array(
    z.object({
      stationId: z.string(),
      /** Minutes from now until the station starves. */
      startsInMinutes: Minutes,
      /** For how long. */
      minutes: Minutes,
    }),
  ),
  extraCards: z.array(z.object({ loopId: z.string(), cards: z.number().int() })),
});
export type WhatIfResult = z.infer<typeof WhatIfResultSchema>;

export function runWhatIf(stationId: string, durationMinutes: number): Promise<ApiResult<WhatIfResult>> {
  return apiParsed(WhatIfResultSchema, 'POST', '/whatif', { stationId, durationMinutes });
}
