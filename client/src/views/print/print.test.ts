// The print view's parts that need no browser: the QR matrix (read back with jsQR), the
// paper a locale gets, the sheets, and the print routes.
import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { cardCode } from '../../../../shared/cardCode.ts';
import { parseRoute, printPath } from '../../router.ts';
import { CARDS_PER_SHEET, intoSheets, paperForLocale } from './paper.ts';
import { QUIET_ZONE, qrMatrix } from './qr.ts';

/** Draws a matrix's path ("M4,4h3v1h-3z...") as RGBA pixels, `scale` pixels a module. */
function rasterize(size: number, path: string, scale: number): Uint8ClampedArray {
  const side = size * scale;
  const px = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of path.matchAll(/M(\d+),(\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let row = y * scale; row < (y + 1) * scale; row++) {
      for (let col = x * scale; col < (x + w) * scale; col++) {
        const i = (row * side + col) * 4;
        px[i] = px[i + 1] = px[i + 2] = 0;
      }
    }
  }
  return px;
}

describe('qrMatrix', () => {
  it('holds the plain code, in version 1 with a four-module quiet zone, and reads back', () => {
    for (const id of ['a', 'card-1', 'f3b0c2d1-9a8e-4f6b-8c7d-1e2f3a4b5c6d']) {
      const code = cardCode(id);
      const { size, path } = qrMatrix(code);
      expect(size).toBe(21 + 2 * QUIET_ZONE);
      const read = jsQR(rasterize(size, path, 4), size * 4, size * 4);
      expect(read?.data).toBe(code);
      expect(read?.version).toBe(1);
    }
  });

  it('leaves the quiet zone white', () => {
    const { size, path } = qrMatrix(cardCode('x'));
    for (const m of path.matchAll(/M(\d+),(\d+)h(\d+)/g)) {
      const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
      expect(x).toBeGreaterThanOrEqual(QUIET_ZONE);
      expect(y).toBeGreaterThanOrEqual(QUIET_ZONE);
      expect(x + w).toBeLessThanOrEqual(size - QUIET_ZONE);
      expect(y + 1).toBeLessThanOrEqual(size - QUIET_ZONE);
    }
  });

  it('takes text that is not alphanumeric in byte mode', () => {
    const { size, path } = qrMatrix('abc-123');
    expect(jsQR(rasterize(size, path, 4), size * 4, size * 4)?.data).toBe('abc-123');
  });
});

describe('paperForLocale', () => {
  it('is Letter in the US and its neighbours, A4 elsewhere and when unknown', () => {
    expect(paperForLocale('en-US')).toBe('letter');
    expect(paperForLocale('en')).toBe('letter'); // likely region: US
    expect(paperForLocale('es-MX')).toBe('letter');
    expect(paperForLocale('fr-CA')).toBe('letter');
    expect(paperForLocale('en-GB')).toBe('a4');
    expect(paperForLocale('de-DE')).toBe('a4');
    expect(paperForLocale('de')).toBe('a4');
    expect(paperForLocale('fr')).toBe('a4');
    expect(paperForLocale(undefined)).toBe('a4');
    expect(paperForLocale('not a locale!')).toBe('a4');
  });
});

describe('intoSheets', () => {
  it('puts 8 cards on a sheet, the last sheet part full', () => {
    const ids = Array.from({ length: 19 }, (_, i) => `c${i}`);
    const sheets = intoSheets(ids);
    expect(sheets.map((s) => s.length)).toEqual([CARDS_PER_SHEET, CARDS_PER_SHEET, 3]);
    expect(sheets.flat()).toEqual(ids);
    expect(intoSheets([])).toEqual([]);
  });
});

describe('print routes', () => {
  it('parses /print/loops/:id and /print/stations/:id, and printPath makes them', () => {
    expect(parseRoute('/print/loops/abc')).toEqual({ name: 'print', of: 'loop', id: 'abc' });
    expect(parseRoute('/print/stations/s%2F1/')).toEqual({ name: 'print', of: 'station', id: 's/1' });
    expect(parseRoute(printPath('loop', 'a b/c'))).toEqual({ name: 'print', of: 'loop', id: 'a b/c' });
    expect(parseRoute(printPath('station', 'x'))).toEqual({ name: 'print', of: 'station', id: 'x' });
  });

  it('is not found for anything else under /print', () => {
    expect(parseRoute('/print').name).toBe('not-found');
    expect(parseRoute('/print/loops').name).toBe('not-found');
    expect(parseRoute('/print/cards/x').name).toBe('not-found');
    expect(parseRoute('/print/loops/a/b').name).toBe('not-found');
    expect(parseRoute('/print/loops/%E0%A4%A').name).toBe('not-found');
  });
});
