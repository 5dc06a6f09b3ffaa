// One uPlot chart (canvas; ~50 KB, only in this lazily loaded chunk) in a <figure> whose
// caption says in words what the chart shows: a canvas is an image to a screen reader,
// so the figure is named by its title and described by its summary, and the tables
// above carry every number.
import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  /** Stroke colour; the legend names each series in words as well. */
  stroke: string;
  fill?: string;
  dash?: number[];
  /** Bars instead of a line (throughput). */
  bars?: boolean;
}

export function Chart({
  title,
  summary,
  x,
  series,
  yLabel,
  testId,
}: {
  title: string;
  summary: string;
  /** x values in seconds (time). */
  x: readonly number[];
  series: readonly ChartSeries[];
  yLabel: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const summaryId = useId();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(260, Math.floor(el.clientWidth));
    const opts: uPlot.Options = {
      width: width(),
      height: 240,
      scales: { x: { time: true } },
      axes: [{}, { label: yLabel }],
      legend: { show: true },
      series: [
        {},
        ...series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            ...(s.fill ? { fill: s.fill } : {}),
            ...(s.dash ? { dash: s.dash } : {}),
            ...(s.bars ? { paths: uPlot.paths.bars?.({ size: [0.6, 40] }) } : {}),
            spanGaps: false,
          }),
        ),
      ],
    };
    const data: uPlot.AlignedData = [Array.from(x), ...series.map((s) => Array.from(s.values))];
    const plot = new uPlot(opts, data, el);
    // The plot sits in an image role: the canvas and its legend are one picture whose
    // words are the caption.
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: 240 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [x, series, yLabel]);

  return (
    <figure className="chart" data-testid={testId} aria-labelledby={titleId} aria-describedby={summaryId}>
      <figcaption>
        <strong id={titleId}>{title}</strong>
        <span id={summaryId} className="chart-summary" data-testid={`${testId}-summary`}>
          {summary}
        </span>
      </figcaption>
      <div className="chart-plot" ref={box} role="img" aria-labelledby={titleId} aria-describedby={summaryId} />
    </figure>
  );
}
