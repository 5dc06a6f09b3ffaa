// The production build hands out no source maps. The server serves every file of the
// built client to anyone who can reach it, before any sign-in, so a map there would give
// away the whole client source. This file builds the client the way `npm run build`
// does (the same `vite build` and vite.config.ts, only into a temporary folder, so it
// needs no earlier build, leaves dist/ alone and cannot read a stale one), serves that
// folder with the real app, and asks for the map of every script and stylesheet.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import type { App } from './app.ts';
import { silentLogger } from './logger.ts';
import { killAll, runTs } from './testing/processes.ts';

const VITE = path.join('node_modules', 'vite', 'bin', 'vite.js');
/** A comment that points a browser's developer tools at a map (JS `//#`, CSS `/*#`, old `@`). */
const MAP_COMMENT = /[#@]\s*sourceMappingURL\s*=/;

let dir: string;
let clientDir: string;
let app: App | undefined;
let url: string;
/** Every .js and .css file of the build, relative to its folder, with / separators. */
let assets: string[];
let indexHtml: string;

async function filesUnder(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

interface Served {
  status: number;
  contentType: string;
  text: string;
}

async function get(pathname: string): Promise<Served> {
  const res = await fetch(url + pathname);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Whether an answer is a source map (version 3 JSON with mappings), whatever its content type. */
function isSourceMap(r: Served): boolean {
  if (r.status !== 200) return false;
  try {
    const body: unknown = JSON.parse(r.text);
    return typeof body === 'object' && body !== null && 'version' in body && 'mappings' in body;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pullboard-maps-'));
  clientDir = path.join(dir, 'client');
  // `npm run build` is `vite build`; NODE_ENV as that command has it (vitest sets `test`).
  await runTs(VITE, ['build', '--outDir', clientDir, '--emptyOutDir', '--logLevel', 'warn'], { NODE_ENV: 'production' });
  assets = (await filesUnder(clientDir)).filter((f) => /\.(js|mjs|css)$/.test(f));
  indexHtml = await fs.readFile(path.join(clientDir, 'index.html'), 'utf8');
  app = createApp({ dbFile: path.join(dir, 'board.db'), seed: 'none', staticDir: clientDir, logger: silentLogger });
  const address = await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app?.close();
  await killAll();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('production build: no source maps', () => {
  it('writes no .map file and no script or stylesheet points at one', async () => {
    // Not vacuous: the build has scripts (the entry and its lazy chunks) and styles.
    expect(assets.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(1);
    expect(assets.some((f) => f.endsWith('.css'))).toBe(true);
    expect((await filesUnder(clientDir)).filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of assets) {
      const text = await fs.readFile(path.join(clientDir, f), 'utf8');
      expect(MAP_COMMENT.test(text), `${f} has a sourceMappingURL comment`).toBe(false);
    }
  });

  it('the server answers no map for any built script or stylesheet', async () => {
    for (const f of assets) {
      // The file itself is served (so the static folder is really in use) ...
      const file = await get(`/${f}`);
      expect(file.status, `/${f}`).toBe(200);
      expect(MAP_COMMENT.test(file.text), `/${f} as served points at a map`).toBe(false);
      // ... and its map is not: a 404, or the single page the client-side routes fall
      // back to (the server answers any unknown path outside /api with index.html).
      const map = await get(`/${f}.map`);
      expect(isSourceMap(map), `/${f}.map is a source map`).toBe(false);
      const notFound = map.status === 404;
      const spaPage = map.status === 200 && map.contentType.startsWith('text/html') && map.text === indexHtml;
      expect(notFound || spaPage, `/${f}.map answered ${map.status} ${map.contentType}: ${map.text.slice(0, 80)}`).toBe(true);
    }
  });

  it('a map in the folder would be served: the build is what keeps them out', async () => {
    // The check above can fail: the server serves whatever the folder holds, so a build
    // that wrote maps would hand them out.
    const script = assets.find((f) => f.endsWith('.js'));
    if (script === undefined) throw new Error('the build has no script');
    const planted = path.join(clientDir, `${script}.map`);
    await fs.writeFile(planted, JSON.stringify({ version: 3, sources: ['x.ts'], sourcesContent: ['secret'], names: [], mappings: 'AAAA' }));
    try {
      expect(isSourceMap(await get(`/${script}.map`))).toBe(true);
    } finally {
      await fs.rm(planted, { force: true });
    }
    expect(isSourceMap(await get(`/${script}.map`))).toBe(false);
  });
});
