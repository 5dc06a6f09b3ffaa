// The plant simulator (README "Plant simulator"; `npm run simulate`): drives the public
// HTTP API of a running Pullboard the way a plant would. Customers use containers of the
// loops that end at a customer station at random intervals; operators at every other
// station start each requested card after a random wait and finish it after a random
// process time; optionally one station (a supplier, say) stops for a while, with an andon
// line stop raised for it. Time runs `speed` times faster than the clock (speed 60: a
// simulated hour per real minute). Bounded: it stops after `minutes` simulated minutes or
// `maxCommands` commands, whichever comes first, or when `signal` aborts.
//
// It is a library (the metrics tests use it as their load source) and a command line
// (server/cli/simulate.ts). It only sends requests a client may send, with the credential
// it is given (a bearer token, or a user name and password it signs in with).
import { z } from 'zod';
import { Column, StationKind } from '../shared/names.ts';
import { BoardSnapshotSchema } from '../shared/schemas.ts';
import type { BoardSnapshot, Card, Loop } from '../shared/schemas.ts';
import { seededRandom } from '../shared/random.ts';

export interface SimulatorOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:3000 (the API is under /api). */
  url: string;
  /** A bearer token (API token or session); otherwise `username` and `password` sign in. */
  token?: string;
  username?: string;
  password?: string;
  /** Simulated minutes per real minute (default 60). */
  speed?: number;
  /** Simulated minutes to run (default 480, one shift). */
  minutes?: number;
  /** The most commands to send (default 100,000). */
  maxCommands?: number;
  /** Seed of the random draws (default 1): the same seed draws the same times. */
  seed?: number;
  /**
   * Customer demand as a share of what each customer loop is sized for (cardCount
   * containers per lead time): 0.6 by default, so a healthy plant keeps up.
   */
  load?: number;
  /** A station (id or name) that stops `atMinute` simulated minutes in, for `forMinutes`. */
  stop?: { station: string; atMinute: number; forMinutes: number };
  signal?: AbortSignal;
  /** Called with a line of progress now and then. */
  log?: (line: string) => void;
}

export interface SimulatorResult {
  simulatedMinutes: number;
  commands: number;
  uses: number;
  starts: number;
  finishes: number;
  /** Uses that found no full container (retried a simulated minute later). */
  stockOuts: number;
  /** Starts refused because an input had no full container (retried later). */
  starved: number;
  /** Other refusals (a card someone else moved meanwhile, a WIP limit): planned again. */
  refused: number;
}


const ErrorReply = z.object({ error: z.object({ code: z.string() }) });
const SignedIn = z.object({ token: z.string() });

type Plan = { at: number; kind: 'start' | 'finish'; cardId: string; column: Column };

