// Figures 5 and 6, in Debian's Chromium driven by Playwright (the browser runs on the
// load-generator core: it inherits this process's pinning; the server is pinned to the
// server core).
//
// 5. First render: the wall TV page (/tv) served by the real app with a minified client
//    build, fresh browser context each time (cold cache), timed from navigation start
//    (performance.now() = 0) to the moment the DOM holds every card of the board
//    (elements matching [data-testid^="card-"], counted by a MutationObserver installed
//    before any page script). The 1,000-card plant against the demo plant, alternating.
//
// 6. Remote move cost on the 1,000-card board: a non-minified build using react-dom's
//    profiling build, a fake React DevTools hook (installed before the page's scripts)
//    that receives every commit, and one move made through the HTTP API by someone else.
//    For the commit(s) that follow, fibers that performed work (PerformedWork flag) are
//    counted per component name, walking only subtrees React actually visited (as React
//    DevTools does); "commit time" is the root's actualDuration (render time of the
//    commit, React Profiler's figure), summed over those commits. Median over moves.
//
// Every page is signed in: each browser context gets the benchmark's session token as
// the `pullboard_session` cookie for the server's URL before the page opens (as if the
// admin had signed in on that browser), so the page loads its identity and opens its
// socket with the cookie like any signed-in screen.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { SESSION_COOKIE, pullboardEnv } from '../lib/auth.ts';
import { Http, afterMove, copyDatabase, pickTogglers } from '../lib/plant.ts';
import type { Toggler } from '../lib/plant.ts';
import { ROOT, spawnBenchServer } from '../lib/proc.ts';
import type { Pinning, ServerProc } from '../lib/proc.ts';
import { median, round, sleep } from '../lib/stats.ts';
import { buildClient, clientEntryProblem } from './bundle.ts';

export interface FirstRenderResult {
  page: string;
  runs: number;
  plantCards: number;
  demoCards: number;
  plantMs: number;
  demoMs: number;
  error?: string;
}

export interface RemoteMoveResult {
  page: string;
  moves: number;
  cardComponentsMedian: number;
  cardComponentsMax: number;
  componentsMedian: number;
  commitsMedian: number;
  commitMsMedian: number;
  /** From sending the HTTP move to the page's first commit that follows (wall clock). */
  moveToCommitMsMedian: number;
  /** Component name -> times it re-rendered, for the median move. */
  rendered: Record<string, number>;
  /** Where the page's main thread spent one more remote move (CPU profile, self time). */
  profileTop: { fn: string; ms: number }[];
  /** The median move's commits: render duration and what re-rendered in each. */
  commits: { durationMs: number; rendered: Record<string, number> }[];
  error?: string;
}

export interface BrowserOptions {
  pin: Pinning;
  plantDb: string;
  workDir: string;
  runs: number;
  moves: number;
  /** An already built minified client (figure 7's), to reuse. */
  appBuild: string | null;
  log: (msg: string) => void;
}

const VIEWS = path.join(ROOT, 'client', 'src', 'views');
const CHROMIUM = process.env.PULLBOARD_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing that talks to the network on its own. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('@playwright/test');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Why figures 5 and 6 cannot run, or null. */
export function browserProblem(): string | null {
  for (const v of ['WallTv.tsx', 'LeadBoard.tsx']) {
    if (!fs.existsSync(path.join(VIEWS, v))) return `client/src/views/${v} does not exist yet (the client is still being written)`;
  }
  const entry = clientEntryProblem();
  if (entry) return entry;
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  return null;
}

// ---------------------------------------------------------------- in-page scripts

// tsx (esbuild with keepNames) wraps named inner functions in `__name(fn, "name")`; the
// functions below are serialised into the page, where that helper must exist too.
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((fn) => fn);';

