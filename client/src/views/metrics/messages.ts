// Every user-visible string of the metrics view, in one keyed object; the words come
// from the message catalogues (client/src/i18n/messages/*.ts, namespace `metrics`) in the
// screen's language. Functions take the figures they word; nothing else in
// views/metrics/ writes prose. Getters read the catalogue when used, so a screen that
// changes its language (the app re-mounts) words everything anew.
import { tr } from '../../i18n/store.ts';

const say = () => tr();

export const m = {
  get title() { return say()('metrics.title'); },
  get navLink() { return say()('metrics.navLink'); },
  get backToBoard() { return say()('metrics.backToBoard'); },
  get screens() { return say()('metrics.screens'); },
  get windowLabel() { return say()('metrics.windowLabel'); },
  windows: {
    get '8h'() { return say()('metrics.windows.8h'); },
    get '24h'() { return say()('metrics.windows.24h'); },
    get '7d'() { return say()('metrics.windows.7d'); },
  },
  get refresh() { return say()('metrics.refresh'); },
  get loading() { return say()('metrics.loading'); },
  failed: (why: string) => say()('metrics.failed', { why }),
  windowSpan: (from: string, to: string) => say()('metrics.windowSpan', { from, to }),
  get csv() { return say()('metrics.csv'); },
  get notLead() { return say()('metrics.notLead'); },

  // Loop table
  get loopsHeading() { return say()('metrics.loopsHeading'); },
  get loopsCaption() { return say()('metrics.loopsCaption'); },
  col: {
    get part() { return say()('metrics.col.part'); },
    get route() { return say()('metrics.col.route'); },
    get throughput() { return say()('metrics.col.throughput'); },
    get leadMean() { return say()('metrics.col.leadMean'); },
    get leadP50() { return say()('metrics.col.leadP50'); },
    get leadP85() { return say()('metrics.col.leadP85'); },
    get leadMax() { return say()('metrics.col.leadMax'); },
    get cycle() { return say()('metrics.col.cycle'); },
    get segWait() { return say()('metrics.col.segWait'); },
    get segProcess() { return say()('metrics.col.segProcess'); },
    get segDone() { return say()('metrics.col.segDone'); },
    get wip() { return say()('metrics.col.wip'); },
    get stockOut() { return say()('metrics.col.stockOut'); },
    get overdue() { return say()('metrics.col.overdue'); },
    get station() { return say()('metrics.col.station'); },
    get starved() { return say()('metrics.col.starved'); },
    get andon() { return say()('metrics.col.andon'); },
    get finishedPerHour() { return say()('metrics.col.finishedPerHour'); },
  },
  noSamples: '—',
  get noSamplesHint() { return say()('metrics.noSamplesHint'); },
  get segmentsNote() { return say()('metrics.segmentsNote'); },
  get stationsHeading() { return say()('metrics.stationsHeading'); },
  get stationsCaption() { return say()('metrics.stationsCaption'); },

  // Charts
  get chartsHeading() { return say()('metrics.chartsHeading'); },
  get chartStation() { return say()('metrics.chartStation'); },
  get chartLoop() { return say()('metrics.chartLoop'); },
  cfdTitle: (station: string) => say()('metrics.cfdTitle', { station }),
  cfdSummary: (station: string, requested: number, done: number, wipR: number, wipP: number) =>
    say()('metrics.cfdSummary', { station, requested, done, wipR, wipP }),
  leadTitle: (part: string) => say()('metrics.leadTitle', { part }),
  leadSummary: (part: string, n: number, p85: number | null, max: number | null) =>
    n === 0
      ? say()('metrics.leadSummaryNone', { part })
      : say()('metrics.leadSummary', {
          part,
          n,
          p85: p85 === null ? '—' : String(Math.round(p85)),
          max: max === null ? '—' : String(Math.round(max)),
        }),
  throughputTitle: (station: string) => say()('metrics.throughputTitle', { station }),
  throughputSummary: (station: string, perHour: number, peak: number) => say()('metrics.throughputSummary', { station, perHour, peak }),
  series: {
    get finished() { return say()('metrics.series.finished'); },
    get inProgress() { return say()('metrics.series.inProgress'); },
    get requested() { return say()('metrics.series.requested'); },
    get leadMean() { return say()('metrics.series.leadMean'); },
    get leadP85() { return say()('metrics.series.leadP85'); },
    get windowP85() { return say()('metrics.series.windowP85'); },
    get throughput() { return say()('metrics.series.throughput'); },
    get plantThroughput() { return say()('metrics.series.plantThroughput'); },
  },
  get chartNoData() { return say()('metrics.chartNoData'); },

  // Sizing
  get sizingHeading() { return say()('metrics.sizingHeading'); },
  get sizingIntro() { return say()('metrics.sizingIntro'); },
  get safetyFactor() { return say()('metrics.safetyFactor'); },
  get safetyFactorHint() { return say()('metrics.safetyFactorHint'); },
  sizingCol: {
    get part() { return say()('metrics.sizingCol.part'); },
    get demand() { return say()('metrics.sizingCol.demand'); },
    get lead() { return say()('metrics.sizingCol.lead'); },
    get qty() { return say()('metrics.sizingCol.qty'); },
    get current() { return say()('metrics.sizingCol.current'); },
    get toyota() { return say()('metrics.sizingCol.toyota'); },
    get sap() { return say()('metrics.sizingCol.sap'); },
    get ifs() { return say()('metrics.sizingCol.ifs'); },
    get diff() { return say()('metrics.sizingCol.diff'); },
    get action() { return say()('metrics.sizingCol.action'); },
  },
  get sizingCaption() { return say()('metrics.sizingCaption'); },
  diffWord: (d: number) =>
    d === 0 ? say()('metrics.diffNone') : d > 0 ? say()('metrics.diffAdd', { n: d }) : say()('metrics.diffRemove', { n: -d }),
  apply: (n: number) => say()('metrics.apply', { n }),
  applyQuestion: (part: string, from: number, to: number) =>
    say()('metrics.applyQuestion', { part, from, to, fewer: to < from ? 'yes' : 'no' }),
  get applyConfirm() { return say()('metrics.applyConfirm'); },
  applied: (part: string, n: number) => say()('metrics.applied', { part, n }),
  get planned() { return say()('metrics.planned'); },
  get measured() { return say()('metrics.measured'); },

  // What-if
  get whatIfHeading() { return say()('metrics.whatIfHeading'); },
  get whatIfIntro() { return say()('metrics.whatIfIntro'); },
  get whatIfStation() { return say()('metrics.whatIfStation'); },
  get whatIfDuration() { return say()('metrics.whatIfDuration'); },
  get whatIfRun() { return say()('metrics.whatIfRun'); },
  get whatIfRunning() { return say()('metrics.whatIfRunning'); },
  get whatIfUnavailable() { return say()('metrics.whatIfUnavailable'); },
  whatIfNone: (station: string, hours: number) => say()('metrics.whatIfNone', { station, hours }),
  whatIfHead: (station: string, hours: number) => say()('metrics.whatIfHead', { station, hours }),
  whatIfStarves: (station: string, after: string, minutes: string, clock: string) => say()('metrics.whatIfStarves', { station, after, minutes, clock }),
  whatIfAfter: (minutes: string) => say()('metrics.whatIfAfter', { minutes }),
  whatIfExtra: (part: string, n: number) => say()('metrics.whatIfExtra', { part, n }),
  get whatIfExtraHeading() { return say()('metrics.whatIfExtraHeading'); },
  get whatIfNoExtra() { return say()('metrics.whatIfNoExtra'); },
  get whatIfDurationError() { return say()('metrics.whatIfDurationError'); },
  get whatIfNoRide() { return say()('metrics.whatIfNoRide'); },
  whatIfModel: (horizon: string) => say()('metrics.whatIfModel', { horizon }),
  get whatIfTruncated() { return say()('metrics.whatIfTruncated'); },
};
