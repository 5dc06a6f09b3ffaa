import { describe, expect, it } from 'vitest';
import { BadgeBurst } from './badgeReader.ts';

/** Types `text` then Enter with these gaps (ms) before each key; returns what the reader saw. */
function typed(text: string, gaps: number | number[], start = 1_000): string | null {
  const r = new BadgeBurst();
  let at = start;
  const keys = [...text, 'Enter'];
  let out: string | null = null;
  keys.forEach((k, i) => {
    at += Array.isArray(gaps) ? (gaps[i] ?? 0) : gaps;
    out = r.key(k, at);
  });
  return out;
}

describe('badge reader', () => {
  it('reads a fast burst ending with Enter', () => {
    expect(typed('04A1B2C3', 5)).toBe('04A1B2C3');
  });

  it('ignores a person typing', () => {
    expect(typed('04A1B2C3', 120)).toBeNull();
  });

  it('tolerates one delayed key in a fast burst', () => {
    expect(typed('04A1B2C3D4', [0, 3, 3, 66, 3, 3, 3, 3, 3, 3, 3])).toBe('04A1B2C3D4');
  });

  it('needs at least 4 characters', () => {
    expect(typed('04A', 5)).toBeNull();
    expect(typed('04A1', 5)).toBe('04A1');
  });

  it('starts a new burst after a pause, so keys typed before do not stick', () => {
    const r = new BadgeBurst();
    r.key('x', 0);
    r.key('y', 100);
    let at = 1_000;
    for (const k of 'BADGE7') r.key(k, (at += 5));
    expect(r.key('Enter', at + 5)).toBe('BADGE7');
  });

  it('drops the burst on a non-printable key or a modifier', () => {
    const r = new BadgeBurst();
    let at = 0;
    for (const k of 'AB') r.key(k, (at += 5));
    r.key('Shift', (at += 5));
    for (const k of 'CD') r.key(k, (at += 5));
    expect(r.key('Enter', (at += 5))).toBeNull();
    for (const k of 'ABCD') r.key(k, (at += 5), k === 'C');
    expect(r.key('Enter', (at += 5))).toBeNull();
  });

  it('an Enter alone, or a second Enter, reads nothing', () => {
    const r = new BadgeBurst();
    expect(r.key('Enter', 0)).toBeNull();
    let at = 10;
    for (const k of 'ABCDE') r.key(k, (at += 5));
    expect(r.key('Enter', (at += 5))).toBe('ABCDE');
    expect(r.key('Enter', (at += 5))).toBeNull();
  });
});
