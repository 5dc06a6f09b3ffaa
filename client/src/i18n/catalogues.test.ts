// Every language has exactly English's keys, and each message the same placeholders (name
// and kind: a number stays a number, a plural a plural, a select keeps its choices), so a
// German screen never shows a key, drops a figure or fails to format.
import { describe, expect, it } from 'vitest';
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import en from './messages/en.ts';
import de from './messages/de.ts';
import es from './messages/es.ts';
import type { Catalogue } from './messages/en.ts';
import { LOCALES } from './locales.ts';

const catalogues: Record<(typeof LOCALES)[number], Catalogue> = { en, de, es };

/** Every message of a catalogue by its dotted key. */
export function flatten(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree !== 'object' || tree === null) return out;
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** The placeholders of a message: "count:plural", "kind:select(a|b|other)", "name:text". */
export function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      switch (el.type) {
        case TYPE.argument:
          found.add(`${el.value}:text`);
          break;
        case TYPE.number:
          found.add(`${el.value}:number`);
          break;
        case TYPE.date:
        case TYPE.time:
          found.add(`${el.value}:date`);
          break;
        case TYPE.plural:
          found.add(`${el.value}:plural`);
          for (const option of Object.values(el.options)) walk(option.value);
          break;
        case TYPE.select:
          found.add(`${el.value}:select(${Object.keys(el.options).sort().join('|')})`);
          for (const option of Object.values(el.options)) walk(option.value);
          break;
        case TYPE.tag:
          found.add(`<${el.value}>`);
          walk(el.children);
          break;
        default:
          break;
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

const reference = flatten(en);

describe('the catalogues', () => {
  it('English has messages, each valid ICU', () => {
    expect(reference.size).toBeGreaterThan(100);
    for (const [key, message] of reference) expect(() => placeholders(message), key).not.toThrow();
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    describe(locale, () => {
      const messages = flatten(catalogues[locale]);

      it('has every key English has, and no other', () => {
        expect([...reference.keys()].filter((k) => !messages.has(k)), 'missing').toEqual([]);
        expect([...messages.keys()].filter((k) => !reference.has(k)), 'extra').toEqual([]);
      });

      it('gives each message the placeholders of the English one', () => {
        const mismatched = [...reference].flatMap(([key, english]) => {
          const theirs = messages.get(key);
          if (theirs === undefined) return [];
          const want = placeholders(english).join(' ');
          const got = placeholders(theirs).join(' ');
          return want === got ? [] : [`${key}: English {${want}}, ${locale} {${got}}`];
        });
        expect(mismatched).toEqual([]);
      });

      it('is translated, not a copy of English', () => {
        // Short words may be the same ("OK", "min"); most sentences are not.
        const same = [...reference].filter(([key, english]) => english.length > 12 && messages.get(key) === english);
        expect(same.length / reference.size).toBeLessThan(0.1);
      });
    });
  }
});

describe('the placeholder check', () => {
  it('tells a number from a text and a plural from a select', () => {
    expect(placeholders('{n, number} of {total}')).toEqual(['n:number', 'total:text']);
    expect(placeholders('{n, plural, one {# card} other {# cards}} {k, select, a {A} other {B}}')).toEqual([
      'k:select(a|other)',
      'n:plural',
    ]);
  });

  it('finds a placeholder a translation dropped', () => {
    expect(placeholders('WIP: {count, number} / {limit, number}')).not.toEqual(placeholders('WIP: {count, number}'));
  });
});
