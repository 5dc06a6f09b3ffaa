// Optimistic commands, as pure functions over plain data. The board a screen shows is
// always `confirmed` (the server's events, applied with the shared reducer) with the
// still-pending local commands replayed on top by the shared pull rules (`decide`).
// Dropping a pending command therefore *is* the rollback: nothing has to be undone.
import { decide } from '../../../shared/rules.ts';
import type { CommandContext } from '../../../shared/rules.ts';
import type { BoardState } from '../../../shared/board.ts';
import { fullContainers } from '../../../shared/board.ts';
import type { Command } from '../../../shared/commands.ts';
import { eventOf } from '../../../shared/protocol.ts';
import type { CommandPayload } from '../../../shared/protocol.ts';
import type { SocketCommandEvent } from '../../../shared/commands.ts';
import type { Identity } from './store.ts';

/** Commands the client shows before the server confirms them. */
export type OptimisticCommand = Extract<
  Command,
  { type: 'card.move' | 'card.consume' | 'loop.consume' }
>;

export type OptimisticType = OptimisticCommand['type'];
export type OptimisticPayload = CommandPayload<OptimisticType> & { idempotencyKey: string };

/** Where a command was made: who made it (their name) and on which page. */
export interface CommandOrigin {
  actor: string;
  screen: string;
}

export interface PendingCommand {
  /** Idempotency key sent with the command; also its identity here. */
  key: string;
  command: OptimisticCommand;
  /** What goes over the socket, fixed when the command is made (a resend is identical). */
  event: SocketCommandEvent;
  payload: OptimisticPayload;
  origin: CommandOrigin;
  /**
   * The command waited for a connection: made while not live, restored after a reload,
   * or caught by a drop before its answer. Its refusal is then listed until the
   * operator dismisses it, instead of a toast they may never see.
   */
  deferred: boolean;
  /** Words for messages: "Start P-100 card 3 / 5". */
  label: string;
  /** The card the command acts on (for loop.consume, the container it will take). */
  cardId: string | null;
  /**
   * The card's version when the command was issued. The command is replayed only while
   * the confirmed card still has this version: once any event changed the card (our
   * own, or someone else's), the server's state wins and the replay stops.
   */
  baseVersion: number | null;
  /** ISO time the command was made; reused on every replay so cards keep identity. */
  issuedAt: string;
  /** Seq the server reported in its acknowledgement, once it has answered. */
  ackSeq: number | null;
}

const noId = () => 'pending';

/** The socket event and payload of a command (its fields, without `type`), with its idempotency key. */
export function toWire(command: OptimisticCommand, key: string): { event: SocketCommandEvent; payload: OptimisticPayload } {
  const { type, ...fields } = command;
  return { event: eventOf(type), payload: { ...fields, idempotencyKey: key } };
}

/** The rules' context on this screen: who it acts as (the server checks again, for real). */
function localContext(now: string, who: Identity): CommandContext {
  return {
    now,
    actor: { kind: who.kind, id: who.id, name: who.name },
    role: who.role,
    stationIds: who.stationIds,
    newId: noId,
  };
}

/** The card a command will act on in `state`, or null if it cannot be told. */
export function targetCard(state: BoardState, command: OptimisticCommand): string | null {
  switch (command.type) {
    case 'card.move':
    case 'card.consume':
      return command.cardId;
    case 'loop.consume':
      return fullContainers(state, command.loopId)[0]?.id ?? null;
  }
}

/**
 * Replays pending commands over the confirmed board. A command whose card has changed
 * since it was issued, or that the rules now refuse, is skipped (it shows nothing);
 * its fate is decided by the server's answer. While the screen is offline the confirmed
 * board does not move, so everything made offline stays shown; after the resubscribe a
 * command overtaken by another screen's change disappears a moment before its refusal.
 */
export function rebase(
  confirmed: BoardState,
  pending: readonly PendingCommand[],
  who: Identity,
): BoardState {
  let s = confirmed;
  for (const p of pending) {
    if (p.ackSeq !== null && confirmed.seq >= p.ackSeq) continue;
    if (p.cardId !== null) {
      const c = s.cards[p.cardId];
      if (!c || c.version !== p.baseVersion) continue;
      // loop.consume must take the container it was shown taking.
      if (p.command.type === 'loop.consume' && targetCard(s, p.command) !== p.cardId) continue;
    }
    try {
      s = decide(s, p.command, localContext(p.issuedAt, who)).state;
    } catch {
      // Refused locally: show nothing; the server's answer will say why.
    }
  }
  return s;
}

/**
 * Drops the acknowledged commands whose events the confirmed board already includes.
 * Returns the same array when none is, so "pending changed" means something changed
 * (the outbox is written to storage on every change).
 */
export function settle(confirmedSeq: number, pending: readonly PendingCommand[]): PendingCommand[] {
  const kept = pending.filter((p) => p.ackSeq === null || p.ackSeq > confirmedSeq);
  return kept.length === pending.length ? (pending as PendingCommand[]) : kept;
}
