// The composition root of the browser side: one store, one socket, one BoardSync, the
// outbox kept on the device, and the user actions that go through them. Views import
// actions from here and never touch the socket.
//
// A move goes: store.beginCommand (shown at once, written to the device's outbox) ->
// BoardSync.send with `keep` (in order, after the board is up to date, resent with its
// idempotency key until the server answers) -> store.settleCommand (ok: the server's
// event takes over; refused: rolled back, and listed if it had waited for a connection).
import { Column, ErrorCode, MoveKind } from '../../../shared/names.ts';
import type { AndonKind } from '../../../shared/names.ts';
import { canStepBack, decide, moveKind } from '../../../shared/rules.ts';
import { DomainError } from '../../../shared/errors.ts';
import type { ScanAction } from '../../../shared/schemas.ts';
import type { Ack, CommandPayload } from '../../../shared/protocol.ts';
import type { CommandResults } from '../../../shared/commands.ts';
import type { BoardState } from '../../../shared/board.ts';
import { store } from '../store/hooks.ts';
import { BoardSync } from '../net/sync.ts';
import { closeSocket, createSocket, setSocketToken, socketTransport } from '../net/socket.ts';
import type { PullboardSocket } from '../net/socket.ts';
import { apiParsed } from '../net/api.ts';
import { z } from 'zod';
import { ClientErrorCode, refusalMessage, refusalReason } from '../store/messages.ts';
import type { OptimisticCommand } from '../store/optimistic.ts';
import { attachOutboxStorage } from '../store/outbox.ts';
import type { KeyValueStorage } from '../store/outbox.ts';
import { refusalOf } from './access.ts';
import { ConnectionStatus } from '../store/store.ts';
import { TapGuard, dismissUndo, offerUndo, undoStore } from './undo.ts';
import type { UndoOffer } from './undo.ts';
import { announce, spokenStep } from './announce.ts';
import { tr } from '../i18n/store.ts';

let socket: PullboardSocket | null = null;
let sync: BoardSync | null = null;

export interface ConnectionHooks {
  /** The server refused the socket's credential (signed out, expired, revoked). */
  onUnauthenticated: () => void;
}
let hooks: ConnectionHooks = { onUnauthenticated: () => {} };

/**
 * Starts (once) the board's connection, or reconnects it with another credential:
 * `token` is a device token (sent as auth.token), null for the session cookie. Called by
 * app/session.ts whenever who the screen is changes.
 */
export function openConnection(token: string | null, h: ConnectionHooks): void {
  hooks = h;
  if (socket && sync) {
    setSocketToken(socket, token);
    return;
  }
  // The device's outbox and last board come back before the first subscribe, so moves
  // made before a reload are on screen at once and are sent first, in order.
  const storage = deviceStorage();
  if (storage) {
    const kept = attachOutboxStorage(store, storage, {
      // The bundle's URL carries its content hash: another build, another board cache.
      build: import.meta.url,
      onError: (message) => store.getState().pushAlert('error', message),
    });
    window.addEventListener('pagehide', () => kept.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') kept.flush();
    });
  }
  socket = createSocket(token);
  sync = new BoardSync(store, socketTransport(socket, { onUnauthenticated: () => hooks.onUnauthenticated() }), { fetchLastSeq });
  sync.sendOutbox();
  sync.start();
  // The browser's network events are hints; the socket's state decides.
  window.addEventListener('offline', () => sync?.hintOffline());
  window.addEventListener('online', () => sync?.hintOnline());
  setInterval(() => store.getState().tick(Date.now()), 5_000);
}

/** Signed out: the socket closes and stays closed until `openConnection` again. */
export function closeConnection(): void {
  if (socket) closeSocket(socket);
}

/** localStorage, or null where the browser blocks it (then the outbox lives in memory). */
function deviceStorage(): KeyValueStorage | null {
  try {
    const s = window.localStorage;
    const probe = 'pullboard.probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    store.getState().pushAlert('error', tr()('steps.noStorage'));
    return null;
  }
}

