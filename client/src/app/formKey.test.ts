import { describe, expect, it } from 'vitest';
import { FormKey } from './runtime.ts';

describe('FormKey (the idempotency key of a configuration form)', () => {
  it('keeps the key while an attempt got no answer, so saving again cannot apply it twice', () => {
    const k = new FormKey();
    const first = k.next();
    k.settle({ ok: false, error: { code: 'NO_ANSWER', message: 'no answer' } });
    expect(k.next()).toBe(first);
  });

  it.each([
    ['an answer', { ok: true } as const],
    ['a refusal', { ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad' } } as const],
  ])('takes a fresh key after %s', (_what, ack) => {
    const k = new FormKey();
    const first = k.next();
    k.settle(ack);
    expect(k.next()).not.toBe(first);
  });
});
