import { ErrorCode } from './names.ts';
import { excerpt } from './text.ts';
import type { ApiError } from './schemas.ts';

/** A refusal the caller can act on; carries one of the api.md error codes. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toJSON(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Builds the VALIDATION_FAILED error from zod issues (path and message only). */
export function validationError(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): DomainError {
  const list = issues.slice(0, 20).map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)).join('.'),
    message: i.message,
  }));
  const first = list[0];
  const message = first
    ? `Invalid request: ${first.path ? `${first.path}: ` : ''}${first.message}`
    : 'Invalid request';
  return new DomainError(ErrorCode.VALIDATION_FAILED, message, { issues: list });
}

/** An unknown id; the error repeats only a short prefix of it (it is the caller's input). */
export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `No ${what} with id "${excerpt(id)}"`, { [`${what}Id`]: excerpt(id) });