const LastSeq = z.object({ lastSeq: z.number() });

async function fetchLastSeq(): Promise<number | null> {
  const res = await apiParsed(LastSeq, 'GET', `/events?after=${store.getState().confirmed.seq}&limit=1`);
  return res.ok ? res.body.lastSeq : null;
}

/** A key no other command of any screen will use (works on plain-HTTP origins too). */
function newKey(): string {
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
  if (!c || !l) return tr()('steps.aCard');
  return tr()('steps.cardName', { part: l.partNumber, serial: c.serial, count: l.cardCount });
}

export function moveLabel(board: BoardState, cardId: string, to: Column): string {
  const c = board.cards[cardId];
  const kind = c ? moveKind(c.column, to) : null;
  const name = cardName(board, cardId);
  return kind ? tr()(`steps.move.${kind}`, { name }) : tr()('steps.moveTo', { column: tr()(`common.columns.${to}`), name });
}

/**
 * Shows a move at once, keeps it in the device's outbox and sends it until the server
 * answers. The payload sent is derived from `command` (see `toWire`), so what is shown,
 * stored and sent cannot differ.
 */
async function runOptimistic(command: OptimisticCommand, label: string, source: ActionSource = 'tap'): Promise<Ack<{ seq?: number }>> {
  // A second tap on the same button is the same action (see TapGuard). Scans of
  // different cards in quick succession are different actions.
  const live = store.getState().connection.status === ConnectionStatus.LIVE;
  return taps.run(tapKey(command), source === 'tap' ? nearKey(command) : null, live, () => runOnce(command, label));
}

/** A tap on a button (or a drag), or a card's code scanned. */
type ActionSource = 'tap' | 'scan';

const taps = new TapGuard<Ack<{ seq?: number }>>();

/** What an action does, whatever version of the card it carries: the same key is the same tap. */
function tapKey(c: OptimisticCommand): string {
  switch (c.type) {
    case 'card.move':
      return `${c.type}:${c.cardId}:${c.to}:${c.beforeCardId ?? ''}`;
    case 'card.consume':
      return `${c.type}:${c.cardId}`;
    case 'loop.consume':
      return `${c.type}:${c.loopId}`;
  }
}

/** Where a Start or Finish button sits (its station and column); null for other moves. */
function nearKey(c: OptimisticCommand): string | null {
  if (c.type !== 'card.move') return null;
  const card = store.getState().board.cards[c.cardId];
  const kind = card ? moveKind(card.column, c.to) : null;
  return card && (kind === MoveKind.START || kind === MoveKind.FINISH) ? `button:${card.stationId}:${card.column}` : null;
}

const AckedCard = z.object({ card: z.object({ id: z.string(), version: z.number() }) });

async function runOnce(command: OptimisticCommand, label: string): Promise<Ack<{ seq?: number }>> {
  const { identity, board } = store.getState();
  // A Use, Start or Finish can be undone for a few seconds once the server took it.
  const before = command.type === 'card.move' ? board.cards[command.cardId] : undefined;
  const kind = command.type === 'card.move' ? (before ? moveKind(before.column, command.to) : null) : 'consume';
  const step = kind === 'consume' || kind === MoveKind.START || kind === MoveKind.FINISH ? kind : undefined;
  // Who may do it is known here: a refusal of the role or station needs no server.
  const forbidden = refusalOf(board, identity, command);
  if (forbidden !== null) {
    const error = { code: ErrorCode.FORBIDDEN, message: forbidden };
    store.getState().pushAlert('refusal', refusalMessage(label, error, board));
    return { ok: false, error };
  }
  const origin = { actor: identity.name, screen: window.location.pathname };
  // Worded on the board as shown before the step (its cascade), spoken once it is done.
  const spoken = spokenStep(board, command, identity);
  const p = store.getState().beginCommand(newKey(), command, label, origin);
  const ack = await requireSync().sendPending(p);
  if (ack.ok && spoken !== null) announce(spoken);
  const done = AckedCard.safeParse(ack);
  if (ack.ok && step !== undefined && done.success) {
    const { id, version } = done.data.card;
    offerUndo({ cardId: id, version, text: tr()(`steps.done.${step}`, { name: cardName(store.getState().board, id) }) });
  }
  return ack;
}

