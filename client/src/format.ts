// Display formats shared by the screens, in this screen's language (i18n/store.ts): the
// words from the catalogue, the numbers, weekdays and times from Intl for the locale.
import { currentLocale, tr } from './i18n/store.ts';

/** 45 -> "45 min", 150 -> "2 h 30 min", 480 -> "8 h", 1500 -> "1 d 1 h" (in English). */
export function duration(minutes: number): string {
  const t = tr();
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return t('format.minutes', { m });
  if (m < 24 * 60) {
    const h = Math.floor(m / 60);
    const r = m % 60;
    return r === 0 ? t('format.hours', { h }) : t('format.hoursMinutes', { h, m: r });
  }
  const d = Math.floor(m / (24 * 60));
  const h = Math.floor((m % (24 * 60)) / 60);
  return h === 0 ? t('format.days', { d }) : t('format.daysHours', { d, h });
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** One Intl format per locale and shape (making one is slow; the TV formats often). */
function timeFormat(seconds: boolean): Intl.DateTimeFormat {
  const locale = currentLocale();
  const key = `${locale}:${seconds}`;
  let f = timeFormats.get(key);
  if (!f) {
    // 24-hour clock in every language: a shop floor runs shifts round the clock.
    f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
    timeFormats.set(key, f);
  }
  return f;
}

/** "14:02" in the screen's local time. */
export function clockTime(ms: number, seconds = false): string {
  return timeFormat(seconds).format(new Date(ms));
}

/** "14:02", or "Mon 14:02" when not today ("Mo. 14:02" in German). */
export function sinceTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const sameDay = new Date(nowMs).toDateString() === d.toDateString();
  if (sameDay) return clockTime(ms);
  const weekday = d.toLocaleDateString(currentLocale(), { weekday: 'short' });
  return tr()('format.weekdayTime', { weekday, time: clockTime(ms) });
}

/** A number in the screen's language ("1,234" / "1.234"). */
export function num(n: number): string {
  return n.toLocaleString(currentLocale());
}

/** An error's message for a person (an Error's message, or the thing itself in words). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
