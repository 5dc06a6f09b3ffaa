// The lead's metrics view (/metrics, its own chunk with uPlot): a window picker, per-loop
// and per-station tables, three charts with their words, the CSV export, loop sizing
// with one Apply per loop, and the disruption what-if. Figures come from GET /api/metrics
// and /api/metrics/series (shared/metrics.ts on the server); nothing here changes the
// board but Apply.
import { useEffect, useMemo, useState } from 'react';
import type { MetricsReport, MetricsSeries } from '../../../../shared/metrics.ts';
import { useBoardStore, useShallowStore } from '../../store/hooks.ts';
import { stationIds } from '../../store/selectors.ts';
import { NavLink, TopBar } from '../../components/TopBar.tsx';
import { AlertRegion, Loading } from '../../components/Status.tsx';
import { isLead } from '../../app/session.ts';
import { clockTime, duration } from '../../format.ts';
import { Chart } from './Chart.tsx';
import type { ChartSeries } from './Chart.tsx';
import { fetchWindow } from './api.ts';
import { m } from './messages.ts';
import { WINDOW_KEYS, bucketEnds, cumulativeFlow, leadTimeSeries, peak, throughputSeries, windowOf } from './series.ts';
import type { WindowKey } from './series.ts';
import { SizingSection } from './Sizing.tsx';
import { WhatIfSection } from './WhatIf.tsx';
import '../../styles/metrics.css';

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ok'; report: MetricsReport; series: MetricsSeries };

export default function MetricsPage() {
  const lead = useBoardStore((s) => isLead(s.identity.role));
  return (
    <div className="screen screen-metrics">
      <TopBar title={m.title}>
        <nav className="nav" aria-label={m.screens}>
          <NavLink href="/">{m.backToBoard}</NavLink>
        </nav>
      </TopBar>
      <AlertRegion />
      {lead ? (
        <MetricsBody />
      ) : (
        <main className="metrics">
          <p>{m.notLead}</p>
        </main>
      )}
    </div>
  );
}

function MetricsBody() {
  const [key, setKey] = useState<WindowKey>('8h');
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const hasBoard = useBoardStore((s) => s.hasBoard);

  useEffect(() => {
    let live = true;
    const { whole, buckets } = windowOf(key, Date.now());
    setLoaded({ state: 'loading' });
    void fetchWindow(whole, buckets).then((r) => {
      if (!live) return;
      setLoaded(r.ok ? { state: 'ok', report: r.report, series: r.series } : { state: 'failed', message: r.message });
    });
    return () => {
      live = false;
    };
  }, [key, round]);

  const csvHref = loaded.state === 'ok' ? `/api/events.csv?from=${encodeURIComponent(loaded.report.from)}&to=${encodeURIComponent(loaded.report.to)}` : '/api/events.csv';

  return (
    <main className="metrics" aria-busy={loaded.state === 'loading'}>
      <div className="metrics-tools">
        <fieldset className="metrics-window">
          <legend>{m.windowLabel}</legend>
          {WINDOW_KEYS.map((k) => (
            <label key={k} className={`chip-radio${k === key ? ' is-on' : ''}`}>
              <input type="radio" name="metrics-window" value={k} checked={k === key} onChange={() => setKey(k)} />
              {m.windows[k]}
            </label>
          ))}
        </fieldset>
        <button type="button" className="btn" onClick={() => setRound((n) => n + 1)}>
          {m.refresh}
        </button>
        <a className="btn btn-quiet" href={csvHref} download data-testid="events-csv">
          {m.csv}
        </a>
      </div>
      {loaded.state === 'ok' ? (
        <p className="muted small" data-testid="metrics-span">
          {m.windowSpan(stamp(loaded.report.from), stamp(loaded.report.to))}
        </p>
      ) : null}
      {loaded.state === 'loading' || !hasBoard ? <Loading /> : null}
      {loaded.state === 'failed' ? (
        <p className="form-error" role="alert">
          {m.failed(loaded.message)}
        </p>
      ) : null}
      {loaded.state === 'ok' && hasBoard ? (
        <>
          <LoopTable report={loaded.report} />
          <StationTable report={loaded.report} />
          <Charts report={loaded.report} series={loaded.series} />
          <SizingSection report={loaded.report} />
        </>
      ) : null}
      {hasBoard ? <WhatIfSection /> : null}
    </main>
  );
}

