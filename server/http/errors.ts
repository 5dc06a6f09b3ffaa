// Every error leaves as {"error": {code, message, details?}} with the api.md status:
// never an HTML page, never a stack trace.
import type { ErrorRequestHandler, Response } from 'express';
import { DomainError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/names.ts';
import type { Logger } from '../logger.ts';

/** HTTP status of each error code (the API's table). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  WIP_LIMIT_REACHED: 409,
  INVALID_TRANSITION: 409,
  STARVED: 409,
  VERSION_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  CONFLICT: 409,
  PAIRING_PENDING: 428,
  RATE_LIMITED: 429,
  PROTOCOL_MISMATCH: 400,
  LIMIT_REACHED: 409,
  INTERNAL: 500,
};

export function sendError(res: Response, err: DomainError): void {
  const wait = err.details?.retryAfterSeconds;
  if (typeof wait === 'number') res.set('Retry-After', String(wait));
  res.status(ERROR_STATUS[err.code]).json({ error: err.toJSON() });
}

/** Maps body-parser and unexpected errors to the documented codes. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof DomainError) return sendError(res, err);
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') {
      return sendError(res, new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is larger than 1 MiB'));
    }
    if (type === 'entity.parse.failed') {
      return sendError(res, new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is not valid JSON'));
    }
    if (typeof type === 'string' && /^(encoding|charset)\.unsupported$|^request\.(aborted|size\.invalid)$|^stream\.encoding\.set$/.test(type)) {
      return sendError(res, new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body could not be read'));
    }
    // The router cannot percent-decode a path id (e.g. /cards/%ZZ/move): an id that
    // matches nothing, whatever its form, is NOT_FOUND (api.md).
    if (err instanceof URIError) {
      return sendError(res, new DomainError(ErrorCode.NOT_FOUND, 'No resource at this path (it is not valid percent-encoding)'));
    }
    // Any other client error of the body reader (e.g. a corrupt gzip body) is the request's fault.
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body could not be read'));
    }
    log.error('unexpected error', err);
    res.status(500).json({ error: { code: ErrorCode.INTERNAL, message: 'Internal error; nothing was changed' } });
  };
}
