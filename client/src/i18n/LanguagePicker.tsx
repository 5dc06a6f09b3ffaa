// The language picker (top bar, the TV's controls, the tablet's menu): a labelled native
// select, so keyboards, screen readers and touch all work as the platform does. Each
// language is named in its own words and marked with its `lang`, so a screen reader
// pronounces "Deutsch" in German.
import { useId } from 'react';
import { useTranslations } from 'use-intl';
import { useStore } from 'zustand';
import { LOCALES, LOCALE_NAMES, isAppLocale } from './locales.ts';
import type { AppLocale } from './locales.ts';
import { chooseAppLocale, chooseSecondLocale, i18nStore } from './store.ts';

export function LanguagePicker({ className = '' }: { className?: string }) {
  const t = useTranslations('common');
  const id = useId();
  const locale = useStore(i18nStore, (s) => s.locale);
  return (
    <span className={`language-picker ${className}`}>
      <label htmlFor={id} className="language-label">
        {t('language')}
      </label>
      <select
        id={id}
        data-testid="language-picker"
        value={locale}
        onChange={(e) => {
          if (isAppLocale(e.target.value)) void chooseAppLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The wall TV's second language (shown under the first), or none. */
export function SecondLanguagePicker({ className = '' }: { className?: string }) {
  const t = useTranslations('tv');
  const id = useId();
  const second = useStore(i18nStore, (s) => s.second?.locale ?? '');
  const first: AppLocale = useStore(i18nStore, (s) => s.locale);
  return (
    <span className={`language-picker ${className}`}>
      <label htmlFor={id} className="language-label">
        {t('secondLanguage')}
      </label>
      <select
        id={id}
        data-testid="second-language-picker"
        value={second}
        onChange={(e) => void chooseSecondLocale(isAppLocale(e.target.value) ? e.target.value : null)}
      >
        <option value="">{t('secondLanguageNone')}</option>
        {LOCALES.filter((l) => l !== first).map((l) => (
          <option key={l} value={l} lang={l}>
            {t('secondLanguageOption', { name: LOCALE_NAMES[l] })}
          </option>
        ))}
      </select>
    </span>
  );
}