function stamp(iso: string): string {
  const ms = Date.parse(iso);
  const d = new Date(ms);
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${clockTime(ms)}`;
}

const min = (x: number | null) => (x === null ? m.noSamples : duration(x));
const num = (x: number, digits = 2) => x.toFixed(digits);

function LoopTable({ report }: { report: MetricsReport }) {
  const loops = useBoardStore((s) => s.board.loops);
  const stations = useBoardStore((s) => s.board.stations);
  const rows = report.loops.filter((l) => loops[l.loopId]);
  return (
    <section className="metrics-section" aria-labelledby="metrics-loops">
      <h2 id="metrics-loops">{m.loopsHeading}</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="metrics-loops">
        <table className="metrics-table" data-testid="metrics-loops">
          <caption className="sr-only">{m.loopsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.col.part}</th>
              <th scope="col" className="col-text">{m.col.route}</th>
              <th scope="col">{m.col.throughput}</th>
              <th scope="col">{m.col.leadMean}</th>
              <th scope="col">{m.col.leadP50}</th>
              <th scope="col">{m.col.leadP85}</th>
              <th scope="col">{m.col.leadMax}</th>
              <th scope="col">{m.col.cycle}</th>
              <th scope="col">{m.col.segWait}</th>
              <th scope="col">{m.col.segProcess}</th>
              <th scope="col">{m.col.segDone}</th>
              <th scope="col">{m.col.wip}</th>
              <th scope="col">{m.col.stockOut}</th>
              <th scope="col">{m.col.overdue}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => {
              const loop = loops[l.loopId]!;
              const seg = l.segmentMinutes;
              return (
                <tr key={l.loopId} data-testid={`metrics-loop-${l.loopId}`} data-finished={l.finished}>
                  <th scope="row">{loop.partNumber}</th>
                  <td className="col-text">
                    {stations[loop.supplierStationId]?.name ?? '?'} → {stations[loop.consumerStationId]?.name ?? '?'}
                  </td>
                  <td>{num(l.throughputPerHour)}</td>
                  <td title={l.leadTimeMinutes.n === 0 ? m.noSamplesHint : undefined}>{min(l.leadTimeMinutes.mean)}</td>
                  <td>{min(l.leadTimeMinutes.p50)}</td>
                  <td>{min(l.leadTimeMinutes.p85)}</td>
                  <td>{min(l.leadTimeMinutes.max)}</td>
                  <td>{min(l.cycleTimeMinutes.mean)}</td>
                  <td>{min(seg.requested.mean)}</td>
                  <td>{min(seg.inProgress.mean)}</td>
                  <td>{min(seg.done.mean)}</td>
                  <td>
                    {num(l.wipMean.requested, 1)} / {num(l.wipMean.inProgress, 1)} / {num(l.wipMean.done, 1)}
                  </td>
                  <td>{duration(l.stockOutMinutes)}</td>
                  <td>{l.overdueNow}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small">{m.segmentsNote}</p>
    </section>
  );
}

function StationTable({ report }: { report: MetricsReport }) {
  const stations = useBoardStore((s) => s.board.stations);
  const order = useShallowStore((s) => stationIds(s.board));
  const byId = new Map(report.stations.map((s) => [s.stationId, s]));
  return (
    <section className="metrics-section" aria-labelledby="metrics-stations">
      <h2 id="metrics-stations">{m.stationsHeading}</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="metrics-stations">
        <table className="metrics-table" data-testid="metrics-stations">
          <caption className="sr-only">{m.stationsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.col.station}</th>
              <th scope="col">{m.col.starved}</th>
              <th scope="col">{m.col.andon}</th>
              <th scope="col">{m.col.finishedPerHour}</th>
            </tr>
          </thead>
          <tbody>
            {order.map((id) => {
              const s = byId.get(id);
              if (!s) return null;
              return (
                <tr key={id}>
                  <th scope="row">{stations[id]?.name ?? id}</th>
                  <td>{duration(s.starvedMinutes)}</td>
                  <td>{duration(s.andonMinutes)}</td>
                  <td>{num(s.finishedPerHour)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// Colours of the series (each also named in the legend and the caption).
const C = {
  requested: '#6b7a90',
  progress: '#1f5fa8',
  done: '#2a7a78',
  mean: '#1f5fa8',
  p85: '#9a5200',
  windowP85: '#b71c1c',
  plant: '#6b7a90',
};

function Charts({ report, series }: { report: MetricsReport; series: MetricsSeries }) {
  const loops = useBoardStore((s) => s.board.loops);
  const stations = useBoardStore((s) => s.board.stations);
  const order = useShallowStore((s) => stationIds(s.board));
  const suppliers = order.filter((id) => Object.values(loops).some((l) => l.supplierStationId === id));
  const loopIds = report.loops.map((l) => l.loopId).filter((id) => loops[id]);
  const [stationId, setStationId] = useState<string>(suppliers[0] ?? '');
  const [loopId, setLoopId] = useState<string>(loopIds[0] ?? '');
  const station = suppliers.includes(stationId) ? stationId : (suppliers[0] ?? '');
  const loop = loopIds.includes(loopId) ? loopId : (loopIds[0] ?? '');
  const x = useMemo(() => bucketEnds(series), [series]);

  const cfd = useMemo(() => cumulativeFlow(series, station), [series, station]);
  const cfdSeries = useMemo<ChartSeries[]>(
    () => [
      { label: m.series.requested, values: cfd.requested, stroke: C.requested, fill: 'rgba(107,122,144,0.25)' },
      { label: m.series.inProgress, values: cfd.inProgress, stroke: C.progress, fill: 'rgba(31,95,168,0.25)' },
      { label: m.series.finished, values: cfd.done, stroke: C.done, fill: 'rgba(42,122,120,0.3)' },
    ],
    [cfd],
  );
  const lead = useMemo(() => leadTimeSeries(series, loop), [series, loop]);
  const leadSeries = useMemo<ChartSeries[]>(
    () => [
      { label: m.series.leadMean, values: lead.mean, stroke: C.mean },
      { label: m.series.leadP85, values: lead.p85, stroke: C.p85, dash: [6, 4] },
      { label: m.series.windowP85, values: lead.windowP85, stroke: C.windowP85, dash: [2, 4] },
    ],
    [lead],
  );
  const tp = useMemo(() => throughputSeries(series, station), [series, station]);
  const tpSeries = useMemo<ChartSeries[]>(
    () => [
      { label: m.series.throughput, values: tp, stroke: C.done, fill: 'rgba(42,122,120,0.35)', bars: true },
      { label: m.series.plantThroughput, values: series.throughputPerHour, stroke: C.plant, dash: [4, 4] },
    ],
    [tp, series],
  );

  const stationName = stations[station]?.name ?? '';
  const part = loops[loop]?.partNumber ?? '';
  const last = cfd.done.length - 1;
  const wholeLoop = report.loops.find((l) => l.loopId === loop);
  const wholeStation = report.stations.find((s) => s.stationId === station);

  return (
    <section className="metrics-section" aria-labelledby="metrics-charts">
      <h2 id="metrics-charts">{m.chartsHeading}</h2>
      <div className="metrics-pickers">
        <label>
          {m.chartStation}{' '}
          <select value={station} onChange={(e) => setStationId(e.target.value)} data-testid="chart-station">
            {suppliers.map((id) => (
              <option key={id} value={id}>
                {stations[id]?.name ?? id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.chartLoop}{' '}
          <select value={loop} onChange={(e) => setLoopId(e.target.value)} data-testid="chart-loop">
            {loopIds.map((id) => (
              <option key={id} value={id}>
                {loops[id]?.partNumber ?? id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="metrics-charts">
        <Chart
          testId="chart-cfd"
          title={m.cfdTitle(stationName)}
          summary={
            last < 0
              ? m.chartNoData
              : m.cfdSummary(stationName, cfd.requested[last] ?? 0, cfd.done[last] ?? 0, wholeStation?.wipMean.requested ?? 0, wholeStation?.wipMean.inProgress ?? 0)
          }
          x={x}
          series={cfdSeries}
          yLabel="cards"
        />
        <Chart
          testId="chart-lead"
          title={m.leadTitle(part)}
          summary={m.leadSummary(part, wholeLoop?.leadTimeMinutes.n ?? 0, wholeLoop?.leadTimeMinutes.p85 ?? null, wholeLoop?.leadTimeMinutes.max ?? null)}
          x={x}
          series={leadSeries}
          yLabel="minutes"
        />
        <Chart
          testId="chart-throughput"
          title={m.throughputTitle(stationName)}
          summary={m.throughputSummary(stationName, wholeStation?.finishedPerHour ?? 0, peak(tp))}
          x={x}
          series={tpSeries}
          yLabel="per hour"
        />
      </div>
    </section>
  );
}
