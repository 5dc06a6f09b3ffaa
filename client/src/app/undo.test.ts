// The tap guard: the same action tapped twice is sent once; different actions are not held back.
import { describe, expect, it } from 'vitest';
import { ONE_TAP_MS, TapGuard } from './undo.ts';

describe('TapGuard', () => {
  it('runs a repeated tap within a second once, and again after a second once the first settled', async () => {
    const g = new TapGuard<number>();
    let runs = 0;
    const act = () => Promise.resolve(++runs);
    const first = g.run('use:lp1', null, true, act, 1_000);
    const second = g.run('use:lp1', null, true, act, 1_120);
    expect(await second).toBe(await first);
    expect(runs).toBe(1);
    await g.run('use:lp1', null, true, act, 1_000 + ONE_TAP_MS + 1);
    expect(runs).toBe(2);
  });

  it('holds a repeat while the first is unanswered on a live link, not offline', async () => {
    const g = new TapGuard<number>();
    let runs = 0;
    const never = () => {
      runs++;
      return new Promise<number>(() => {});
    };
    void g.run('a', null, true, never, 0);
    void g.run('a', null, true, never, 5_000);
    expect(runs).toBe(1);
    void g.run('a', null, false, never, 10_000);
    expect(runs).toBe(2);
  });

  it('treats a tap at the same button place within a second as the same tap, other places not', () => {
    const g = new TapGuard<number>();
    let runs = 0;
    const act = () => Promise.resolve(++runs);
    void g.run('move:c1:in_progress', 'button:st1:requested', true, act, 0);
    void g.run('move:c2:in_progress', 'button:st1:requested', true, act, 300);
    expect(runs).toBe(1);
    void g.run('move:c3:done', 'button:st1:in_progress', true, act, 400);
    expect(runs).toBe(2);
  });

  it('forgets every tap once cleared (after an Undo the same tap is a new action)', () => {
    const g = new TapGuard<number>();
    let runs = 0;
    const act = () => Promise.resolve(++runs);
    void g.run('move:c1:in_progress', 'button:st1:requested', true, act, 0);
    g.clear();
    void g.run('move:c1:in_progress', 'button:st1:requested', true, act, 200);
    expect(runs).toBe(2);
  });
});
