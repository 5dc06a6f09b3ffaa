// The extraction check: no component of the client renders words that are not in a
// catalogue. Walks every .tsx file under client/src (literals.ts says what counts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLiterals } from './literals.ts';

const SRC = path.resolve(import.meta.dirname, '..');

function tsxFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsxFiles(path.join(dir, e.name)) : e.name.endsWith('.tsx') ? [path.join(dir, e.name)] : []));
}

describe('the extraction check', () => {
  const files = tsxFiles(SRC);

  it('covers every component of the client', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files.map((f) => path.relative(SRC, f))).toContain(path.join('views', 'WallTv.tsx'));
  });

  it('finds no untranslated words in any component', () => {
    const found = files.flatMap((f) =>
      findLiterals(path.relative(SRC, f), fs.readFileSync(f, 'utf8')).map((l) => `${l.file}:${l.line} ${l.kind} "${l.text}"`),
    );
    expect(found).toEqual([]);
  });

  it('reports JSX text, rendered literals and visible attributes, not keys or symbols', () => {
    const source = `
      export function A({ busy, n }: { busy: boolean; n: number }) {
        const t = (k: string) => k;
        return (
          <div className="x y" data-testid="a" aria-label="Close the card">
            <p>Loading the board</p>
            <button title={t('common.close')}>{busy ? 'Undoing…' : t('undo')}</button>
            <span aria-label={\`Start \${n}\`}>{n} / {n}</span>
            <span aria-hidden="true">⠿ ↑ —</span>
            {n === 1 ? <i /> : null}
          </div>
        );
      }`;
    expect(findLiterals('a.tsx', source).map((l) => `${l.kind} ${l.text}`)).toEqual([
      'attribute "Close the card"',
      'jsx-text Loading the board',
      'child-expression Undoing…',
      'attribute Start …',
    ]);
  });
});
