// Figure 7: bundle. The gzip size of the client's JavaScript (every assets/*.js of a
// `vite build` with the project's vite.config.ts, each file gzipped on its own as it is
// served) against the gzip size of its dependencies alone: an entry that imports exactly
// what the client imports from node_modules (found by following the client's own
// imports from client/index.html, type-only imports excluded) and keeps every imported
// binding alive, built by Vite with the same defaults. The ratio is what our own code
// (and the way it pulls the libraries in) adds on top of the libraries' floor.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, runCapture } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';

export interface BundleResult {
  appGzipBytes: number;
  appRawBytes: number;
  appFiles: string[];
  floorGzipBytes: number;
  floorRawBytes: number;
  /** package specifier -> imported names ('default', '*', or named; '' = side effect) */
  dependencies: Record<string, string[]>;
  error?: string;
}

const CLIENT = path.join(ROOT, 'client');

/** Runs bench/build-client.ts (inherits this process's CPU pinning). */
export async function buildClient(kind: 'app' | 'profiling' | 'floor', outDir: string, env: Record<string, string> = {}): Promise<void> {
  await runCapture(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench', 'build-client.ts')],
    { PB_BUILD_KIND: kind, PB_OUT_DIR: outDir, NODE_ENV: 'production', ...env },
    180_000,
  );
}

/** Why the client cannot be built yet, or null when it has an entry. */
export function clientEntryProblem(): string | null {
  const html = path.join(CLIENT, 'index.html');
  if (!fs.existsSync(html)) return 'client/index.html does not exist yet (the client is still being written)';
  const entries = scriptEntries(html);
  const missing = entries.filter((e) => !fs.existsSync(e));
  if (entries.length === 0) return 'client/index.html has no module script';
  if (missing.length > 0) return `client entry ${path.relative(ROOT, missing[0]!)} does not exist yet`;
  return null;
}

function scriptEntries(htmlFile: string): string[] {
  const html = fs.readFileSync(htmlFile, 'utf8');
  const out: string[] = [];
  for (const m of html.matchAll(/<script[^>]*\bsrc=["']([^"']+)["'][^>]*>/g)) {
    const src = m[1]!;
    if (/^https?:/.test(src)) continue;
    out.push(src.startsWith('/') ? path.join(CLIENT, src) : path.resolve(path.dirname(htmlFile), src));
  }
  return out;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const IMPORT_RE =
  /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?((?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s+from\s+)?['"]([^'"\n]+)['"]/g;
const DYNAMIC_RE = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

function resolveRelative(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Value imports from packages reachable from the entries (relative imports followed). */
export function scanDependencies(entries: string[]): { deps: Record<string, Set<string>>; usesJsx: boolean } {
  const deps: Record<string, Set<string>> = {};
  const seen = new Set<string>();
  const queue = [...entries];
  let usesJsx = false;
  const add = (spec: string, names: string[]) => {
    const set = (deps[spec] ??= new Set<string>());
    for (const n of names) set.add(n);
  };
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || !/\.(tsx?|jsx?|mjs)$/.test(file)) continue;
    seen.add(file);
    if (file.endsWith('x')) usesJsx = true;
    const src = stripComments(fs.readFileSync(file, 'utf8'));
    const found: { spec: string; names: string[] }[] = [];
    for (const m of src.matchAll(IMPORT_RE)) {
      const [, kw, typeOnly, clause, spec] = m;
      if (typeOnly || !spec) continue;
      const names: string[] = [];
      if (clause) {
        const c = clause.replace(/\s+from\s+$/, '').trim();
        const named = /\{([^}]*)\}/.exec(c);
        if (named) {
          const items = named[1]!.split(',').map((x) => x.trim()).filter(Boolean);
          const values = items.filter((x) => !x.startsWith('type '));
          if (values.length === 0 && !/^[\w$]+\s*,/.test(c)) continue; // all type-only
          for (const v of values) names.push(v.split(/\s+as\s+/)[0]!.trim());
        }
        if (/^\*/.test(c)) names.push('*');
        const def = /^([\w$]+)\s*(,|$)/.exec(c);
        if (def && kw === 'import') names.push('default');
      } else {
        names.push('');
      }
      found.push({ spec, names });
    }
    for (const m of src.matchAll(DYNAMIC_RE)) found.push({ spec: m[1]!, names: ['*'] });
    for (const { spec, names } of found) {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolveRelative(file, spec);
        if (target) queue.push(target);
      } else if (!spec.startsWith('node:') && !/\.(css|svg|png|json)$/.test(spec)) {
        add(spec, names);
      }
    }
  }
  return { deps, usesJsx };
}