/** Undoes the step offered (the server decides whether it still may be). */
export async function undoStep(offer: UndoOffer): Promise<boolean> {
  undoStore.setState({ busy: true });
  // A deliberate Undo: tapping the step again right after it is a new action.
  taps.clear();
  const ack = await requireSync().send('card.undo', { cardId: offer.cardId, version: offer.version, idempotencyKey: newKey() });
  if (ack.ok) {
    // The bar says so for a moment (and is announced), then goes.
    if (undoStore.getState().offer?.id === offer.id) undoStore.setState({ busy: false, undone: true, offer: { ...offer, at: Date.now() } });
  } else {
    dismissUndo(offer.id);
    store.getState().pushAlert('refusal', refusalMessage(tr()('steps.undoLabel', { text: offer.text }), ack.error, store.getState().board));
  }
  return ack.ok;
}

// Which moves carry `expectedVersion` (the card's version as this screen saw it), and so
// are refused with VERSION_CONFLICT when the card changed on the server in between. It
// matters most for moves made offline and replayed minutes or hours later:
// - card.move (Start, Finish, Step back, reorder): yes. A move is about a card in the
//   state the operator saw. Without it, a Start of a card someone else already started
//   would reach the server as "In Progress -> In Progress", a mere reorder, and be
//   applied as if nothing were wrong; with it, it is refused and listed. A Finish
//   queued behind a Start of the same card carries the version that Start produces,
//   so it lands if the Start did and is refused if the Start was.
// - card.consume (a lead's Use of one particular container): yes. That container may
//   have been used, refilled and be full again by the time the command arrives.
// - loop.consume (a tablet's Use of an inbound part): no. It means "a full container of
//   this part was used here", and the server takes whatever is the oldest then (FIFO).
//   If none is left it is refused as a stock-out, which is listed.

/** Moves a card (start, finish, step back, or reorder with `beforeCardId`). */
export function moveCard(cardId: string, to: Column, beforeCardId: string | null = null, source: ActionSource = 'tap') {
  const { board, identity } = store.getState();
  const card = board.cards[cardId];
  if (card && moveKind(card.column, to) === MoveKind.STEP_BACK && !canStepBack(identity.role)) {
    // A rule of the role, not of the board's state: no need to ask the server.
    const error = { code: ErrorCode.INVALID_TRANSITION, message: tr()('steps.onlyLeadStepsBack') };
    store.getState().pushAlert('refusal', refusalMessage(moveLabel(board, cardId, to), error, board));
    return Promise.resolve<Ack<{ seq?: number }>>({ ok: false, error });
  }
  const expectedVersion = card?.version;
  const command: OptimisticCommand = {
    type: 'card.move',
    cardId,
    to,
    beforeCardId,
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  };
  return runOptimistic(command, moveLabel(board, cardId, to), source);
}

/** Uses one specific full container (its card goes back upstream as the signal). */
export function consumeCard(cardId: string, source: ActionSource = 'tap') {
  const board = store.getState().board;
  const expectedVersion = board.cards[cardId]?.version;
  const v = expectedVersion !== undefined ? { expectedVersion } : {};
  return runOptimistic({ type: 'card.consume', cardId, ...v }, tr()('steps.use', { name: cardName(board, cardId) }), source);
}

/** Uses the loop's oldest full container (FIFO). */
export function consumeLoop(loopId: string) {
  const board = store.getState().board;
  const part = board.loops[loopId]?.partNumber ?? tr()('steps.container');
  return runOptimistic({ type: 'loop.consume', loopId }, tr()('steps.use', { name: part }));
}

// ---------------------------------------------------------------- configuration

