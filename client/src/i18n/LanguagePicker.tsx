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

/**
 * The wall TV's language settings behind one small control in its head ("EN", "DE + ES"):
 * whoever sets the TV up opens it to choose the language and a second one; closed, it
 * takes no room from the board or the key.
 */
export function TvLanguageMenu() {
  const t = useTranslations('tv');
  const locale = useStore(i18nStore, (s) => s.locale);
  const second = useStore(i18nStore, (s) => s.second?.locale ?? null);
  const shown = second ? `${locale.toUpperCase()} + ${second.toUpperCase()}` : locale.toUpperCase();
  return (
    <details className="tv-language-menu" data-testid="tv-language-menu">
      <summary className="btn tv-control" aria-label={t('languages', { shown })}>
        <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3c2.5 2.7 2.5 15.3 0 18M12 3c-2.5 2.7-2.5 15.3 0 18" />
        </svg>
        {shown}
      </summary>
      <div className="tv-language-panel">
        <LanguagePicker className="tv-language" />
        <SecondLanguagePicker className="tv-language" />
      </div>
    </details>
  );
}
