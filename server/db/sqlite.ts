// SQLite implementation of the repository (better-sqlite3). All SQL of the project
// lives under server/db. Files are opened (WAL, synchronous=FULL: a commit that
// returned is on disk) and migrated by connection.ts; backups go through backup.ts.
import type Database from 'better-sqlite3';
import type { BoardState } from '../../shared/board.ts';
import { EventType } from '../../shared/names.ts';
import type { BoardEvent, Card, Loop, Station } from '../../shared/schemas.ts';
import { backupConnection } from './backup.ts';
import { cardFromRow, eventFromRow, loopFromRow, stationFromRow } from './boardRows.ts';
import type { CardRow, EventRow, LoopRow, StationRow } from './boardRows.ts';
import { openDatabase } from './connection.ts';
import type { BackupInfo, BoardRepository, CommitInput, IdempotencyRecord } from './repository.ts';




export class SqliteRepository implements BoardRepository {
  readonly db: Database.Database;
  private readonly stmts;
  /**
   * Each card's newest event (the cards table's last_seq, kept in memory): the head of
   * the card's history chain, and the card_prev of the next event that names the card.
   */
  private readonly cardHeads = new Map<string, number>();
  /** The heads a commit in progress has moved; they join cardHeads once it commits. */
  private pendingHeads = new Map<string, number>();