/** Writes the dependencies-only entry (index.html + main.js) into `dir`. */
export function writeFloorEntry(dir: string, deps: Record<string, Set<string>>, usesJsx: boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  const lines: string[] = ['// Generated by bench/figures/bundle.ts: the client\'s dependencies, nothing else.'];
  const keep: string[] = [];
  const all = { ...deps };
  if (usesJsx) all['react/jsx-runtime'] = new Set([...(all['react/jsx-runtime'] ?? []), 'jsx', 'jsxs', 'Fragment']);
  let i = 0;
  for (const [spec, names] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
    const id = `m${i++}`;
    const named = [...names].filter((n) => n !== '' && n !== '*' && n !== 'default');
    if (names.has('*')) {
      lines.push(`import * as ${id} from '${spec}';`);
      keep.push(id);
    }
    if (names.has('default')) {
      lines.push(`import ${id}_default from '${spec}';`);
      keep.push(`${id}_default`);
    }
    if (named.length > 0) {
      lines.push(`import { ${named.map((n, k) => `${n} as ${id}_${k}`).join(', ')} } from '${spec}';`);
      named.forEach((_, k) => keep.push(`${id}_${k}`));
    }
    if (!names.has('*') && !names.has('default') && named.length === 0) lines.push(`import '${spec}';`);
  }
  lines.push(`globalThis.__pullboardFloor = [${keep.join(', ')}];`);
  fs.writeFileSync(path.join(dir, 'main.js'), `${lines.join('\n')}\n`);
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>floor</title></head><body><script type="module" src="./main.js"></script></body></html>\n',
  );
}

export function gzipTotals(outDir: string): { gzip: number; raw: number; files: string[] } {
  const assets = path.join(outDir, 'assets');
  let gzip = 0;
  let raw = 0;
  const files: string[] = [];
  if (!fs.existsSync(assets)) return { gzip, raw, files };
  for (const f of fs.readdirSync(assets).sort()) {
    if (!f.endsWith('.js')) continue;
    const buf = fs.readFileSync(path.join(assets, f));
    raw += buf.length;
    gzip += zlib.gzipSync(buf, { level: 9 }).length;
    files.push(f);
  }
  return { gzip, raw, files };
}

export async function measureBundle(workDir: string, log: (m: string) => void): Promise<BundleResult> {
  const result: BundleResult = { appGzipBytes: NaN, appRawBytes: NaN, appFiles: [], floorGzipBytes: NaN, floorRawBytes: NaN, dependencies: {} };
  const problem = clientEntryProblem();
  if (problem) {
    result.error = problem;
    log(`  not measured: ${problem}`);
    return result;
  }
  try {
    const entries = scriptEntries(path.join(CLIENT, 'index.html'));
    const { deps, usesJsx } = scanDependencies(entries);
    result.dependencies = Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, [...v].sort()]));

    const appOut = path.join(workDir, 'bundle-app');
    await buildClient('app', appOut);
    const app = gzipTotals(appOut);
    result.appGzipBytes = app.gzip;
    result.appRawBytes = app.raw;
    result.appFiles = app.files;

    // The floor entry must resolve packages from this repository's node_modules, so it
    // lives under node_modules/.cache (ignored by git), not in the system temp folder.
    const floorRoot = path.join(ROOT, 'node_modules', '.cache', 'pullboard-bench', 'floor');
    fs.rmSync(floorRoot, { recursive: true, force: true });
    writeFloorEntry(floorRoot, deps, usesJsx);
    const floorOut = path.join(workDir, 'bundle-floor');
    try {
      await buildClient('floor', floorOut, { PB_FLOOR_ROOT: floorRoot });
    } finally {
      fs.rmSync(path.dirname(floorRoot), { recursive: true, force: true });
    }
    const floor = gzipTotals(floorOut);
    result.floorGzipBytes = floor.gzip;
    result.floorRawBytes = floor.raw;
    log(`  app ${round(app.gzip / 1024, 1)} KB gzip (${app.files.length} files), dependencies alone ${round(floor.gzip / 1024, 1)} KB gzip`);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`  bundle failed: ${result.error}`);
  }
  return result;
}
