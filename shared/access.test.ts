// Who may run which command, decided by the shared rules from the command table: the
// same refusal on a tablet (optimistically) and on the server.
import { describe, expect, it } from 'vitest';
import { authorize, roleMay } from './access.ts';
import { COMMAND_TYPES } from './commands.ts';
import { DomainError } from './errors.ts';
import { Column, ErrorCode, Role } from './names.ts';
import { smallPlant } from './testPlant.ts';

function refusal(fn: () => void): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('roles', () => {
  it('lets admins and leads run every command, and viewers none', () => {
    for (const type of COMMAND_TYPES) {
      expect(roleMay(Role.ADMIN, type)).toBe(true);
      expect(roleMay(Role.LEAD, type)).toBe(true);
      expect(roleMay(Role.VIEWER, type)).toBe(false);
    }
  });

  it('keeps configuration from operators and lets them work the cards', () => {
    const mayOperate = COMMAND_TYPES.filter((t) => roleMay(Role.OPERATOR, t));
    expect(mayOperate.sort()).toEqual(['andon.clear', 'andon.raise', 'card.consume', 'card.move', 'card.scan', 'card.undo', 'loop.consume']);
  });
});

describe('an operator bound to Machining', () => {
  const { plant, machining, assembly, blank, shaft } = smallPlant();
  const me = { role: Role.OPERATOR, stationIds: [machining.id] };

  it('starts a card of a loop Machining supplies', () => {
    const card = plant.serial(shaft, 1);
    plant.bring(card.id, Column.REQUESTED);
    expect(() => authorize(plant.state, { type: 'card.move', cardId: card.id, to: Column.IN_PROGRESS }, me)).not.toThrow();
  });

  it('uses a container Machining consumes (blanks from Steel)', () => {
    expect(() => authorize(plant.state, { type: 'loop.consume', loopId: blank.id }, me)).not.toThrow();
  });

  it("is refused another station's card with FORBIDDEN naming both stations", () => {
    const pumpCard = Object.values(plant.state.cards).find((c) => c.stationId === assembly.id)!;
    const err = refusal(() => authorize(plant.state, { type: 'card.move', cardId: pumpCard.id, to: Column.IN_PROGRESS }, me));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
    expect(err.details).toEqual({ role: Role.OPERATOR, stationId: assembly.id });
    expect(err.message).toContain('Assembly');
    expect(err.message).toContain('Machining');
  });

  it("is refused the use of a container another station consumes (shafts go to Assembly)", () => {
    const err = refusal(() => authorize(plant.state, { type: 'loop.consume', loopId: shaft.id }, me));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('raises an andon at Machining but not at Assembly', () => {
    expect(() => authorize(plant.state, { type: 'andon.raise', stationId: machining.id, kind: 'help' }, me)).not.toThrow();
    expect(refusal(() => authorize(plant.state, { type: 'andon.raise', stationId: assembly.id, kind: 'help' }, me)).code).toBe(
      ErrorCode.FORBIDDEN,
    );
  });

  it('may not change the configuration', () => {
    const err = refusal(() => authorize(plant.state, { type: 'station.update', stationId: machining.id, name: 'Mill' }, me));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('leaves an unknown id to the rules (NOT_FOUND, not FORBIDDEN)', () => {
    expect(() => authorize(plant.state, { type: 'card.move', cardId: 'cd-404', to: Column.DONE }, me)).not.toThrow();
  });
});

describe('decide()', () => {
  it('refuses a viewer before anything else, changing nothing', () => {
    const { plant, blank } = smallPlant();
    const before = plant.state;
    const card = plant.serial(blank, 1);
    const err = refusal(() => plant.move(card.id, Column.IN_PROGRESS, { role: Role.VIEWER }));
    expect(err.code).toBe(ErrorCode.FORBIDDEN);
    expect(plant.state).toBe(before);
  });
});
