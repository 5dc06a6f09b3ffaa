// Display formats shared by the screens.

/** 45 -> "45 min", 150 -> "2 h 30 min", 480 -> "8 h", 1500 -> "1 d 1 h". */
export function duration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const h = Math.floor(m / 60);
    const r = m % 60;
    return r === 0 ? `${h} h` : `${h} h ${r} min`;
  }
  const d = Math.floor(m / (24 * 60));
  const h = Math.floor((m % (24 * 60)) / 60);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** "14:02" in the screen's local time. */
export function clockTime(ms: number, seconds = false): string {
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  if (!seconds) return `${hh}:${mm}`;
  return `${hh}:${mm}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** "14:02", or "Mon 14:02" when not today. */
export function sinceTime(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const sameDay = new Date(nowMs).toDateString() === d.toDateString();
  return sameDay ? clockTime(ms) : `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${clockTime(ms)}`;
}

/** An error's message for a person (an Error's message, or the thing itself in words). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
