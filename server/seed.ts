// The demo plant: a hydraulic-cylinder line from an external steel supplier to the
// shipping dock. Card counts come from the Toyota formula; input loops make customer
// demand at shipping cascade upstream. Seeded through the service, so the demo's
// history is ordinary events in the log.
import { Column, Role, StationKind } from '../shared/names.ts';
import type { Actor } from '../shared/schemas.ts';

/** The demo's history is the system's doing, not a person's. */
const SEED_ACTOR: Actor = { kind: 'system', id: 'seed', name: 'Demo seed' };
import { kanbanDemoSizing } from './demo.ts';
import type { Card, Loop, Station } from '../shared/schemas.ts';
import type { Command, CommandResults, CommandType } from '../shared/commands.ts';
import type { BoardService } from './service.ts';

/** Seeds the demo plant when the database is empty; returns whether it did. */
export function seedDemo(service: BoardService): boolean {
  if (service.seq > 0 || Object.keys(service.board.stations).length > 0) return false;
  // Place the seeded history in the recent past, a minute apart per step, so card ages
  // look real (some cards are already past their lead time: overdue).
  let clock = Date.now() - 5 * 60 * 60_000;
  const run = <K extends CommandType>(command: Command<K>, minutes = 1): CommandResults[K] => {
    clock += minutes * 60_000;
    const out = service.execute(command, { actor: SEED_ACTOR, role: Role.ADMIN, now: new Date(Math.min(clock, Date.now())) });
    if (!out.ok) throw new Error(`demo seed failed at ${command.type}: ${out.error.message}`);
    return out.result;
  };
  const station = (name: string, kind: Station['kind'], inProgress: number | null, done: number | null, softDone = false) =>
    run({ type: 'station.create', name, kind, wipLimits: { inProgress, done }, softLimits: { done: softDone } }).station;

  const supplier = station('Nordstahl (supplier)', StationKind.SUPPLIER, null, null);
  const machining = station('Machining', StationKind.PROCESS, 3, 8);
  const welding = station('Welding', StationKind.PROCESS, 2, 5);
  const paint = station('Paint', StationKind.PROCESS, 2, 6, true);
  const assembly = station('Final Assembly', StationKind.PROCESS, 2, 4);
  const shipping = station('Shipping', StationKind.CUSTOMER, null, null);

  const loops: Record<string, Loop> = {};
  for (const spec of kanbanDemoSizing()) {
    const ids = { supplier, machining, welding, paint, assembly, shipping };
    const out = run({
      type: 'loop.create',
      partNumber: spec.partNumber,
      partName: spec.partName,
      supplierStationId: ids[spec.from].id,
      consumerStationId: ids[spec.to].id,
      cardCount: spec.cardCount,
      containerQty: spec.containerQty,
      leadTimeMinutes: spec.leadTimeMinutes,
      inputLoopIds: spec.inputs.map((p) => loops[p]!.id),
    });
    loops[spec.partNumber] = out.loop;
  }

  // Some hours of pull: shipping uses finished cylinders, which cascades upstream.
  const consume = (part: string, minutes = 7) =>
    run({ type: 'loop.consume', loopId: loops[part]!.id }, minutes);
  const move = (cardId: string, to: Card['column'], minutes = 5) =>
    run({ type: 'card.move', cardId, to }, minutes);

  const fg = consume('FG-HC250', 20);
  move(fg.card.id, Column.IN_PROGRESS, 10); // uses a rod, a painted weldment and a seal kit
  move(fg.card.id, Column.DONE, 60);
  consume('FG-HC250', 30);
  const fg2 = consume('FG-HC250', 25);
  move(fg2.card.id, Column.IN_PROGRESS, 10);

  // Upstream stations respond to the signals the cascade emitted.
  const requested = (station: Station) =>
    Object.values(service.board.cards)
      .filter((c) => c.stationId === station.id && c.column === Column.REQUESTED)
      .sort((a, b) => (a.rank < b.rank ? -1 : 1));
  const paintJob = requested(paint)[0];
  if (paintJob) move(paintJob.id, Column.IN_PROGRESS, 15); // uses a weldment and powder
  const weldJob = requested(welding)[0];
  if (weldJob) move(weldJob.id, Column.IN_PROGRESS, 12); // uses a barrel and two end caps
  const rodJob = requested(machining)[0];
  if (rodJob) {
    move(rodJob.id, Column.IN_PROGRESS, 8);
    move(rodJob.id, Column.DONE, 45);
  }
  consume('RM-ENDCAP-80', 3);
  consume('PU-SK50', 4);
  const barrelJob = requested(machining)[0];
  if (barrelJob) move(barrelJob.id, Column.IN_PROGRESS, 6);
  return true;
}