/** Runs the simulation until it is done; resolves with what it did. */
export async function simulate(opts: SimulatorOptions): Promise<SimulatorResult> {
  const speed = opts.speed ?? 60;
  const minutes = opts.minutes ?? 480;
  const maxCommands = opts.maxCommands ?? 100_000;
  const load = opts.load ?? 0.6;
  if (!(speed > 0) || !(minutes > 0) || !(maxCommands > 0) || !(load > 0)) throw new RangeError('speed, minutes, maxCommands and load must be above 0');
  const rnd = seededRandom(opts.seed ?? 1);
  const log = opts.log ?? (() => undefined);
  const base = opts.url.replace(/\/+$/, '');
  const token = opts.token ?? (await signIn(base, opts.username, opts.password));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const result: SimulatorResult = { simulatedMinutes: 0, commands: 0, uses: 0, starts: 0, finishes: 0, stockOuts: 0, starved: 0, refused: 0 };

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${base}/api${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: opts.signal ?? null });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  const command = async (method: string, path: string, body: unknown = {}) => {
    result.commands++;
    const r = await call(method, path, body);
    const code = r.status >= 400 ? (ErrorReply.safeParse(r.body).data?.error.code ?? `HTTP ${r.status}`) : null;
    if (r.status === 401 || r.status === 403) throw new Error(`the server refused the simulator's credential (${code})`);
    return code;
  };
  const board = async (): Promise<BoardSnapshot> => {
    const r = await call('GET', '/board');
    if (r.status !== 200) throw new Error(`GET /api/board -> ${r.status}`);
    return BoardSnapshotSchema.parse(r.body);
  };

  const first = await board();
  let stop: { id: string; from: number; to: number } | null = null;
  if (opts.stop) {
    const { station, atMinute, forMinutes } = opts.stop;
    const st = first.stations.find((s) => s.id === station || s.name === station);
    if (!st) throw new Error(`no station "${station}" to stop`);
    stop = { id: st.id, from: atMinute, to: atMinute + forMinutes };
  }
  let andonRaised = false;

  const msPerMinute = 60_000 / speed;
  const started = performance.now();
  const now = () => (performance.now() - started) / msPerMinute;
  /** Uniform in [0.5, 1.5) x mean. */
  const draw = (mean: number) => mean * (0.5 + rnd());

  // Customer demand: each loop used at a customer station, with its next use.
  const customers = new Set(first.stations.filter((s) => s.kind === StationKind.CUSTOMER).map((s) => s.id));
  const gapOf = (l: Loop) => l.leadTimeMinutes / (l.cardCount * load);
  const demand = new Map<string, number>();
  for (const l of first.loops) if (customers.has(l.consumerStationId)) demand.set(l.id, draw(gapOf(l)));

  const plans = new Map<string, Plan>();
  const loops = new Map<string, Loop>();
  const plan = (c: Card, t: number) => {
    const l = loops.get(c.loopId);
    if (!l) return;
    const old = plans.get(c.id);
    if (old && old.column === c.column) return;
    if (c.column === Column.DONE) {
      plans.delete(c.id);
      return;
    }
    // An operator picks a requested card up after a short wait (10 % of the lead time on
    // average) and works on it for 40 % of it: lead times stay under the planned one.
    const at = c.column === Column.REQUESTED ? t + draw(0.1 * l.leadTimeMinutes) : t + draw(0.4 * l.leadTimeMinutes);
    plans.set(c.id, { at, kind: c.column === Column.REQUESTED ? 'start' : 'finish', cardId: c.id, column: c.column });
  };
  const stopped = (stationId: string, t: number) => stop !== null && stationId === stop.id && t >= stop.from && t < stop.to;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });

  let lastLog = 0;
  while (!opts.signal?.aborted) {
    const t = now();
    if (t >= minutes || result.commands >= maxCommands) break;
    const b = await board();
    loops.clear();
    for (const l of b.loops) loops.set(l.id, l);
    const seen = new Set<string>();
    for (const c of b.cards) {
      seen.add(c.id);
      plan(c, t);
    }
    for (const id of plans.keys()) if (!seen.has(id)) plans.delete(id);

    // The disruption's andon: raised when the stop starts, cleared when it ends.
    if (stop && !andonRaised && t >= stop.from && t < stop.to) {
      andonRaised = (await command('POST', `/stations/${stop.id}/andon`, { kind: 'stop', note: 'Simulated stop' })) === null;
    } else if (stop && andonRaised && t >= stop.to) {
      await command('POST', `/stations/${stop.id}/andon/clear`);
      andonRaised = false;
    }

    // What is due now, oldest first.
    type Due = { at: number; run: () => Promise<void> };
    const due: Due[] = [];
    for (const [loopId, at] of demand) {
      if (at > t) continue;
      due.push({
        at,
        run: async () => {
          const l = loops.get(loopId);
          if (!l) {
            demand.delete(loopId); // retired meanwhile
            return;
          }
          const code = await command('POST', `/loops/${loopId}/consume`);
          if (code === null) {
            result.uses++;
            demand.set(loopId, at + draw(gapOf(l)));
          } else {
            // No full container: the customer waits and tries again in a minute.
            result.stockOuts++;
            demand.set(loopId, t + 1);
          }
        },
      });
    }
    for (const p of plans.values()) {
      if (p.at > t) continue;
      const card = b.cards.find((c) => c.id === p.cardId);
      if (!card || stopped(card.stationId, t)) continue;
      due.push({
        at: p.at,
        run: async () => {
          const to = p.kind === 'start' ? Column.IN_PROGRESS : Column.DONE;
          const code = await command('POST', `/cards/${p.cardId}/move`, { to, expectedVersion: card.version });
          if (code === null) {
            if (p.kind === 'start') result.starts++;
            else result.finishes++;
            plan({ ...card, column: to }, t);
          } else {
            if (code === 'STARVED') result.starved++;
            else result.refused++;
            // Try again in a simulated minute (starved: until an input container arrives).
            plans.set(p.cardId, { ...p, at: t + 1 });
          }
        },
      });
    }
    due.sort((x, y) => x.at - y.at);
    for (const d of due) {
      if (result.commands >= maxCommands || opts.signal?.aborted) break;
      await d.run();
    }
    if (t - lastLog >= 60) {
      lastLog = t;
      log(`${Math.floor(t)} min: ${result.uses} uses, ${result.starts} starts, ${result.finishes} finishes, ${result.stockOuts} stock-outs, ${result.starved} starved`);
    }
    // Until the next thing is due (at most a simulated minute, at least 2 ms).
    const next = Math.min(t + 1, ...[...demand.values()], ...[...plans.values()].map((p) => p.at));
    await sleep(Math.max(2, (next - now()) * msPerMinute));
  }
  if (andonRaised && stop) await command('POST', `/stations/${stop.id}/andon/clear`);
  result.simulatedMinutes = Math.min(minutes, now());
  return result;
}

async function signIn(base: string, username?: string, password?: string): Promise<string> {
  if (!username || !password) throw new Error('the simulator needs a token, or a user name and password');
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sign-in as ${username} -> ${res.status}: ${text.slice(0, 200)}`);
  const parsed = SignedIn.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('the sign-in answer has no token');
  return parsed.data.token;
}
