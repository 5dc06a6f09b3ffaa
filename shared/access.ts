// Who may run which command, from the command table: its roles, and for an operator the
// station the command acts at. Pure, so a tablet hides and refuses exactly what the
// server refuses.
import type { BoardState } from './board.ts';
import { COMMANDS } from './commands.ts';
import type { Command, CommandFields, CommandType } from './commands.ts';
import { DomainError } from './errors.ts';
import { ErrorCode, Role } from './names.ts';

/** What a credential acts as: its role, and the stations an operator is bound to. */
export interface Access {
  role: Role;
  stationIds: readonly string[];
}

/** The table seen per key, so K's station function takes K's fields. */
const TABLE: {
  [K in CommandType]: {
    roles: readonly Role[];
    station: ((state: BoardState, fields: CommandFields[K]) => string | null) | null;
    summary: string;
  };
} = COMMANDS;

/** Whether the role may run this kind of command at all (to show or hide a control). */
export function roleMay(role: Role, type: CommandType): boolean {
  return TABLE[type].roles.includes(role);
}

/** Throws FORBIDDEN unless `who` may run `command` on this board. */
export function authorize<K extends CommandType>(state: BoardState, command: Command<K>, who: Access): void {
  const type: K = command.type;
  const row = TABLE[type];
  if (!row.roles.includes(who.role)) {
    const why = who.role === Role.VIEWER ? 'A viewer can only watch the board' : `${withArticle(who.role)} may not do this`;
    throw new DomainError(ErrorCode.FORBIDDEN, `${why} (${row.summary.toLowerCase()})`, { role: who.role, command: type });
  }
  if (who.role !== Role.OPERATOR || row.station === null) return;
  const stationId = row.station(state, command);
  if (stationId === null || who.stationIds.includes(stationId)) return;
  const name = Object.hasOwn(state.stations, stationId) ? state.stations[stationId]?.name : undefined;
  throw new DomainError(
    ErrorCode.FORBIDDEN,
    `Only the operators of ${name ?? 'that station'} may do this; you work at ${stationNames(state, who.stationIds)}`,
    { role: who.role, stationId },
  );
}

/** "a lead", "an operator", "an admin". */
export function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'An' : 'A'} ${role}`;
}

function stationNames(state: BoardState, ids: readonly string[]): string {
  const names = ids.map((id) => (Object.hasOwn(state.stations, id) ? state.stations[id]?.name : undefined) ?? id);
  return names.length > 0 ? names.join(', ') : 'no station';
}
