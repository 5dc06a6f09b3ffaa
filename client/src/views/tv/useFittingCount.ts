// How many items of a list fit in its box, so the wall TV says "+N more" instead of
// cutting chips, inbound loops or andon calls off silently.
import { useLayoutEffect, useRef, useState } from 'react';

/**
 * How many items fit in the list without overflowing its box: renders all, keeps the
 * items before the first one that sticks out, then, while the "+N more" line (the last
 * child once items are hidden) sticks out, one item fewer. A few measuring passes, not
 * one per item: a column of 100 loops must not take 100 renders (React stops a chain of
 * updates at 50); making room for "+N more" takes at most the items of one line.
 * Measured again when the items change, and when the box changes size (a banner comes
 * or goes, another page of stations, the window) if `watchBox` is set: only for a box
 * whose size does not follow its contents (a grid cell), or the measuring would chase
 * itself.
 */
export function useFittingCount<E extends HTMLElement>(items: readonly string[], watchBox: boolean) {
  const ref = useRef<E>(null);
  const [fit, setFit] = useState(items.length);
  const signature = items.join('|');
  const count = items.length;
  useLayoutEffect(() => {
    setFit(count);
    const el = ref.current;
    const again = () => setFit(count);
    if (!watchBox || !el || typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', again);
      return () => window.removeEventListener('resize', again);
    }
    // The first report is the size the box has now: nothing to measure again.
    let last = `${el.clientWidth}x${el.clientHeight}`;
    const observer = new ResizeObserver(() => {
      const size = `${el.clientWidth}x${el.clientHeight}`;
      if (size === last) return;
      last = size;
      again();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [signature, watchBox]);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box || fit === 0) return;
    const limit = box.clientHeight + 1;
    const first = Array.from(box.children).findIndex((li) => li instanceof HTMLElement && li.offsetTop + li.offsetHeight > limit);
    if (first < 0) return;
    // An item sticks out: keep the ones before it. Only "+N more" sticks out: one item fewer.
    const keep = first < Math.min(fit, count) ? first : fit - 1;
    setFit((f) => Math.max(0, Math.min(f, count, keep)));
  });
  return { ref, fit };
}
