// Paper and layout of the printed card sheets. A card is the same size on both papers
// (90 × 58 mm, 2 across and 4 down with 6 mm between them for the crop marks), so the
// cards of a plant fit the same sleeves whichever paper its printers take.

export type PaperId = 'a4' | 'letter';

export interface Paper {
  id: PaperId;
  /** "A4", "Letter": the choice's name. */
  short: string;
  label: string;
  /** The CSS `@page { size }` keyword. */
  cssSize: string;
  widthMm: number;
  heightMm: number;
}

export const PAPERS: Record<PaperId, Paper> = {
  a4: { id: 'a4', short: 'A4', label: 'A4 (210 × 297 mm)', cssSize: 'A4', widthMm: 210, heightMm: 297 },
  letter: { id: 'letter', short: 'Letter', label: 'Letter (8.5 × 11 in)', cssSize: 'letter', widthMm: 215.9, heightMm: 279.4 },
};

export const CARD_WIDTH_MM = 90;
export const CARD_HEIGHT_MM = 58;
export const COLUMNS_PER_SHEET = 2;
export const ROWS_PER_SHEET = 4;
export const CARDS_PER_SHEET = COLUMNS_PER_SHEET * ROWS_PER_SHEET;

/**
 * Regions that use US Letter (the Americas that follow the US, and the Philippines);
 * everywhere else takes A4.
 */
const LETTER_REGIONS = new Set(['US', 'CA', 'MX', 'PR', 'PH', 'CL', 'CO', 'VE', 'GT', 'CR', 'PA', 'DO', 'SV', 'NI']);

/** The paper a browser language most likely prints on: "en-US" Letter, "de-DE" or "en-GB" A4. */
export function paperForLocale(locale: string | undefined): PaperId {
  if (!locale) return 'a4';
  try {
    // "en" alone reads as en-US (maximize() adds the likely region).
    const region = new Intl.Locale(locale).maximize().region;
    return region !== undefined && LETTER_REGIONS.has(region) ? 'letter' : 'a4';
  } catch {
    return 'a4';
  }
}

/** localStorage: the paper last chosen on this computer (a plant's printers rarely change). */
export const PAPER_KEY = 'pullboard.print.paper.v1';

export function isPaperId(value: unknown): value is PaperId {
  return value === 'a4' || value === 'letter';
}

/** The paper chosen before on this computer, else the one of the browser's language. */
export function initialPaper(): PaperId {
  try {
    const kept = window.localStorage.getItem(PAPER_KEY);
    if (isPaperId(kept)) return kept;
  } catch {
    // no storage: fall through to the locale
  }
  return paperForLocale(typeof navigator === 'undefined' ? undefined : navigator.language);
}

export function keepPaper(paper: PaperId): void {
  try {
    window.localStorage.setItem(PAPER_KEY, paper);
  } catch {
    // not kept: the choice still holds for this page
  }
}

/** The items in sheets of `perSheet` (the last one may be short). */
export function intoSheets<T>(items: readonly T[], perSheet = CARDS_PER_SHEET): T[][] {
  const sheets: T[][] = [];
  for (let i = 0; i < items.length; i += perSheet) sheets.push(items.slice(i, i + perSheet));
  return sheets;
}
