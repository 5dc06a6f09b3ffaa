import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, formatPairingCode, pairingCodeComplete, relativeTime, request, stationList } from './api.ts';
import { setBearer } from '../../net/api.ts';

describe('formatPairingCode', () => {
  it.each([
    ['', ''],
    ['abcd', 'ABCD'],
    ['abcde', 'ABCD-E'],
    ['ab cd-ef gh', 'ABCD-EFGH'],
    ['ABCD-EFGH-XYZ', 'ABCD-EFGH'],
    ['a!b@c#d$', 'ABCD'],
  ])('%j -> %j', (input, out) => {
    expect(formatPairingCode(input)).toBe(out);
  });

  it('is stable: formatting a formatted code changes nothing', () => {
    for (const s of ['ABCD-', 'ABCD-E', 'ABCD-EFGH']) expect(formatPairingCode(formatPairingCode(s))).toBe(formatPairingCode(s));
  });

  it('knows a complete code', () => {
    expect(pairingCodeComplete('ABCD-EFGH')).toBe(true);
    expect(pairingCodeComplete('ABCD-EFG')).toBe(false);
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it.each([
    [null, 'never'],
    ['not a date', 'unknown'],
    [ago(5_000), 'just now'],
    [ago(-5_000), 'just now'],
    [ago(5 * 60_000), '5 min ago'],
    [ago(3 * 3_600_000), '3 h ago'],
    [ago(47 * 3_600_000), '47 h ago'],
    [ago(5 * 86_400_000), '5 days ago'],
  ])('%j is %j', (iso, text) => {
    expect(relativeTime(iso, now)).toBe(text);
  });
});

describe('stationList', () => {
  const stations = [
    { id: 'a', name: 'Press', kind: 'process' as const, position: 0 },
    { id: 'b', name: 'Weld', kind: 'process' as const, position: 1 },
  ];
  it('lists names in board order and keeps ids no longer on the board', () => {
    expect(stationList(['b', 'gone', 'a'], stations)).toBe('Press, Weld, (gone)');
    expect(stationList([], stations)).toBe('');
  });
});

describe('request', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setBearer(null);
  });

  function answer(status: number, body: unknown) {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    setBearer('dv_secret');
    return fetchMock;
  }

  it('sends JSON with the device token and parses the answer', async () => {
    const fetchMock = answer(201, { id: 'tk_1', token: 'pbt_x' });
    const out = await request('POST', '/tokens', z.object({ id: z.string(), token: z.string() }), { name: 'ERP', role: 'viewer' });
    expect(out).toEqual({ id: 'tk_1', token: 'pbt_x' });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/tokens');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"name":"ERP","role":"viewer"}');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer dv_secret', 'content-type': 'application/json' });
  });

  it('throws the server error with its code and status', async () => {
    answer(409, { error: { code: 'CONFLICT', message: 'A user named "anna" already exists' } });
    const err = await request('POST', '/users', z.unknown(), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'CONFLICT', status: 409, message: 'A user named "anna" already exists' });
  });

  it('refuses an answer that does not match the schema', async () => {
    answer(200, { users: 'nope' });
    await expect(request('GET', '/users', z.object({ users: z.array(z.string()) }))).rejects.toMatchObject({ code: 'BAD_ANSWER' });
  });

  it('reports a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(request('GET', '/users', z.unknown())).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
  });
});