/** Records when the page first holds `expected` card elements. */
function installCardCounter(expected: number): void {
  const w = window as unknown as { __pbComplete?: number; __pbMaxCards?: number };
  w.__pbMaxCards = 0;
  const observer = new MutationObserver(() => {
    if (w.__pbComplete !== undefined) return;
    // One element per card (lead board, tablets), or per-column counts (the wall TV
    // shows each column's count and one chip per loop, not one element per card).
    let inCells = 0;
    for (const cell of document.querySelectorAll('[data-testid^="tv-cell-"][data-count]')) {
      inCells += Number((cell as HTMLElement).dataset.count) || 0;
    }
    const n = Math.max(document.querySelectorAll('[data-testid^="card-"]').length, inCells);
    if (n > (w.__pbMaxCards ?? 0)) w.__pbMaxCards = n;
    if (n >= expected) {
      w.__pbComplete = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

interface CommitRecord {
  at: number;
  durationMs: number;
  rendered: Record<string, number>;
}

/** A minimal React DevTools hook that summarises every commit. */
function installCommitRecorder(): void {
  type Fiber = {
    tag: number;
    type: unknown;
    elementType: unknown;
    flags: number;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
    actualDuration?: number;
  };
  const PERFORMED_WORK = 1;
  // FunctionComponent, ClassComponent, ForwardRef, SimpleMemoComponent. A MemoComponent
  // (14) is a wrapper whose inner component is its own child fiber, counted there.
  const COMPONENT_TAGS = new Set([0, 1, 11, 15]);
  const nameOf = (f: Fiber): string => {
    const named = (x: unknown): string => {
      if (typeof x === 'function') {
        const fn = x as { displayName?: string; name?: string };
        return fn.displayName || fn.name || '';
      }
      if (x && typeof x === 'object') {
        const o = x as { displayName?: string; render?: unknown; type?: unknown };
        return o.displayName || named(o.render) || named(o.type);
      }
      return '';
    };
    return named(f.elementType) || named(f.type) || 'Anonymous';
  };
  const commits: CommitRecord[] = [];
  const summarise = (root: { current: Fiber }): CommitRecord => {
    const rendered: Record<string, number> = {};
    const count = (f: Fiber) => {
      const n = nameOf(f);
      rendered[n] = (rendered[n] ?? 0) + 1;
    };
    // Iterative walk: [fiber list head, whole subtree newly mounted?]
    const stack: [Fiber | null, boolean][] = [[root.current.child, false]];
    while (stack.length > 0) {
      const [head, mounted] = stack.pop()!;
      for (let f = head; f; f = f.sibling) {
        const prev = f.alternate;
        if (mounted || prev === null) {
          if (COMPONENT_TAGS.has(f.tag)) count(f);
          stack.push([f.child, true]);
        } else {
          if (COMPONENT_TAGS.has(f.tag) && (f.flags & PERFORMED_WORK) !== 0) count(f);
          // Children React did not visit keep the same child pointer (DevTools' rule).
          if (f.child !== prev.child) stack.push([f.child, false]);
        }
      }
    }
    return { at: performance.timeOrigin + performance.now(), durationMs: root.current.actualDuration ?? Number.NaN, rendered };
  };
  const renderers = new Map<number, unknown>();
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    isDisabled: false,
    supportsFiber: true,
    renderers,
    inject(internals: unknown) {
      const id = renderers.size + 1;
      renderers.set(id, internals);
      return id;
    },
    checkDCE() {},
    onScheduleFiberRoot() {},
    onCommitFiberRoot(_id: number, root: { current: Fiber }) {
      try {
        commits.push(summarise(root));
      } catch {
        commits.push({ at: performance.timeOrigin + performance.now(), durationMs: Number.NaN, rendered: { '(walk failed)': 1 } });
      }
    },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    setStrictMode() {},
  };
  (window as unknown as { __pbCommits: CommitRecord[] }).__pbCommits = commits;
}

// ---------------------------------------------------------------- helpers

async function startStatic(name: string, opts: BrowserOptions, staticDir: string, seed: 'demo' | 'plant'): Promise<ServerProc> {
  const db = path.join(opts.workDir, `browser-${name}`, 'board.db');
  if (seed === 'plant') copyDatabase(opts.plantDb, db);
  return spawnBenchServer({
    name,
    script: 'bench/servers/pullboard-static.ts',
    env: pullboardEnv(db, { PULLBOARD_SEED: seed === 'demo' ? 'demo' : 'none', PB_STATIC_DIR: staticDir }),
    pin: opts.pin,
  });
}

/** A fresh browser context (cold cache) holding the benchmark's session cookie for `http`'s server. */
async function signedInContext(browser: Browser, http: Http): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  if (http.token !== null) {
    await context.addCookies([{ name: SESSION_COOKIE, value: http.token, url: http.base, httpOnly: true, sameSite: 'Lax' }]);
  }
  return context;
}

/**
 * Milliseconds from navigation start until `route` shows all `expected` cards, in a new
 * signed-in browser context (cold cache); each wait is bounded by `timeoutMs`.
 */
export async function timeToCompleteBoard(browser: Browser, http: Http, route: string, expected: number, timeoutMs = 30_000): Promise<number> {
  const url = `${http.base}${route}`;
  const context = await signedInContext(browser, http);
  try {
    const page = await context.newPage();
    // The page's first uncaught error, to say why it never showed the board.
    let pageError: string | null = null;
    page.on('pageerror', (err) => {
      pageError ??= err.message.slice(0, 200);
    });
    await page.addInitScript({ content: NAME_SHIM });
    await page.addInitScript(installCardCounter, expected);
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    try {
      // Playwright's own timeout runs in the page, so a page busy in one long script
      // outlasts it: the bound is kept here too.
      await Promise.race([
        page.waitForFunction(() => (window as unknown as { __pbComplete?: number }).__pbComplete !== undefined, undefined, {
          timeout: timeoutMs,
          polling: 50,
        }),
        sleep(timeoutMs + 1_000).then(() => {
          throw new Error('timed out');
        }),
      ]);
    } catch {
      // A page whose main thread is still busy cannot be asked: bounded.
      const seen = await Promise.race([
        page.evaluate(() => (window as unknown as { __pbMaxCards?: number }).__pbMaxCards ?? 0),
        sleep(2_000).then(() => 'unknown (the page is busy)'),
      ]).catch(() => 'unknown');
      // Closing a page whose script runs on takes as long as the script: crash its
      // renderer first (Page.crash runs on the renderer's IO thread, not its main one).
      await Promise.race([
        page.context().newCDPSession(page).then((cdp) => cdp.send('Page.crash')),
        sleep(3_000),
      ]).catch(() => undefined);
      throw new Error(`${url} showed at most ${seen} of ${expected} cards within ${timeoutMs / 1000} s${pageError === null ? '' : ` (page error: ${pageError})`}`);
    }
    return await page.evaluate(() => (window as unknown as { __pbComplete: number }).__pbComplete);
  } finally {
    await context.close();
  }
}

async function remoteMoveCost(browser: Browser, server: ServerProc, route: string, moves: number): Promise<Omit<RemoteMoveResult, 'page'>> {
  const http = await Http.signIn(server.url);
  const board = await http.board();
  const context = await signedInContext(browser, http);
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: NAME_SHIM });
    await page.addInitScript(installCommitRecorder);
    await page.addInitScript(installCardCounter, board.cards.length);
    await page.goto(`${server.url}${route}`, { waitUntil: 'commit', timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as { __pbComplete?: number }).__pbComplete !== undefined, undefined, {
      timeout: 30_000,
      polling: 50,
    });
    await sleep(1500); // socket subscribed, first effects settled
    const togglers = pickTogglers(board, moves);
    const perMove: {
      cards: number;
      components: number;
      commits: number;
      ms: number;
      toScreen: number;
      rendered: Record<string, number>;
      detail: { durationMs: number; rendered: Record<string, number> }[];
    }[] = [];
    for (const t of togglers) {
      await page.evaluate(() => {
        (window as unknown as { __pbCommits: unknown[] }).__pbCommits.length = 0;
      });
      const sentAt = performance.timeOrigin + performance.now(); // same wall clock as the page's
      await remoteMove(http, t);
      try {
        await page.waitForFunction(() => (window as unknown as { __pbCommits: unknown[] }).__pbCommits.length > 0, undefined, {
          timeout: 5_000,
          polling: 20,
        });
      } catch {
        throw new Error(`no React commit within 5 s of a remote move on ${route}`);
      }
      await sleep(400); // follow-up commits of the same move (effects, transitions)
      const commits = await page.evaluate(() => (window as unknown as { __pbCommits: CommitRecord[] }).__pbCommits.slice());
      const rendered: Record<string, number> = {};
      let ms = 0;
      for (const c of commits) {
        ms += Number.isFinite(c.durationMs) ? c.durationMs : 0;
        for (const [k, v] of Object.entries(c.rendered)) rendered[k] = (rendered[k] ?? 0) + v;
      }
      const cards = Object.entries(rendered).filter(([k]) => k.includes('Card')).reduce((s, [, v]) => s + v, 0);
      const components = Object.values(rendered).reduce((s, v) => s + v, 0);
      const toScreen = commits.length > 0 ? commits[0]!.at - sentAt : Number.NaN;
      perMove.push({ cards, components, commits: commits.length, ms, toScreen, rendered, detail: commits.map((c) => ({ durationMs: round(c.durationMs, 2), rendered: c.rendered })) });
      await sleep(200);
    }
    const profileTop = await profileOneMove(page, http, togglers[0]!);
    const byCards = [...perMove].sort((a, b) => a.cards - b.cards || a.ms - b.ms);
    const mid = byCards[Math.floor((byCards.length - 1) / 2)]!;
    return {
      moves: perMove.length,
      cardComponentsMedian: median(perMove.map((m) => m.cards)),
      cardComponentsMax: Math.max(...perMove.map((m) => m.cards)),
      componentsMedian: median(perMove.map((m) => m.components)),
      commitsMedian: median(perMove.map((m) => m.commits)),
      commitMsMedian: round(median(perMove.map((m) => m.ms)), 2),
      moveToCommitMsMedian: round(median(perMove.map((m) => m.toScreen)), 1),
      rendered: mid.rendered,
      commits: mid.detail,
      profileTop,
    };
  } finally {
    await context.close();
  }
}

