// The server's metrics index (shared/metrics.ts MetricsIndex): built once from the event
// log, a page at a time, giving the event loop back between pages so a long log does not
// hold up the board's commands; then fed every committed batch through
// BoardService.onEvents. Metrics, risk and what-if queries wait for `ready()` and then
// cost binary searches over the index, not a replay.
//
// Events committed while the log is being read are held and applied once the reading has
// caught up (by seq: what the reading already took is skipped), so none is lost or
// counted twice. When older events were pruned (PULLBOARD_EVENT_RETENTION_DAYS), the index
// starts at the oldest kept event with today's stations and loops and no cards: cards count
// from their next change on (docs/api.md).
import { emptyBoard } from '../shared/board.ts';
import type { BoardState } from '../shared/board.ts';
import { MetricsIndex } from '../shared/metrics.ts';
import type { BoardEvent } from '../shared/schemas.ts';
import type { BoardService } from './service.ts';

/** Events read from the log per page. */
const PAGE = 2000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ServerMetricsIndex {
  private index: MetricsIndex | null = null;
  private pending: BoardEvent[] = [];
  private readonly building: Promise<MetricsIndex>;
  private readonly unsubscribe: () => void;
  /** How long the first build took (ms), for the logs and the benchmark. */
  buildMs = 0;

  constructor(private readonly service: BoardService) {
    this.unsubscribe = service.onEvents((events) => {
      if (this.index === null) this.pending.push(...events);
      else this.feed(this.index, events);
    });
    this.building = this.build();
    // A failed build is reported to every caller of ready(); nothing else waits on it.
    this.building.catch(() => undefined);
  }

  /** The index, once it has caught up with the log. */
  ready(): Promise<MetricsIndex> {
    return this.building;
  }

  close(): void {
    this.unsubscribe();
  }

  private async build(): Promise<MetricsIndex> {
    const started = performance.now();
    let ix: MetricsIndex | null = null;
    let after = 0;
    for (;;) {
      const { events } = await this.service.eventsPage(after, PAGE);
      if (events.length === 0) break;
      if (ix === null) ix = new MetricsIndex(...this.startOf(events[0]!));
      this.feed(ix, events);
      after = ix.seq;
      await nextTurn();
    }
    ix ??= new MetricsIndex(emptyBoard);
    // Caught up: what arrived meanwhile and is newer than the log read goes in, in order.
    this.feed(ix, this.pending);
    this.pending = [];
    this.index = ix;
    this.buildMs = performance.now() - started;
    return ix;
  }

  /** The board the index starts from, and when: the empty board for a log from seq 1. */
  private startOf(first: BoardEvent): [BoardState, number] {
    if (first.seq === 1) return [emptyBoard, Number.NEGATIVE_INFINITY];
    const live = this.service.board;
    return [{ seq: first.seq - 1, stations: { ...live.stations }, loops: { ...live.loops }, cards: {} }, Date.parse(first.at)];
  }

  private feed(ix: MetricsIndex, events: readonly BoardEvent[]): void {
    for (const e of events) if (e.seq === ix.seq + 1) ix.push(e);
  }
}

const indexes = new WeakMap<BoardService, ServerMetricsIndex>();

/** The one index of a service (made on first use; the metrics router makes it at start). */
export function metricsIndexOf(service: BoardService): ServerMetricsIndex {
  let ix = indexes.get(service);
  if (!ix) {
    ix = new ServerMetricsIndex(service);
    indexes.set(service, ix);
  }
  return ix;
}
