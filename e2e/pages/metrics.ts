// The lead's metrics view (/metrics): the window picker, the loop and station tables,
// the three charts (each a canvas with a caption in words), loop sizing with its
// Apply per loop, and the what-if form.

/** The colours the view draws its series in (views/metrics/MetricsPage.tsx). */
export const SERIES_RGB = {
  /** Cumulative flow: into Requested (the top line). */
  cfdRequested: [0x6b, 0x7a, 0x90],
  /** Lead time, mean. */
  leadMean: [0x1f, 0x5f, 0xa8],
  /** Throughput of the station (bars). */
  throughput: [0x2a, 0x7a, 0x78],
} as const;
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { Screen } from './screen.ts';

export class MetricsPage extends Screen {
  readonly loops: Locator;
  readonly stations: Locator;
  readonly sizing: Locator;
  readonly safetyFactor: Locator;
  readonly csv: Locator;

  constructor(page: Page, baseUrl: string) {
    super(page, baseUrl);
    this.loops = page.getByTestId('metrics-loops');
    this.stations = page.getByTestId('metrics-stations');
    this.sizing = page.getByTestId('sizing');
    this.safetyFactor = page.getByTestId('safety-factor');
    this.csv = page.getByTestId('events-csv');
  }

  async open(): Promise<void> {
    await this.goto('/metrics');
    await this.expectLive();
    await expect(this.loops).toBeVisible({ timeout: 30_000 });
  }

  /** One chart: `cfd`, `lead` or `throughput`. */
  chart(which: 'cfd' | 'lead' | 'throughput'): Locator {
    return this.page.getByTestId(`chart-${which}`);
  }

  /** What a screen reader hears for a chart (its caption's summary). */
  summary(which: 'cfd' | 'lead' | 'throughput'): Locator {
    return this.page.getByTestId(`chart-${which}-summary`);
  }

  loopRow(loopId: string): Locator {
    return this.page.getByTestId(`metrics-loop-${loopId}`);
  }

  sizingRow(loopId: string): Locator {
    return this.page.getByTestId(`sizing-${loopId}`);
  }

  async pickWindow(label: 'Last 8 hours' | 'Last 24 hours' | 'Last 7 days'): Promise<void> {
    await this.page.getByRole('radio', { name: label }).check();
  }

  async pickChartStation(name: string): Promise<void> {
    await this.page.getByTestId('chart-station').selectOption({ label: name });
  }

  async pickChartLoop(partNumber: string): Promise<void> {
    await this.page.getByTestId('chart-loop').selectOption({ label: partNumber });
  }

  /**
   * Pixels of a chart's canvas drawn in a series' colour (within a small distance, for
   * anti-aliasing): the series themselves, not the axes and grid uPlot also draws there.
   */
  async seriesPixels(which: 'cfd' | 'lead' | 'throughput', rgb: readonly [number, number, number]): Promise<number> {
    return this.chart(which)
      .locator('canvas')
      .first()
      .evaluate((c, [r, g, b]) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d');
        if (!ctx) return 0;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let k = 0; k < data.length; k += 4) {
          if (data[k + 3]! < 200) continue;
          if (Math.abs(data[k]! - r!) + Math.abs(data[k + 1]! - g!) + Math.abs(data[k + 2]! - b!) <= 24) n++;
        }
        return n;
      }, rgb);
  }

  /** Applies the sizing of one loop: the button, then the confirmation. */
  async applySizing(loopId: string): Promise<void> {
    const row = this.sizingRow(loopId);
    await row.getByRole('button', { name: /^Set to \d+$/ }).click();
    await row.getByRole('button', { name: 'Apply', exact: true }).click();
  }
}
