// HTTP to the Pullboard API with this screen's credential: a paired device sends its
// token as `Authorization: Bearer`, everyone else relies on the session cookie (which
// same-origin requests carry; the browser adds the Origin header the server checks on
// writes). The credential in use is set by app/session.ts.
import { ApiErrorSchema } from '../../../shared/schemas.ts';
import type { ApiError } from '../../../shared/schemas.ts';

let bearer: string | null = null;

/** The token sent as Bearer from now on (a paired device), or null for the cookie. */
export function setBearer(token: string | null): void {
  bearer = token;
}

export function currentBearer(): string | null {
  return bearer;
}

export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; error: ApiError; retryAfterSeconds: number | null };

const NETWORK: ApiError = { code: 'NETWORK', message: 'Cannot reach the Pullboard server' };

/**
 * Calls /api`path`. Never throws: a network failure is status 0. `bearer: null` forces
 * the cookie even when a device token is set (a badge session over a paired tablet).
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { bearer?: string | null } = {},
): Promise<ApiResult<T>> {
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
    return { ok: false, status: 0, error: NETWORK, retryAfterSeconds: null };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok) return { ok: true, status: res.status, body: json as T };
  const parsed = ApiErrorSchema.safeParse(typeof json === 'object' && json !== null && 'error' in json ? json.error : null);
  const error: ApiError = parsed.success ? parsed.data : { code: `HTTP_${res.status}`, message: res.statusText || `HTTP ${res.status}` };
  const retryHeader = Number(res.headers.get('retry-after'));
  const retryDetail = error.details?.retryAfterSeconds;
  const retryAfterSeconds = typeof retryDetail === 'number' ? retryDetail : Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : null;
  return { ok: false, status: res.status, error, retryAfterSeconds };
}
