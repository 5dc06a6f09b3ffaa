// Builds for figures 5, 6 and 7, run as a child process (so Vite's memory stays out of
// the load generator). Never writes dist/: other engineers use it.
//   PB_BUILD_KIND=app        the client as `vite build` makes it (vite.config.ts), to PB_OUT_DIR
//   PB_BUILD_KIND=profiling  the same, not minified, with react-dom's profiling build
//                            (production React plus Profiler timings) for figure 6
//   PB_BUILD_KIND=floor      PB_FLOOR_ROOT/index.html (the dependencies-only entry), no config
import path from 'node:path';
import { build } from 'vite';

const ROOT = path.resolve(import.meta.dirname, '..');
const kind = process.env.PB_BUILD_KIND;
const outDir = process.env.PB_OUT_DIR;
if (!outDir) throw new Error('PB_OUT_DIR is required');

if (kind === 'app' || kind === 'profiling') {
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, ...(kind === 'profiling' ? { minify: false } : {}) },
    ...(kind === 'profiling'
      ? { resolve: { alias: [{ find: /^react-dom\/client$/, replacement: 'react-dom/profiling' }] } }
      : {}),
  });
} else if (kind === 'floor') {
  const root = process.env.PB_FLOOR_ROOT;
  if (!root) throw new Error('PB_FLOOR_ROOT is required');
  await build({ configFile: false, root, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
} else {
  throw new Error(`unknown PB_BUILD_KIND ${kind}`);
}
