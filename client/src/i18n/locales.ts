// The languages Pullboard speaks, and how a screen picks one. Pure (no DOM): the store
// (store.ts) feeds it what the browser, the URL and this device's storage say.

/** The catalogues there are (messages/<locale>.ts); English is the reference. */
export const LOCALES = ['en', 'de', 'es'] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'en';

/** Each language in its own words, for the picker (a German reader finds "Deutsch"). */
export const LOCALE_NAMES: Record<AppLocale, string> = { en: 'English', de: 'Deutsch', es: 'Español' };

export function isAppLocale(v: unknown): v is AppLocale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

/** "de-AT" -> "de", "es-419" -> "es", "fr" -> null: the first of a language list we speak. */
export function matchLocale(wanted: readonly string[]): AppLocale | null {
  for (const tag of wanted) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (isAppLocale(base)) return base;
  }
  return null;
}

/**
 * The language of a screen, first that applies: the URL's `?lang=` (a kiosk's or a
 * tablet's fixed address), this device's choice (the picker; localStorage), the
 * browser's languages, English.
 */
export function chooseLocale(from: { url: string | null; stored: string | null; browser: readonly string[] }): AppLocale {
  return matchLocale([from.url ?? '', from.stored ?? '']) ?? matchLocale(from.browser) ?? DEFAULT_LOCALE;
}
