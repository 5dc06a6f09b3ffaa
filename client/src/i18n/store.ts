// The language this screen speaks (and the wall TV's optional second one), with the
// catalogues loaded for them. English is in the main bundle; German and Spanish are each
// a chunk of their own, fetched when a screen first needs them (a dynamic import), so a
// screen in English downloads no other language.
import { createStore } from 'zustand/vanilla';
import { createTranslator } from 'use-intl/core';
import en from './messages/en.ts';
import type { Catalogue, Messages } from './messages/en.ts';
import { DEFAULT_LOCALE, chooseLocale, isAppLocale, matchLocale } from './locales.ts';
import type { AppLocale } from './locales.ts';

/** This device's choice of language (the picker, or `?lang=` in the address). */
export const LOCALE_KEY = 'pullboard.locale';
/** The wall TV's second language, shown under the first (this device only). */
export const SECOND_LOCALE_KEY = 'pullboard.tv.secondLocale';

const loaders: Record<AppLocale, () => Promise<Catalogue>> = {
  en: () => Promise.resolve(en),
  de: () => import('./messages/de.ts').then((m) => m.default),
  es: () => import('./messages/es.ts').then((m) => m.default),
};

const loaded = new Map<AppLocale, Catalogue>([['en', en]]);

/** The catalogue of `locale`, fetched once. */
export async function loadCatalogue(locale: AppLocale): Promise<Catalogue> {
  const have = loaded.get(locale);
  if (have) return have;
  const messages = await loaders[locale]();
  loaded.set(locale, messages);
  return messages;
}

export interface I18nState {
  locale: AppLocale;
  messages: Catalogue;
  /** The TV's second language (null: one language). */
  second: { locale: AppLocale; messages: Catalogue } | null;
}

export const i18nStore = createStore<I18nState>(() => ({ locale: DEFAULT_LOCALE, messages: en, second: null }));

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // No storage (a locked-down kiosk): the choice lasts until the page reloads; a
    // kiosk keeps its language in its address instead (?lang=de).
  }
}

/** The `?lang=` and `?lang2=` of this page's address. */
function urlParam(name: string): string | null {
  try {
    return new URL(window.location.href).searchParams.get(name);
  } catch {
    return null;
  }
}

/**
 * Picks this screen's language and loads its catalogue before the first render, so a
 * German screen never flashes English. A `?lang=` in the address is kept as the device's
 * choice, so the screen keeps it when it moves on to another page.
 */
export async function startI18n(): Promise<void> {
  const url = urlParam('lang');
  if (isAppLocale(url)) writeStored(LOCALE_KEY, url);
  const locale = chooseLocale({ url, stored: readStored(LOCALE_KEY), browser: navigator.languages ?? [navigator.language] });
  const url2 = urlParam('lang2');
  if (url2 !== null) writeStored(SECOND_LOCALE_KEY, isAppLocale(url2) ? url2 : null);
  const second = matchLocale([readStored(SECOND_LOCALE_KEY) ?? '']);
  await applyLocales(locale, second);
}

async function applyLocales(locale: AppLocale, second: AppLocale | null): Promise<void> {
  let messages: Catalogue = en;
  let secondMessages: Catalogue | null = null;
  try {
    messages = await loadCatalogue(locale);
    if (second !== null && second !== locale) secondMessages = await loadCatalogue(second);
  } catch {
    // A chunk that cannot be fetched (offline, an old build): English rather than nothing.
    locale = DEFAULT_LOCALE;
  }
  document.documentElement.lang = locale;
  i18nStore.setState({
    locale,
    messages,
    second: second !== null && secondMessages !== null ? { locale: second, messages: secondMessages } : null,
  });
}

/** The picker: this device speaks `locale` from now on. */
export async function chooseAppLocale(locale: AppLocale): Promise<void> {
  writeStored(LOCALE_KEY, locale);
  await applyLocales(locale, i18nStore.getState().second?.locale ?? null);
}

/** The TV's setting: a second language under the first, or none. */
export async function chooseSecondLocale(locale: AppLocale | null): Promise<void> {
  writeStored(SECOND_LOCALE_KEY, locale);
  await applyLocales(i18nStore.getState().locale, locale);
}

/** The language of this screen now (for formats outside React). */
export function currentLocale(): AppLocale {
  return i18nStore.getState().locale;
}

/**
 * A catalogue read through English's types. Safe because every catalogue has English's
 * keys (the compiler checks `Catalogue`) and the same placeholders in each message
 * (catalogues.test.ts parses them): only the words differ.
 */
export function reference(messages: Catalogue): Messages {
  return messages as Messages;
}

type Translator = ReturnType<typeof createTranslator<Messages>>;
let cached: { messages: Catalogue; t: Translator } | null = null;

/**
 * Words outside React (the store's refusal messages, the announcer, formats): a
 * translator over the whole catalogue of this screen's language, keys with their
 * namespace ("refusal.wipLimit").
 */
export function tr(): Translator {
  const { locale, messages } = i18nStore.getState();
  if (cached?.messages !== messages) cached = { messages, t: createTranslator({ locale, messages: reference(messages), onError }) };
  return cached.t;
}

/** A missing or broken message is a bug: said on the console, never thrown on a screen. */
export function onError(error: Error): void {
  console.error('Pullboard i18n:', error.message);
}