/** Commands a person waits for at a form or button: sent once, not kept in the outbox. */
type ConfigurationCommand =
  | 'station.create'
  | 'station.update'
  | 'station.remove'
  | 'loop.create'
  | 'loop.update'
  | 'loop.retire'
  | 'andon.raise'
  | 'andon.clear';

/** Sends a configuration command (not optimistic); refusals raise an alert too. */
export async function configure<K extends ConfigurationCommand>(
  type: K,
  payload: CommandPayload<K>,
  label: string,
  /** Reuse the key of an attempt that got no answer, so saving again cannot apply it twice. */
  idempotencyKey: string = newKey(),
): Promise<Ack<CommandResults[K]>> {
  const ack = await requireSync().send(type, { ...payload, idempotencyKey });
  if (!ack.ok) store.getState().pushAlert('refusal', refusalMessage(label, ack.error, store.getState().board));
  return ack;
}

// ---------------------------------------------------------------- andon

/** Raises an andon call at a station (a line stop, a call for help or for material). */
export function raiseAndon(stationId: string, kind: AndonKind, note?: string) {
  const name = store.getState().board.stations[stationId]?.name ?? tr()('steps.station');
  return configure('andon.raise', { stationId, kind, ...(note ? { note } : {}) }, tr()('steps.andonAt', { call: tr()(`common.andon.${kind}`), name }));
}

/** Clears the station's andon call. */
export function clearAndon(stationId: string) {
  const name = store.getState().board.stations[stationId]?.name ?? tr()('steps.station');
  return configure('andon.clear', { stationId }, tr()('steps.clearAndonAt', { name }));
}

/**
 * The idempotency key of a form: the same key while an attempt is unanswered (saving
 * again after a lost answer replays the first result instead of creating a second
 * station or loop), a fresh one after a real answer.
 */
export class FormKey {
  private key: string | null = null;
  next(): string {
    this.key ??= newKey();
    return this.key;
  }
  settle(ack: Ack<unknown>): void {
    if (ack.ok || ack.error.code !== ClientErrorCode.NO_ANSWER) this.key = null;
  }
}


// ---------------------------------------------------------------- scanning

export type ScanOutcome =
  | { ok: true; action: ScanAction; label: string; cardId: string }
  | { ok: false; label: string; reason: string };


/**
 * A card code scanned (or typed) at a station. The shared scan rule, run on this
 * screen's board, tells which step it is (Use, Start or Finish: shared/rules.ts
 * `card.scan`), or why none fits, in the server's words. The step is then sent as that
 * same command (a card.consume or card.move with the card's version), so a scan made
 * while the tablet is offline waits in the outbox like a tap on the button would, and
 * the server checks it again. Fixed scanners without a screen use POST /api/scan.
 */
export async function scanCode(text: string, stationId: string): Promise<ScanOutcome> {
  const { board, identity } = store.getState();
  const shown = text.trim().slice(0, 20);
  let decision;
  try {
    decision = decide(board, { type: 'card.scan', code: text, stationId }, {
      now: new Date().toISOString(),
      actor: { kind: identity.kind, id: identity.id, name: identity.name },
      role: identity.role,
      stationIds: identity.stationIds,
      newId: () => 'pending',
    });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const reason = refusalReason(e.toJSON(), board);
    // Nothing was sent, so no alert says it: the scan box shows it, this speaks it.
    announce(tr()('steps.scanNotDone', { code: shown, reason }));
    return { ok: false, label: tr()('steps.scanLabel', { code: shown }), reason };
  }
  const { action, card } = decision.result;
  const name = cardName(board, card.id);
  const label = tr()(`steps.done.${action}`, { name });
  const ack =
    action === 'consume'
      ? await consumeCard(card.id, 'scan')
      : await moveCard(card.id, action === 'start' ? Column.IN_PROGRESS : Column.DONE, null, 'scan');
  return ack.ok ? { ok: true, action, label, cardId: card.id } : { ok: false, label, reason: refusalReason(ack.error, store.getState().board) };
}