  constructor(file: string) {
    this.db = openDatabase(file);
    const db = this.db;
    this.stmts = {
      insertEvent: db.prepare('INSERT INTO events (seq, type, at, actor, data, card_prev) VALUES (?, ?, ?, ?, ?, ?)'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
      firstSeq: db.prepare('SELECT MIN(seq) AS seq FROM events'),
      eventsAfter: db.prepare('SELECT seq, type, at, actor, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
      eventInChain: db.prepare('SELECT seq, type, at, actor, data, card_prev FROM events WHERE seq = ?'),
      cardHeads: db.prepare('SELECT id, last_seq FROM cards WHERE last_seq IS NOT NULL'),
      upsertStation: db.prepare(`INSERT INTO stations
          (id, name, kind, position, wip_in_progress, wip_done, soft_in_progress, soft_done, andon)
          VALUES (@id, @name, @kind, @position, @wip_in_progress, @wip_done, @soft_in_progress, @soft_done, @andon)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
          position = excluded.position, wip_in_progress = excluded.wip_in_progress,
          wip_done = excluded.wip_done, soft_in_progress = excluded.soft_in_progress,
          soft_done = excluded.soft_done, andon = excluded.andon`),
      upsertLoop: db.prepare(`INSERT INTO loops
          (id, part_number, part_name, supplier_station_id, consumer_station_id, card_count, container_qty, lead_time_minutes)
          VALUES (@id, @part_number, @part_name, @supplier_station_id, @consumer_station_id, @card_count, @container_qty, @lead_time_minutes)
        ON CONFLICT (id) DO UPDATE SET part_number = excluded.part_number, part_name = excluded.part_name,
          supplier_station_id = excluded.supplier_station_id, consumer_station_id = excluded.consumer_station_id,
          card_count = excluded.card_count, container_qty = excluded.container_qty,
          lead_time_minutes = excluded.lead_time_minutes`),
      deleteInputs: db.prepare('DELETE FROM loop_inputs WHERE loop_id = ?'),
      insertInput: db.prepare('INSERT INTO loop_inputs (loop_id, input_loop_id, position) VALUES (?, ?, ?)'),
      upsertCard: db.prepare(`INSERT INTO cards
          (id, loop_id, serial, station_id, col, version, cycle, rank, entered_at, entered_seq, requested_at, last_seq)
          VALUES (@id, @loop_id, @serial, @station_id, @col, @version, @cycle, @rank, @entered_at, @entered_seq, @requested_at, @last_seq)
        ON CONFLICT (id) DO UPDATE SET station_id = excluded.station_id, col = excluded.col,
          version = excluded.version, cycle = excluded.cycle, rank = excluded.rank,
          entered_at = excluded.entered_at, entered_seq = excluded.entered_seq,
          requested_at = excluded.requested_at, last_seq = excluded.last_seq`),
      deleteCard: db.prepare('DELETE FROM cards WHERE id = ?'),
      deleteLoop: db.prepare('DELETE FROM loops WHERE id = ?'),
      deleteStation: db.prepare('DELETE FROM stations WHERE id = ?'),
      allStations: db.prepare('SELECT * FROM stations'),
      allLoops: db.prepare('SELECT * FROM loops'),
      allInputs: db.prepare('SELECT loop_id, input_loop_id FROM loop_inputs ORDER BY loop_id, position'),
      allCards: db.prepare('SELECT * FROM cards'),
      // By seq, so the kept log stays one unbroken run even if the clock once stepped
      // back: everything before the first event at or after the cutoff (never the newest).
      pruneEvents: db.prepare(`DELETE FROM events WHERE seq < COALESCE(
          (SELECT MIN(seq) FROM events WHERE at >= ?), (SELECT MAX(seq) FROM events))`),
      pruneIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
      findIdem: db.prepare('SELECT key, fingerprint, ok, body FROM idempotency WHERE key = ?'),
      insertIdem: db.prepare(
        'INSERT INTO idempotency (key, fingerprint, ok, body, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    for (const r of this.stmts.cardHeads.all() as { id: string; last_seq: number }[]) this.cardHeads.set(r.id, r.last_seq);
  }

  loadState(): BoardState {
    const s = this.stmts;
    const inputs = new Map<string, string[]>();
    for (const r of s.allInputs.all() as { loop_id: string; input_loop_id: string }[]) {
      const list = inputs.get(r.loop_id) ?? [];
      list.push(r.input_loop_id);
      inputs.set(r.loop_id, list);
    }
    const stations: Record<string, Station> = {};
    for (const r of s.allStations.all() as StationRow<number>[]) {
      stations[r.id] = stationFromRow(r);
    }
    const loops: Record<string, Loop> = {};
    for (const r of s.allLoops.all() as LoopRow[]) {
      loops[r.id] = loopFromRow(r, inputs.get(r.id) ?? []);
    }
    const cards: Record<string, Card> = {};
    for (const r of s.allCards.all() as CardRow[]) {
      cards[r.id] = cardFromRow(r);
    }
    return { seq: this.lastSeq(), stations, loops, cards };
  }

  commit(input: CommitInput): void {
    this.commitTx(input);
  }

  private readonly commitTx = (input: CommitInput): void => {
    this.pendingHeads = new Map();
    const removed: string[] = [];
    try {
      this.commitRows(input, removed);
      for (const [id, seq] of this.pendingHeads) this.cardHeads.set(id, seq);
      for (const id of removed) this.cardHeads.delete(id);
    } finally {
      this.pendingHeads = new Map();
    }
  };

  private commitRows(input: CommitInput, removed: string[]): void {
    this.db.transaction(() => {
      const expected = this.lastSeq() + 1;
      const first = input.events[0];
      if (first && first.seq !== expected) {
        throw new Error(`event seq ${first.seq} does not follow the log (expected ${expected})`);
      }
      for (const e of input.events) {
        const { seq, type, at, actor, ...data } = e;
        const cardId = 'cardId' in e ? e.cardId : null;
        const prev = cardId === null ? null : this.headOf(cardId);
        this.stmts.insertEvent.run(seq, type, at, JSON.stringify(actor), JSON.stringify(data), prev);
        if (cardId !== null) this.pendingHeads.set(cardId, seq);
        // A card's chain starts at the event that created it (so its history, and an
        // undo of its first step, know the card as it was made).
        if (e.type === EventType.LOOP_CREATED) for (const c of e.cards) this.pendingHeads.set(c.id, seq);
        if (e.type === EventType.LOOP_UPDATED) for (const c of e.addedCards) this.pendingHeads.set(c.id, seq);
        if (e.type === EventType.LOOP_UPDATED || e.type === EventType.LOOP_RETIRED) removed.push(...e.removedCardIds);
        this.writeTouched(e, input.state);
      }
      for (const r of input.idempotency ?? []) this.insertIdempotency(r);
    }).immediate();
  }

  private headOf(cardId: string): number | null {
    return this.pendingHeads.get(cardId) ?? this.cardHeads.get(cardId) ?? null;
  }

  /** Writes the current-state rows an event touched, taken from the state after the command. */
  private writeTouched(e: BoardEvent, state: BoardState): void {
    switch (e.type) {
      case EventType.STATION_CREATED:
      case EventType.STATION_UPDATED:
        this.writeStation(state.stations[e.station.id] ?? e.station);
        return;
      case EventType.LOOP_CREATED:
        this.writeLoop(state.loops[e.loop.id] ?? e.loop);
        for (const c of e.cards) this.writeCard(state.cards[c.id] ?? c);
        return;
      case EventType.LOOP_UPDATED:
        for (const id of e.removedCardIds) this.stmts.deleteCard.run(id);
        this.writeLoop(state.loops[e.loop.id] ?? e.loop);
        for (const c of e.addedCards) this.writeCard(state.cards[c.id] ?? c);
        return;
      case EventType.CARD_MOVED:
      case EventType.CARD_CONSUMED:
      case EventType.CARD_RETURNED:
      case EventType.CARD_UNDONE:
        this.writeCard(state.cards[e.card.id] ?? e.card);
        return;
      case EventType.LOOP_RETIRED:
        // Its cards, its own inputs, then the loop; the loops that used it as an input
        // were updated by the events before this one.
        for (const id of e.removedCardIds) this.stmts.deleteCard.run(id);
        this.stmts.deleteInputs.run(e.loop.id);
        this.stmts.deleteLoop.run(e.loop.id);
        return;
      case EventType.STATION_REMOVED:
        this.stmts.deleteStation.run(e.station.id);
        return;
      case EventType.ANDON_RAISED:
      case EventType.ANDON_CLEARED: {
        const st = state.stations[e.stationId];
        if (st) this.writeStation(st);
        return;
      }
    }
  }

  private writeStation(st: Station): void {
    this.stmts.upsertStation.run({
      id: st.id,
      name: st.name,
      kind: st.kind,
      position: st.position,
      wip_in_progress: st.wipLimits.inProgress,
      wip_done: st.wipLimits.done,
      soft_in_progress: st.softLimits.inProgress ? 1 : 0,
      soft_done: st.softLimits.done ? 1 : 0,
      andon: st.andon === null ? null : JSON.stringify(st.andon),
    });
  }

  private writeLoop(lp: Loop): void {
    this.stmts.upsertLoop.run({
      id: lp.id,
      part_number: lp.partNumber,
      part_name: lp.partName,
      supplier_station_id: lp.supplierStationId,
      consumer_station_id: lp.consumerStationId,
      card_count: lp.cardCount,
      container_qty: lp.containerQty,
      lead_time_minutes: lp.leadTimeMinutes,
    });
    this.stmts.deleteInputs.run(lp.id);
    lp.inputLoopIds.forEach((id, i) => this.stmts.insertInput.run(lp.id, id, i));
  }

  private writeCard(c: Card): void {
    this.stmts.upsertCard.run({
      id: c.id,
      loop_id: c.loopId,
      serial: c.serial,
      station_id: c.stationId,
      col: c.column,
      version: c.version,
      cycle: c.cycle,
      rank: c.rank,
      entered_at: c.enteredAt,
      entered_seq: c.enteredSeq,
      requested_at: c.requestedAt,
      last_seq: this.headOf(c.id),
    });
  }

  private insertIdempotency(r: IdempotencyRecord): void {
    this.stmts.insertIdem.run(r.key, r.fingerprint, r.ok ? 1 : 0, JSON.stringify(r.body), new Date().toISOString());
  }

  findIdempotency(key: string): IdempotencyRecord | undefined {
    const r = this.stmts.findIdem.get(key) as
      | { key: string; fingerprint: string; ok: number; body: string }
      | undefined;
    return r && { key: r.key, fingerprint: r.fingerprint, ok: r.ok === 1, body: JSON.parse(r.body) };
  }

  cardHistory(cardId: string, limit: number): BoardEvent[] {
    const out: BoardEvent[] = [];
    // Back along the chain; it ends at the card's first event or where the log was pruned.
    for (let seq = this.cardHeads.get(cardId) ?? null; seq !== null && out.length < limit; ) {
      const row = this.stmts.eventInChain.get(seq) as (EventRow & { card_prev: number | null }) | undefined;
      if (!row) break;
      out.push(eventFromRow(row));
      seq = row.card_prev;
    }
    return out;
  }

  eventsAfter(after: number, limit: number): BoardEvent[] {
    return (this.stmts.eventsAfter.all(after, limit) as EventRow[]).map(eventFromRow);
  }

  pruneEvents(before: string): number {
    return this.stmts.pruneEvents.run(before).changes;
  }

  pruneIdempotency(before: string): number {
    return this.stmts.pruneIdem.run(before).changes;
  }

  firstSeq(): number | null {
    return (this.stmts.firstSeq.get() as { seq: number | null }).seq;
  }

  logId(): string {
    return (this.db.prepare("SELECT value FROM meta WHERE key = 'log_id'").get() as { value: string }).value;
  }

  lastSeq(): number {
    return (this.stmts.lastSeq.get() as { seq: number }).seq;
  }

  /** An online backup of this connection's database (see backupConnection in backup.ts). */
  backup(file: string): Promise<BackupInfo> {
    return backupConnection(this.db, file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
