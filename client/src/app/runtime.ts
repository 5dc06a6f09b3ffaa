// The composition root of the browser side: one store, one socket, one BoardSync, and
// the user actions that go through them. Views import actions from here and never
// touch the socket.
import { COLUMN_LABELS, CommandType, ErrorCode, MoveKind } from '../../../shared/names.ts';
import type { Column } from '../../../shared/names.ts';
import { Role, canStepBack, moveKind } from '../../../shared/rules.ts';
import type { Ack, SocketCommandPayload, SocketCommandResults } from '../../../shared/protocol.ts';
import type { BoardState } from '../../../shared/board.ts';
import { store } from '../store/hooks.ts';
import { BoardSync } from '../net/sync.ts';
import { createSocket, setSocketActor, socketTransport } from '../net/socket.ts';
import type { Actor, PullboardSocket } from '../net/socket.ts';
import { refusalMessage } from '../store/messages.ts';
import type { OptimisticCommand } from '../store/optimistic.ts';

let socket: PullboardSocket | null = null;
let sync: BoardSync | null = null;

export function roleOf(actor: Actor): Role {
  if (actor === 'lead') return Role.LEAD;
  if (actor === 'tv') return Role.VIEWER;
  return Role.OPERATOR;
}

/** Starts (once) or re-identifies the connection for the screen's actor. */
export function connect(actor: Actor): void {
  store.getState().setIdentity(actor, roleOf(actor));
  if (socket && sync) {
    setSocketActor(socket, actor);
    return;
  }
  socket = createSocket(actor);
  sync = new BoardSync(store, socketTransport(socket), { fetchLastSeq });
  sync.start();
  const s = socket;
  window.addEventListener('offline', () => sync?.markOffline());
  // Back online: try now instead of waiting out the reconnect back-off.
  window.addEventListener('online', () => {
    if (!s.connected) {
      s.disconnect();
      s.connect();
    }
  });
  setInterval(() => store.getState().tick(Date.now()), 5_000);
}

async function fetchLastSeq(): Promise<number | null> {
  const res = await fetch(`/api/events?after=${store.getState().confirmed.seq}&limit=1`);
  if (!res.ok) return null;
  const body = (await res.json()) as { lastSeq?: unknown };
  return typeof body.lastSeq === 'number' ? body.lastSeq : null;
}

/** A key no other command of any screen will use (works on plain-HTTP origins too). */
export function newKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `c-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function requireSync(): BoardSync {
  if (!sync) throw new Error('connect() first');
  return sync;
}

// ---------------------------------------------------------------- card actions

/** "P-100 card 3 / 5" */
export function cardName(board: BoardState, cardId: string): string {
  const c = board.cards[cardId];
  const l = c ? board.loops[c.loopId] : undefined;
  if (!c || !l) return 'card';
  return `${l.partNumber} card ${c.serial} / ${l.cardCount}`;
}

const MOVE_VERB: Record<MoveKind, string> = {
  start: 'Start',
  finish: 'Finish',
  step_back: 'Step back',
  reorder: 'Reorder',
};

export function moveLabel(board: BoardState, cardId: string, to: Column): string {
  const c = board.cards[cardId];
  const kind = c ? moveKind(c.column, to) : null;
  const verb = kind ? MOVE_VERB[kind] : `Move to ${COLUMN_LABELS[to]}`;
  return `${verb} ${cardName(board, cardId)}`;
}

async function runOptimistic<E extends 'card:move' | 'card:consume' | 'loop:consume'>(
  event: E,
  command: OptimisticCommand,
  payload: SocketCommandPayload<E>,
  label: string,
): Promise<Ack<SocketCommandResults[E]>> {
  const key = newKey();
  store.getState().beginCommand(key, command, label);
  const ack = await requireSync().send(event, { ...payload, idempotencyKey: key });
  store.getState().settleCommand(key, ack as Ack<{ seq?: number }>);
  return ack;
}

/** Moves a card (start, finish, step back, or reorder with `beforeCardId`). */
export function moveCard(cardId: string, to: Column, beforeCardId: string | null = null) {
  const { board, role } = store.getState();
  const card = board.cards[cardId];
  if (card && moveKind(card.column, to) === MoveKind.STEP_BACK && !canStepBack(role)) {
    // A rule of the role, not of the board's state: no need to ask the server.
    const error = { code: ErrorCode.INVALID_TRANSITION, message: 'Only a team lead may step a card back.' };
    store.getState().pushAlert('refusal', refusalMessage(moveLabel(board, cardId, to), error, board));
    return Promise.resolve<Ack<SocketCommandResults['card:move']>>({ ok: false, error });
  }
  const expectedVersion = card?.version;
  const command: OptimisticCommand = {
    type: CommandType.CARD_MOVE,
    cardId,
    to,
    beforeCardId,
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  };
  return runOptimistic(
    'card:move',
    command,
    { cardId, to, beforeCardId, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
    moveLabel(board, cardId, to),
  );
}

/** Uses one specific full container (its card goes back upstream as the signal). */
export function consumeCard(cardId: string) {
  const board = store.getState().board;
  const expectedVersion = board.cards[cardId]?.version;
  const v = expectedVersion !== undefined ? { expectedVersion } : {};
  return runOptimistic(
    'card:consume',
    { type: CommandType.CARD_CONSUME, cardId, ...v },
    { cardId, ...v },
    `Use ${cardName(board, cardId)}`,
  );
}

/** Uses the loop's oldest full container (FIFO). */
export function consumeLoop(loopId: string) {
  const board = store.getState().board;
  const part = board.loops[loopId]?.partNumber ?? 'container';
  return runOptimistic(
    'loop:consume',
    { type: CommandType.LOOP_CONSUME, loopId },
    { loopId },
    `Use ${part}`,
  );
}

// ---------------------------------------------------------------- configuration

/** Sends a configuration command (not optimistic); refusals raise an alert too. */
export async function configure<E extends 'station:create' | 'station:update' | 'loop:create' | 'loop:update'>(
  event: E,
  payload: SocketCommandPayload<E>,
  label: string,
): Promise<Ack<SocketCommandResults[E]>> {
  const ack = await requireSync().send(event, { ...payload, idempotencyKey: newKey() });
  if (!ack.ok) store.getState().pushAlert('refusal', refusalMessage(label, ack.error, store.getState().board));
  return ack;
}

export { MoveKind };
