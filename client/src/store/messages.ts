// Turns a refusal (error code + details from the server or the local rules) into one
// sentence a person at the line can act on, in this screen's language (i18n/). Numbers and names come from the details,
// so "WIP limit" always says which column and how full it is.
import type { BoardState } from '../../../shared/board.ts';
import { COLUMNS, ErrorCode } from '../../../shared/names.ts';
import type { Column } from '../../../shared/names.ts';
import type { ApiError } from '../../../shared/schemas.ts';
import { tr } from '../i18n/store.ts';

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
  return isColumn(v) ? tr()(`common.columns.${v}`) : tr()('refusal.thatColumn');
}

function isColumn(v: unknown): v is Column {
  return typeof v === 'string' && (COLUMNS as readonly string[]).includes(v);
}

/** The reason part of a refusal message, in this screen's language. */
export function refusalReason(error: ApiError, board: BoardState): string {
  const t = tr();
  const d = error.details ?? {};
  switch (error.code) {
    case ErrorCode.WIP_LIMIT_REACHED: {
      const station = board.stations[str(d.stationId) ?? '']?.name ?? t('refusal.thisStation');
      const limit = num(d.limit);
      const count = num(d.count);
      const hasFigures = limit !== null && count !== null;
      return t('refusal.wipLimit', { station, column: columnLabel(d.column), hasFigures: hasFigures ? 'yes' : 'no', count: count ?? 0, limit: limit ?? 0 });
    }
    case ErrorCode.STARVED: {
      const loop = board.loops[str(d.loopId) ?? ''];
      const part = str(d.partNumber) ?? loop?.partNumber ?? t('refusal.anInputPart');
      const partName = loop?.partName ? loop.partName : 'none';
      const supplier = (loop ? board.stations[loop.supplierStationId]?.name : undefined) ?? 'none';
      return t('refusal.starved', { part, partName, supplier });
    }
    case ErrorCode.VERSION_CONFLICT:
      return t('refusal.conflict');
    case ErrorCode.FORBIDDEN:
      return t('refusal.forbidden', { message: error.message });
    case ErrorCode.LIMIT_REACHED: {
      const limit = num(d.limit);
      const what = str(d.what) ?? t('refusal.items');
      return t('refusal.plantLimit', { hasLimit: limit !== null ? 'yes' : 'no', limit: limit ?? 0, what });
    }
    case ClientErrorCode.NO_ANSWER:
      return t('refusal.noAnswer');
    case ClientErrorCode.OLD_VERSION:
      return t('refusal.oldVersion', { message: error.message });
    case ClientErrorCode.EXPIRED:
      return t('refusal.expired', { message: error.message || t('refusal.expiredDefault') });
    default:
      return error.message || error.code;
  }
}

/** "Start P-100 card 3 / 5 refused — WIP limit reached: ..." */
export function refusalMessage(label: string, error: ApiError, board: BoardState): string {
  return tr()('refusal.refused', { label, reason: refusalReason(error, board) });
}

/** "3 moves made while offline were refused" */
export function refusedTitle(count: number): string {
  return tr()('refusal.refusedTitle', { count });
}

/** Header text for moves waiting in the outbox: the count, and what happens to them. */
export function outboxText(count: number, live: boolean): { head: string; detail: string } {
  const t = tr();
  return live
    ? { head: t('refusal.outboxSending', { count }), detail: '' }
    : { head: t('refusal.outboxWaiting', { count }), detail: t('refusal.outboxWaitingDetail') };
}
