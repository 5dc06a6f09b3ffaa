// Puts this screen's language around the app (use-intl's IntlProvider), following the
// i18n store: choosing another language re-renders every word. The subtree is keyed by
// the language, so words computed outside React (formats, the refusal messages) are
// worked out again too; the board, the outbox and the session live in stores and stay.
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { IntlProvider, useTranslations } from 'use-intl';
import { useStore } from 'zustand';
import { createTranslator } from 'use-intl/core';
import './appConfig.ts';
import { i18nStore, onError, reference } from './store.ts';
import type { AppLocale } from './locales.ts';

export function I18nProvider({ children }: { children: ReactNode }) {
  const locale = useStore(i18nStore, (s) => s.locale);
  const messages = useStore(i18nStore, (s) => s.messages);
  return (
    <IntlProvider key={locale} locale={locale} messages={reference(messages)} onError={onError} getMessageFallback={fallback}>
      {children}
    </IntlProvider>
  );
}

/** A key with no message shows the key (a bug to see, not a blank). */
function fallback({ key, namespace }: { key: string; namespace?: string }): string {
  return namespace ? `${namespace}.${key}` : key;
}

type Namespace = Parameters<typeof useTranslations>[0];

/**
 * The wall TV's second language: the same namespace's translator in the language shown
 * under the first, or null when the TV shows one language.
 */
export function useSecondTranslations<N extends NonNullable<Namespace>>(namespace: N) {
  const second = useStore(i18nStore, (s) => s.second);
  // One translator per language and namespace: the TV's rows re-render every few seconds.
  return useMemo(
    () =>
      second === null
        ? null
        : createTranslator({ locale: second.locale, messages: reference(second.messages), namespace, onError, getMessageFallback: fallback }),
    [second, namespace],
  );
}

/** The TV's second language, or null. */
export function useSecondLocale(): AppLocale | null {
  return useStore(i18nStore, (s) => s.second?.locale ?? null);
}
