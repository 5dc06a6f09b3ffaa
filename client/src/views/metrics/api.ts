// The metrics view's reads: GET /api/metrics (the tables and sizing), GET
// /api/metrics/series (the charts) and POST /api/whatif, each read with the schema the
// server's shared module publishes.
import { MetricsReportSchema, MetricsSeriesSchema } from '../../../../shared/metrics.ts';
import type { MetricsReport, MetricsSeries } from '../../../../shared/metrics.ts';
import { WhatIfResultSchema } from '../../../../shared/whatif.ts';
import type { WhatIfResult } from '../../../../shared/whatif.ts';
import { apiParsed } from '../../net/api.ts';
import type { ApiResult } from '../../net/api.ts';
import { metricsQuery } from './series.ts';
import type { Interval } from './series.ts';

/** The window's figures and its chart series (two requests, side by side). */
export async function fetchWindow(
  whole: Interval,
  buckets: number,
): Promise<{ ok: true; report: MetricsReport; series: MetricsSeries } | { ok: false; message: string }> {
  const [report, series] = await Promise.all([
    apiParsed(MetricsReportSchema, 'GET', `/metrics${metricsQuery(whole)}`),
    apiParsed(MetricsSeriesSchema, 'GET', `/metrics/series${metricsQuery(whole, { buckets })}`),
  ]);
  if (!report.ok) return { ok: false, message: report.error.message };
  if (!series.ok) return { ok: false, message: series.error.message };
  return { ok: true, report: report.body, series: series.body };
}

export type { WhatIfResult };

export function runWhatIf(stationId: string, durationMinutes: number): Promise<ApiResult<WhatIfResult>> {
  return apiParsed(WhatIfResultSchema, 'POST', '/whatif', { stationId, durationMinutes });
}