/** A lead's move made over HTTP by "someone else": finish, or step back a finished card. */
async function remoteMove(http: Http, t: Toggler): Promise<void> {
  const res = await http.request<unknown>('POST', `/cards/${t.id}/move`, { to: t.column === 'in_progress' ? 'done' : 'in_progress' });
  afterMove(t, { ok: true, ...(res as object) });
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** One more remote move under the Chrome DevTools CPU profiler; top self-time functions. */
async function profileOneMove(page: Page, http: Http, t: Toggler): Promise<{ fn: string; ms: number }[]> {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await remoteMove(http, t);
    await sleep(600);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await cdp.detach();
    const byNode = new Map<number, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (deltas[i] ?? 0)));
    const byName = new Map<string, number>();
    for (const n of profile.nodes) {
      const us = byNode.get(n.id) ?? 0;
      if (us === 0) continue;
      const f = n.callFrame;
      const file = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
      const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
      byName.set(key, (byName.get(key) ?? 0) + us);
    }
    return [...byName]
      .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([fn, us]) => ({ fn, ms: round(us / 1000, 2) }));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- figures

export async function measureBrowser(opts: BrowserOptions): Promise<{ firstRender: FirstRenderResult; remoteMove: RemoteMoveResult[] }> {
  const firstRender: FirstRenderResult = { page: '/tv', runs: 0, plantCards: 0, demoCards: 0, plantMs: NaN, demoMs: NaN };
  const remoteMove: RemoteMoveResult[] = [];
  const problem = browserProblem();
  const notMeasured = (reason: string) => {
    firstRender.error = reason;
    for (const page of ['/tv', '/']) {
      remoteMove.push({ page, moves: 0, cardComponentsMedian: NaN, cardComponentsMax: NaN, componentsMedian: NaN, commitsMedian: NaN, commitMsMedian: NaN, moveToCommitMsMedian: NaN, rendered: {}, commits: [], profileTop: [], error: reason });
    }
  };
  if (problem) {
    opts.log(`  not measured: ${problem}`);
    notMeasured(problem);
    return { firstRender, remoteMove };
  }

  const servers: ServerProc[] = [];
  let browser: Browser | undefined;
  try {
    const appDir = opts.appBuild ?? path.join(opts.workDir, 'browser-app');
    if (!opts.appBuild) await buildClient('app', appDir);
    const profDir = path.join(opts.workDir, 'browser-profiling');
    await buildClient('profiling', profDir);

    browser = await launchChromium();

    // ---- figure 5
    try {
      const demo = await startStatic('demo', opts, appDir, 'demo');
      servers.push(demo);
      const plant = await startStatic('plant', opts, appDir, 'plant');
      servers.push(plant);
      const demoHttp = await Http.signIn(demo.url);
      const plantHttp = await Http.signIn(plant.url);
      firstRender.demoCards = (await demoHttp.board()).cards.length;
      firstRender.plantCards = (await plantHttp.board()).cards.length;
      // One unmeasured load each (server-side caches, Chromium's first start).
      await timeToCompleteBoard(browser, demoHttp, '/tv', firstRender.demoCards);
      await timeToCompleteBoard(browser, plantHttp, '/tv', firstRender.plantCards);
      const d: number[] = [];
      const p: number[] = [];
      for (let r = 0; r < opts.runs; r++) {
        d.push(await timeToCompleteBoard(browser, demoHttp, '/tv', firstRender.demoCards));
        p.push(await timeToCompleteBoard(browser, plantHttp, '/tv', firstRender.plantCards));
      }
      firstRender.runs = d.length;
      firstRender.demoMs = round(median(d), 1);
      firstRender.plantMs = round(median(p), 1);
      opts.log(`  /tv complete: ${firstRender.plantMs} ms with ${firstRender.plantCards} cards, ${firstRender.demoMs} ms with the demo's ${firstRender.demoCards}`);
    } catch (err) {
      firstRender.error = err instanceof Error ? err.message : String(err);
      opts.log(`  first render failed: ${firstRender.error}`);
    } finally {
      for (const s of servers.splice(0)) await s.stop();
    }

    // ---- figure 6
    const prof = await startStatic('profiling', opts, profDir, 'plant');
    servers.push(prof);
    for (const page of ['/tv', '/']) {
      try {
        const r = await remoteMoveCost(browser, prof, page, opts.moves);
        remoteMove.push({ page, ...r });
        opts.log(`  remote move on ${page}: ${r.cardComponentsMedian} card components (max ${r.cardComponentsMax}), ${r.componentsMedian} components, ${r.commitMsMedian} ms in ${r.commitsMedian} commit(s)`);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        opts.log(`  remote move on ${page} failed: ${msg}`);
        remoteMove.push({ page, moves: 0, cardComponentsMedian: NaN, cardComponentsMax: NaN, componentsMedian: NaN, commitsMedian: NaN, commitMsMedian: NaN, moveToCommitMsMedian: NaN, rendered: {}, commits: [], profileTop: [], error: msg });
      }
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    opts.log(`  browser figures failed: ${msg}`);
    if (!firstRender.error && Number.isNaN(firstRender.plantMs)) firstRender.error = msg;
    if (remoteMove.length === 0) notMeasured(msg);
  } finally {
    await browser?.close();
    for (const s of servers) await s.stop();
  }
  return { firstRender, remoteMove };
}
