// HTTP to the Pullboard API with this screen's credential: a paired device sends its
// token as `Authorization: Bearer`, everyone else relies on the session cookie (which
// same-origin requests carry; the browser adds the Origin header the server checks on
// writes). The credential in use is set by app/session.ts.
import type { z } from 'zod';
import { ApiErrorSchema } from '../../../shared/schemas.ts';
import type { ApiError } from '../../../shared/schemas.ts';
import { tr } from '../i18n/store.ts';

let bearer: string | null = null;

/** The token sent as Bearer from now on (a paired device), or null for the cookie. */
export function setBearer(token: string | null): void {
  bearer = token;
}

export type ApiResult<T = unknown> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; error: ApiError; retryAfterSeconds: number | null };

/** No answer at all (in the screen's language: it may be shown as it is). */
const network = (): ApiError => ({ code: 'NETWORK', message: tr()('net.network') });

/**
 * Calls /api`path`. Never throws: a network failure is status 0. `bearer: null` forces
 * the cookie even when a device token is set (a badge session over a paired tablet).
 * The body of a success is unknown: read it with a schema (`apiParsed`).
 */
export async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { bearer?: string | null } = {},
): Promise<ApiResult> {
  const token = opts.bearer !== undefined ? opts.bearer : bearer;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, status: 0, error: network(), retryAfterSeconds: null };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok) return { ok: true, status: res.status, body: json };
  const parsed = ApiErrorSchema.safeParse(typeof json === 'object' && json !== null && 'error' in json ? json.error : null);
  const error: ApiError = parsed.success ? parsed.data : { code: `HTTP_${res.status}`, message: res.statusText || `HTTP ${res.status}` };
  const retryHeader = Number(res.headers.get('retry-after'));
  const retryDetail = error.details?.retryAfterSeconds;
  const retryAfterSeconds = typeof retryDetail === 'number' ? retryDetail : Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : null;
  return { ok: false, status: res.status, error, retryAfterSeconds };
}

const badAnswer = (): ApiError => ({ code: 'BAD_ANSWER', message: tr()('net.badAnswer') });

/** `api`, with the body of a success read by `schema` (an unreadable one is a failure). */
export async function apiParsed<T>(
  schema: z.ZodType<T>,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { bearer?: string | null } = {},
): Promise<ApiResult<T>> {
  const r = await api(method, path, body, opts);
  if (!r.ok) return r;
  const parsed = schema.safeParse(r.body);
  return parsed.success
    ? { ok: true, status: r.status, body: parsed.data }
    : { ok: false, status: r.status, error: badAnswer(), retryAfterSeconds: null };
}
