// Every user-visible string of the metrics view (English), in one keyed object, so that
// moving them into the message catalogues (client/src/i18n/) is one file's work.
// Functions take the figures they word; nothing else in views/metrics/ writes prose.

export const m = {
  title: 'Metrics and sizing',
  navLink: 'Metrics',
  backToBoard: 'Lead board',
  screens: 'Screens',
  windowLabel: 'Window',
  windows: { '8h': 'Last 8 hours', '24h': 'Last 24 hours', '7d': 'Last 7 days' },
  refresh: 'Refresh',
  loading: 'Loading the figures…',
  failed: (why: string) => `The figures could not be loaded: ${why}`,
  windowSpan: (from: string, to: string) => `From ${from} to ${to}`,
  csv: 'Download the events as CSV',
  notLead: 'Metrics and sizing are for team leads and admins.',

  // Loop table
  loopsHeading: 'Loops',
  loopsCaption: 'Per loop, over the window: containers finished per hour, replenishment lead time, cycle time, the SAP segments, mean work in process, minutes stocked out and cards overdue now.',
  col: {
    part: 'Part',
    route: 'From → to',
    throughput: 'Finished / h',
    leadMean: 'Lead mean',
    leadP50: 'Lead p50',
    leadP85: 'Lead p85',
    leadMax: 'Lead max',
    cycle: 'Cycle mean',
    segWait: 'Waiting (Requested)',
    segProcess: 'In process',
    segDone: 'Waiting full (Done)',
    wip: 'WIP mean (R / P / D)',
    stockOut: 'Stock-out',
    overdue: 'Overdue now',
    station: 'Station',
    starved: 'Starved',
    andon: 'Andon',
    finishedPerHour: 'Finished / h',
  },
  noSamples: '—',
  noSamplesHint: 'no cycle finished in the window',
  segmentsNote:
    'SAP segments, means over the window: a signal waiting in Requested, the job in process, a full container waiting in Done until it is used. Lead time = waiting + in process.',
  stationsHeading: 'Stations',
  stationsCaption: 'Per station, over the window: minutes starved (work requested, an input empty), minutes with an andon call, containers finished per hour.',

  // Charts
  chartsHeading: 'Charts',
  chartStation: 'Station',
  chartLoop: 'Loop',
  cfdTitle: (station: string) => `Cumulative flow at ${station}`,
  cfdSummary: (station: string, requested: number, done: number, wipR: number, wipP: number) =>
    `${station}: ${requested} signals arrived and ${done} containers reached Done in the window; on average ${wipR.toFixed(1)} cards waited in Requested and ${wipP.toFixed(1)} were in process (the bands between the lines).`,
  leadTitle: (part: string) => `Lead time of ${part} over time`,
  leadSummary: (part: string, n: number, p85: number | null, max: number | null) =>
    n === 0
      ? `${part}: no cycle finished in the window.`
      : `${part}: ${n} cycles finished; p85 ${p85 === null ? '—' : Math.round(p85)} min, longest ${max === null ? '—' : Math.round(max)} min. The table above has every figure.`,
  throughputTitle: (station: string) => `Throughput per hour at ${station}`,
  throughputSummary: (station: string, perHour: number, peak: number) =>
    `${station}: ${perHour.toFixed(2)} containers finished per hour over the window, ${peak.toFixed(2)} in its busiest interval.`,
  series: {
    finished: 'Into Done (cumulative)',
    inProgress: 'Into In Progress (cumulative)',
    requested: 'Into Requested (cumulative)',
    leadMean: 'Lead time, mean (min)',
    leadP85: 'Lead time, p85 (min)',
    windowP85: 'p85 of the window (min)',
    throughput: 'Finished per hour, this station',
    plantThroughput: 'Finished per hour, whole plant',
  },
  chartNoData: 'No data in this window yet.',

  // Sizing
  sizingHeading: 'Loop sizing',
  sizingIntro:
    'Recommended cards from measured demand and measured lead time over the window. Toyota (the recommendation): N = ⌈D × L × (1 + α) / C⌉. SAP: N = ⌈L × D / C × (1 + α) + K⌉ with K = 0. IFS: N = ⌈(D × L + SS + lot) / C⌉ with safety stock SS = α × D × L and lot = one container.',
  safetyFactor: 'Safety factor α',
  safetyFactorHint: '0 to 5; 0.1 is 10 %',
  sizingCol: {
    part: 'Part',
    demand: 'Demand (pcs / h)',
    lead: 'Lead time used',
    qty: 'Container',
    current: 'Cards now',
    toyota: 'Toyota',
    sap: 'SAP',
    ifs: 'IFS',
    diff: 'Change',
    action: 'Apply',
  },
  sizingCaption: 'Per loop: recommended card counts by three forms beside the current count.',
  diffWord: (d: number) => (d === 0 ? 'no change' : d > 0 ? `add ${d}` : `remove ${-d}`),
  apply: (n: number) => `Set to ${n}`,
  applyQuestion: (part: string, from: number, to: number) =>
    `Set ${part} from ${from} to ${to} cards? Every screen shows the change; it is logged as a loop update.${to < from ? ' Empty containers are withdrawn first, then full ones; never cards in process.' : ' New cards start as signals in Requested at the supplier.'}`,
  applyConfirm: 'Apply',
  applied: (part: string, n: number) => `${part} now has ${n} cards.`,
  planned: 'planned',
  measured: 'measured',

  // What-if
  whatIfHeading: 'What if a station stops?',
  whatIfIntro:
    'Simulates forward from the live board with the measured demand and lead times. It never changes the board.',
  whatIfStation: 'Station or supplier',
  whatIfDuration: 'Stops for (hours)',
  whatIfRun: 'Run the what-if',
  whatIfRunning: 'Simulating…',
  whatIfUnavailable: 'The server has no what-if yet (POST /api/whatif).',
  whatIfNone: (station: string, hours: number) => `If ${station} stops for ${hours} h, no station starves.`,
  whatIfHead: (station: string, hours: number) => `If ${station} stops for ${hours} h:`,
  whatIfStarves: (station: string, after: string, minutes: string, clock: string) => `${station} starves ${after} (at ${clock}), ${minutes} in all`,
  whatIfAfter: (minutes: string) => `after ${minutes}`,
  whatIfExtra: (part: string, n: number) => `${part}: ${n} extra ${n === 1 ? 'card' : 'cards'} would ride it out`,
  whatIfExtraHeading: 'Extra cards that would ride it out',
  whatIfNoExtra: 'No extra cards needed.',
  whatIfDurationError: 'Hours: a number above 0, at most 168 (7 days).',
  whatIfNoRide: 'No number of extra cards within the search\'s bound rides this stop out.',
  whatIfModel: (horizon: string) =>
    `Simulated over ${horizon} from now with the demand and times of the last 7 days; the board is not changed.`,
  whatIfTruncated: 'The simulation stopped early (too many steps): the figures cover less time.',
} as const;
