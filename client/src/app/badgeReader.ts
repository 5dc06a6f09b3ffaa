// A keyboard-wedge badge reader types the badge id and Enter as a burst of keystrokes,
// faster than any person types. This tells such a burst from typing: printable keys, on
// average less than 50 ms apart up to the Enter (a busy browser may delay one key now and
// then, so the average decides, and only a pause of over 250 ms starts a new burst), at
// least 4 of them.
const MAX_AVG_GAP_MS = 50;
const MAX_GAP_MS = 250;
const MIN_BADGE = 4;

export class BadgeBurst {
  private chars = '';
  private first = 0;
  private last = 0;

  /**
   * Feeds one keydown (`key` as KeyboardEvent.key, `at` in ms). Returns the badge when
   * this key is the Enter that ends a scan, else null.
   */
  key(key: string, at: number, modifier = false): string | null {
    const burst = this.chars !== '' && at - this.last <= MAX_GAP_MS;
    if (key === 'Enter') {
      const badge = this.chars;
      this.chars = '';
      return burst && badge.length >= MIN_BADGE && (at - this.first) / badge.length < MAX_AVG_GAP_MS ? badge : null;
    }
    if (key.length !== 1 || modifier) {
      this.chars = '';
      return null;
    }
    if (!burst) {
      this.chars = '';
      this.first = at;
    }
    this.chars += key;
    this.last = at;
    return null;
  }

  /** Forgets the keys so far (a text field took the focus, a dialog opened). */
  reset(): void {
    this.chars = '';
  }
}
