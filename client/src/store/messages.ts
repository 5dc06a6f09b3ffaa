// Turns a refusal (error code + details from the server or the local rules) into one
// sentence a person at the line can act on. Numbers and names come from the details,
// so "WIP limit" always says which column and how full it is.
import type { BoardState } from '../../../shared/board.ts';
import { COLUMN_LABELS, ErrorCode } from '../../../shared/names.ts';
import type { Column } from '../../../shared/names.ts';
import type { ApiError } from '../../../shared/schemas.ts';

/** Client-side codes for failures that never reached a server decision. */
export const ClientErrorCode = {
  NO_ANSWER: 'NO_ANSWER',
  /** An unsent move older than the outbox keeps moves (see store/outbox.ts). */
  EXPIRED: 'EXPIRED',
  /** An unsent move made under an older protocol version (see store/outbox.ts). */
  OLD_VERSION: 'OLD_VERSION',
} as const;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function columnLabel(v: unknown): string {
  return typeof v === 'string' && v in COLUMN_LABELS ? COLUMN_LABELS[v as Column] : 'that column';
}

/** The reason part of a refusal message. */
export function refusalReason(error: ApiError, board: BoardState): string {
  const d = error.details ?? {};
  switch (error.code) {
    case ErrorCode.WIP_LIMIT_REACHED: {
      const station = board.stations[str(d.stationId) ?? '']?.name ?? 'this station';
      const limit = num(d.limit);
      const count = num(d.count);
      const figures = limit !== null && count !== null ? ` (${count} / ${limit})` : '';
      return `WIP limit reached: ${station} ${columnLabel(d.column)} is full${figures}. Finish or move work on before adding more.`;
    }
    case ErrorCode.STARVED: {
      const loop = board.loops[str(d.loopId) ?? ''];
      const part = str(d.partNumber) ?? loop?.partNumber ?? 'an input part';
      const name = loop?.partName ? ` ${loop.partName}` : '';
      const supplier = loop ? board.stations[loop.supplierStationId]?.name : undefined;
      return `Starved: no full container of ${part}${name}${supplier ? ` from ${supplier}` : ''}. Call for material.`;
    }
    case ErrorCode.VERSION_CONFLICT:
      return 'Conflict: the card was changed on another screen first. The board now shows where it really is.';
    case ErrorCode.FORBIDDEN:
      return `Not allowed: ${error.message}`;
    case ErrorCode.LIMIT_REACHED: {
      const limit = num(d.limit);
      const what = str(d.what) ?? 'items';
      return `The plant is at its limit${limit !== null ? ` of ${limit} ${what}` : ''}. Remove some first, or ask the administrator to raise the limit.`;
    }
    case ClientErrorCode.NO_ANSWER:
      return 'No answer from the server (connection lost): it may or may not have been saved. Check the board once it is live again; saving again is safe.';
    case ClientErrorCode.OLD_VERSION:
      return `Not sent: ${error.message}. Pullboard was updated since; check the card and do it again if it is still needed.`;
    case ClientErrorCode.EXPIRED:
      return `Not sent: ${error.message || 'it waited too long for a connection'}. Check the card and do it again if it is still needed.`;
    default:
      return error.message || error.code;
  }
}

/** "Start P-100 card 3 / 5 refused — WIP limit reached: ..." */
export function refusalMessage(label: string, error: ApiError, board: BoardState): string {
  return `${label} refused — ${refusalReason(error, board)}`;
}

/** "3 moves made while offline were refused" */
export function refusedTitle(count: number): string {
  return count === 1 ? '1 move made while offline was refused' : `${count} moves made while offline were refused`;
}

/** Header text for moves waiting in the outbox: the count, and what happens to them. */
export function outboxText(count: number, live: boolean): { head: string; detail: string } {
  const moves = count === 1 ? '1 move' : `${count} moves`;
  return live ? { head: `Sending ${moves}…`, detail: '' } : { head: `${moves} not sent yet`, detail: ' — will be sent when back online' };
}
