// Ids of new stations, loops and cards: a prefix, an underscore and 12 url-safe
// characters (72 random bits), never one the board already uses.
import { describe, expect, it } from 'vitest';
import { Limits } from '../shared/names.ts';
import { Id } from '../shared/schemas.ts';
import { emptyBoard } from '../shared/board.ts';
import { decide } from '../shared/rules.ts';
import { smallPlant, testContext } from '../shared/testPlant.ts';
import { idInUse, newId } from './ids.ts';
import type { IdPrefix } from './ids.ts';

const nothingTaken = () => false;

/** A random source that gives these byte strings in turn, and counts its calls. */
function randomFrom(...chunks: number[][]) {
  let calls = 0;
  const random = () => {
    const chunk = chunks[calls];
    calls++;
    if (chunk === undefined) throw new Error(`random source called ${calls} times, only ${chunks.length} prepared`);
    return Buffer.from(chunk);
  };
  return { random, calls: () => calls };
}

const ZEROS = Array.from({ length: 9 }, () => 0);
const ONES = Array.from({ length: 9 }, () => 0xff);
const MIXED = [0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83, 0x10, 0x51, 0x87];

describe('newId', () => {
  it.each<IdPrefix>(['st', 'lp', 'cd'])('starts with "%s_" then 12 url-safe characters', (prefix) => {
    const id = newId(prefix, nothingTaken);
    expect(id).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]{12}$`));
    expect(id).toHaveLength(prefix.length + 1 + 12);
  });

  it('is a valid id by the schema, well within its length limit', () => {
    const id = newId('cd', nothingTaken);
    expect(Id.safeParse(id).success).toBe(true);
    expect(id.length).toBeLessThanOrEqual(Limits.ID);
  });

  it('writes the random bytes as base64url, without padding', () => {
    expect(newId('st', nothingTaken, randomFrom(ZEROS).random)).toBe('st_AAAAAAAAAAAA');
    expect(newId('st', nothingTaken, randomFrom(ONES).random)).toBe('st_____________');
    expect(newId('lp', nothingTaken, randomFrom(MIXED).random)).toBe(`lp_${Buffer.from(MIXED).toString('base64url')}`);
    expect(newId('lp', nothingTaken, randomFrom(MIXED).random)).not.toMatch(/[+/=]/);
  });

  it('draws once when the first id is free', () => {
    const source = randomFrom(ZEROS);
    newId('cd', nothingTaken, source.random);
    expect(source.calls()).toBe(1);
  });

  it('draws again while the id is taken, and returns the first free one', () => {
    const source = randomFrom(ZEROS, ONES, MIXED);
    const taken = new Set(['cd_AAAAAAAAAAAA', 'cd_____________']);
    const asked: string[] = [];
    const id = newId('cd', (x) => (asked.push(x), taken.has(x)), source.random);
    expect(id).toBe(`cd_${Buffer.from(MIXED).toString('base64url')}`);
    expect(asked).toEqual(['cd_AAAAAAAAAAAA', 'cd_____________', id]);
    expect(source.calls()).toBe(3);
  });

  it('gives different ids from the real random source', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('st', nothingTaken)));
    expect(ids.size).toBe(1000);
  });
});

describe('idInUse', () => {
  it('knows the stations, loops and cards of the board', () => {
    const { plant, steel, blank } = smallPlant();
    expect(idInUse(plant.state, steel.id)).toBe(true);
    expect(idInUse(plant.state, blank.id)).toBe(true);
    expect(idInUse(plant.state, plant.serial(blank, 1).id)).toBe(true);
  });

  it('does not know an id that is not on the board', () => {
    const { plant } = smallPlant();
    expect(idInUse(plant.state, 'st_AAAAAAAAAAAA')).toBe(false);
  });

  it('does not take names of Object.prototype for ids in use', () => {
    const { plant } = smallPlant();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(idInUse(plant.state, name), name).toBe(false);
    }
  });

  it('keeps newId, asking it, from reusing an id of the board', () => {
    const ctx = { ...testContext(), newId: () => 'st_AAAAAAAAAAAA' };
    const { state } = decide(emptyBoard, { type: 'station.create', name: 'Steel' }, ctx);
    const source = randomFrom(ZEROS, ONES);
    expect(newId('st', (id) => idInUse(state, id), source.random)).toBe('st_____________');
    expect(source.calls()).toBe(2);
  });
});
