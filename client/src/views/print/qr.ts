// A card's QR code as one SVG path: black modules on white with the standard quiet zone,
// drawn from the module matrix of uqr (the QR encoder the pairing screen already uses, a
// port of Nayuki's reference encoder: one QR library in the client, not two), so nothing
// is injected as HTML and the path scales to any print size without blurring.
import { encode } from 'uqr';

/** Modules of white around the symbol: the four the QR standard asks for. */
export const QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, quiet zone included: the SVG's viewBox side. */
  size: number;
  /** The dark modules as one path in module units ("M4,4h1v1h-1z..."), runs merged. */
  path: string;
}

/**
 * The QR code of a text at error correction level M (15 % of the symbol may be lost:
 * a card gets scuffed and folded on the shop floor), in the smallest version that holds
 * it. A card's code is eight Crockford base32 characters, all digits and capitals, which
 * the encoder puts in alphanumeric mode: version 1 (21 × 21 modules), the coarsest
 * modules for a given printed size and so the easiest to scan.
 */
export function qrMatrix(text: string): QrMatrix {
  const qr = encode(text, { ecc: 'M', border: QUIET_ZONE });
  const n = qr.size;
  let path = '';
  for (let row = 0; row < n; row++) {
    const line = qr.data[row] ?? [];
    let col = 0;
    while (col < n) {
      if (!line[col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && line[col]) col++;
      path += `M${start},${row}h${col - start}v1h-${col - start}z`;
    }
  }
  return { size: n, path };
}
