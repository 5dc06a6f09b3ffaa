// Idempotency keys: a command sent again with the same key gets its first answer back
// and changes nothing; the same key with a different command is refused. Answers are
// remembered in the same transaction as the command's events, so a key is never
// recorded for a change that did not commit (nor the other way round).
import { createHash } from 'node:crypto';
import { parseResult } from '../shared/commands.ts';
import type { CommandResults, CommandType } from '../shared/commands.ts';
import { DomainError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/names.ts';
import { ApiErrorSchema } from '../shared/schemas.ts';
import { excerpt } from '../shared/text.ts';
import type { IdempotencyRecord } from './db/repository.ts';

/** The answer to one command, as any transport shapes it. */
export type Answer<K extends CommandType = CommandType> =
  | { ok: true; result: CommandResults[K] }
  | { ok: false; error: DomainError };

/** Hash of the command with its keys sorted: HTTP and the socket build the same command in different key orders. */
export function fingerprintOf(command: object): string {
  return createHash('sha256').update(JSON.stringify(command, sortedKeys)).digest('base64url');
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The most a stored refusal's details may take; larger details are left out. */
export const STORED_DETAILS_CHARS = 1024;
/** The most of a refusal's message that is stored. */
export const STORED_MESSAGE_CHARS = 300;

/**
 * What is stored for a key: the result of a success (bounded by the plant's limits), or
 * `{error}` of a refusal, cut to a bounded size: a refusal costs the caller nothing, so
 * its record must not let anyone fill the disk for the weeks keys are kept.
 */
export function recordOf<K extends CommandType>(key: string, fingerprint: string, answer: Answer<K>): IdempotencyRecord {
  if (answer.ok) return { key, fingerprint, ok: true, body: answer.result };
  const e = answer.error;
  const message = excerpt(e.message, STORED_MESSAGE_CHARS);
  const details = e.details !== undefined && JSON.stringify(e.details).length <= STORED_DETAILS_CHARS ? e.details : undefined;
  return { key, fingerprint, ok: false, body: { error: details === undefined ? { code: e.code, message } : { code: e.code, message, details } } };
}

const StoredRefusal = ApiErrorSchema.transform((e) => e);

/**
 * The first answer again, for a command of type `type` whose key was seen. The stored
 * body is parsed with the command's result schema: a record that does not fit (written
 * by a different version for a different command) is an internal error, never a guess.
 */
export function recall<K extends CommandType>(
  type: K,
  fingerprint: string,
  record: IdempotencyRecord,
  /** The key as the caller sent it (the stored one is scoped to the caller). */
  sentKey: string = record.key,
): Answer<K> {
  if (record.fingerprint !== fingerprint) {
    return {
      ok: false,
      error: new DomainError(ErrorCode.VALIDATION_FAILED, 'This Idempotency-Key was already used for a different request', {
        idempotencyKey: sentKey,
      }),
    };
  }
  if (record.ok) {
    const result = parseResult(type, record.body);
    if (result !== undefined) return { ok: true, result };
  } else if (typeof record.body === 'object' && record.body !== null && 'error' in record.body) {
    const e = StoredRefusal.safeParse(record.body.error);
    if (e.success && isErrorCode(e.data.code)) {
      return { ok: false, error: new DomainError(e.data.code, e.data.message, e.data.details) };
    }
  }
  return { ok: false, error: new DomainError(ErrorCode.INTERNAL, 'The stored answer for this Idempotency-Key cannot be read') };
}

const CODES = new Set<string>(Object.values(ErrorCode));
function isErrorCode(code: string): code is ErrorCode {
  return CODES.has(code);
}
