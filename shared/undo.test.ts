// Undo of a Use, Start or Finish on the pure domain: it puts the card back as it was, the
// cascade's containers too; it is refused to anyone else, too late, after a later change,
// and for anything but those three steps; a refusal changes nothing.
import { describe, expect, it } from 'vitest';
import { Column, ErrorCode, EventType, Limits, Role } from './names.ts';
import { decide, lastChangeIn } from './rules.ts';
import { refusalOf, smallPlant, testContext } from './testPlant.ts';
import type { Card } from './schemas.ts';

const { REQUESTED, IN_PROGRESS, DONE } = Column;

/** A card without the fields an undo must change (its version goes on counting up). */
const asWas = ({ version: _v, ...rest }: Card) => rest;

const later = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

describe('undo', () => {
  it('of a Use puts the full container back exactly where it was, and logs card.undone', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 2);
    const before = plant.card(card.id);
    const used = plant.consume(card.id);
    plant.now = later(plant.now, 5);
    const d = plant.run({ type: 'card.undo', cardId: card.id, version: used.result.card.version });
    expect(asWas(d.result.card)).toEqual(asWas(before));
    expect(d.result.card.version).toBe(used.result.card.version + 1);
    expect(d.events).toEqual([
      expect.objectContaining({ type: EventType.CARD_UNDONE, cardId: card.id, undoneSeq: used.result.seq, from: REQUESTED, to: DONE }),
    ]);
    expect(plant.state.cards[card.id]).toEqual(d.result.card);
  });

  it('of a Start gives back the containers its cascade used', () => {
    const { plant, shaft, blank } = smallPlant();
    const card = plant.serial(shaft, 1);
    plant.consume(card.id);
    const blanksBefore = plant.cardsOf(blank).map((c) => asWas(c));
    const start = plant.move(card.id, IN_PROGRESS);
    expect(plant.cardsOf(blank).filter((c) => c.column === REQUESTED)).toHaveLength(1);
    const d = plant.run({ type: 'card.undo', cardId: card.id, version: start.result.card.version });
    expect(d.result.card.column).toBe(REQUESTED);
    expect(d.events.map((e) => e.type)).toEqual([EventType.CARD_RETURNED, EventType.CARD_UNDONE]);
    // The blank is full again, first in line, with its cycle as before.
    const blanksAfter = plant.cardsOf(blank);
    expect(blanksAfter.every((c) => c.column === DONE)).toBe(true);
    expect(blanksAfter.map((c) => c.cycle)).toEqual(blanksBefore.map((c) => c.cycle));
  });

  it('of a Finish takes the card back to In Progress', () => {
    const { plant, blank } = smallPlant();
    const card = plant.serial(blank, 1);
    plant.bring(card.id, IN_PROGRESS);
    const inProgress = plant.card(card.id);
    const finish = plant.move(card.id, DONE);
    const d = plant.run({ type: 'card.undo', cardId: card.id, version: finish.result.card.version });
    expect(asWas(d.result.card)).toEqual(asWas(inProgress));
  });

  it('is allowed to an operator at the consuming station for a Use they made', () => {
    const { plant, blank, machining } = smallPlant();
    const card = plant.serial(blank, 1);
    const used = plant.runAs({ type: 'card.consume', cardId: card.id }, Role.OPERATOR, [machining.id]);
    const d = plant.runAs({ type: 'card.undo', cardId: card.id, version: used.result.card.version }, Role.OPERATOR, [machining.id]);
    expect(d.result.card.column).toBe(DONE);
  });

  const refusals: Array<{
    what: string;
    arrange: (f: ReturnType<typeof smallPlant>) => { cardId: string; version: number; other?: boolean };
    words: RegExp;
  }> = [
    {
      what: 'someone else',
      arrange: ({ plant, blank }) => {
        const c = plant.serial(blank, 1);
        return { cardId: c.id, version: plant.consume(c.id).result.card.version, other: true };
      },
      words: /only tester can undo/,
    },
    {
      what: 'too late',
      arrange: ({ plant, blank }) => {
        const c = plant.serial(blank, 1);
        const v = plant.consume(c.id).result.card.version;
        plant.now = later(plant.now, Limits.UNDO_WINDOW_SECONDS + 1);
        return { cardId: c.id, version: v };
      },
      words: /more than 60 s/,
    },
    {
      what: 'a card changed since',
      arrange: ({ plant, blank }) => {
        const c = plant.serial(blank, 1);
        const v = plant.consume(c.id).result.card.version;
        plant.move(c.id, IN_PROGRESS);
        return { cardId: c.id, version: v };
      },
      words: /has changed since/,
    },
    {
      what: 'a step back',
      arrange: ({ plant, blank }) => {
        const c = plant.serial(blank, 1);
        plant.bring(c.id, IN_PROGRESS);
        return { cardId: c.id, version: plant.move(c.id, REQUESTED).result.card.version };
      },
      words: /only a Use, Start or Finish/,
    },
    {
      what: 'an undo',
      arrange: ({ plant, blank }) => {
        const c = plant.serial(blank, 1);
        const v = plant.consume(c.id).result.card.version;
        return { cardId: c.id, version: plant.run({ type: 'card.undo', cardId: c.id, version: v }).result.card.version };
      },
      words: /only a Use, Start or Finish/,
    },
    {
      what: 'a card never moved',
      arrange: ({ plant, blank }) => ({ cardId: plant.serial(blank, 1).id, version: plant.serial(blank, 1).version }),
      words: /has changed since/,
    },
  ];

  it.each(refusals.map((r) => [r.what, r] as const))('is refused for %s, and changes nothing', (_, r) => {
    const f = smallPlant();
    const { cardId, version, other } = r.arrange(f);
    const state = f.plant.state;
    const ctx = {
      ...f.plant.context(),
      ...(other ? { actor: { kind: 'user' as const, id: 'us_other', name: 'Other' } } : {}),
    };
    const err = refusalOf(() => decide(state, { type: 'card.undo', cardId, version }, ctx));
    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(err.message).toMatch(r.words);
    expect(f.plant.state).toBe(state);
  });

  it('is refused without the log (no last change known)', () => {
    const { plant, blank } = smallPlant();
    const c = plant.serial(blank, 1);
    const used = plant.consume(c.id);
    const err = refusalOf(() =>
      decide(plant.state, { type: 'card.undo', cardId: c.id, version: used.result.card.version }, testContext({ now: plant.now })),
    );
    expect(err.code).toBe(ErrorCode.INVALID_TRANSITION);
  });

  it('reads the last change from a log: the event and the card before it', () => {
    const { plant, blank } = smallPlant();
    const c = plant.serial(blank, 1);
    expect(lastChangeIn(plant.log, c.id)).toBeUndefined();
    const used = plant.consume(c.id);
    const last = lastChangeIn(plant.log, c.id);
    expect(last?.event.seq).toBe(used.result.seq);
    expect(last?.before).toEqual(c);
  });
});
