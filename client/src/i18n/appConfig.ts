// Types use-intl's hooks against the English catalogue: an unknown key, a missing or
// misspelt placeholder is a compile error (use-intl's documented AppConfig augmentation).
import type { Messages } from './messages/en.ts';
import type { AppLocale } from './locales.ts';

declare module 'use-intl' {
  interface AppConfig {
    Locale: AppLocale;
    Messages: Messages;
  }
}
