// Drag and drop for the lead board and the station tablet, on @dnd-kit/core:
// mouse (a few pixels of travel), touch (press and hold, so scrolling a tablet never
// moves a card) and keyboard (space to pick up, arrows to move between columns and
// positions, space to drop, escape to cancel), with spoken announcements that name
// columns and 1-based positions. The drop becomes a `card:move` (optimistic). A drop the
// rules refuse (a full column, a missing input) is spoken as refused, with the reason.
import { useCallback, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import {
  DndContext,
  DragOverlay,
  KeyboardCode,
  KeyboardSensor,
  MeasuringStrategy,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import type {
  Active,
  Announcements,
  ClientRect,
  CollisionDetection,
  DragEndEvent,
  DragStartEvent,
  DroppableContainer,
  KeyboardCoordinateGetter,
  ScreenReaderInstructions,
  UniqueIdentifier,
} from '@dnd-kit/core';
import { MoveKind } from '../../../shared/names.ts';
import type { Column } from '../../../shared/names.ts';
import { canStepBack, decide, moveKind } from '../../../shared/rules.ts';
import { DomainError } from '../../../shared/errors.ts';
import { refusalReason } from '../store/messages.ts';
import { store, useBoardStore } from '../store/hooks.ts';
import type { DropSlot } from '../store/store.ts';
import { cardPosition } from '../store/selectors.ts';
import { cardName, moveCard } from '../app/runtime.ts';
import { nextSlot, pointFor, slotAt } from './slots.ts';
import type { CardTarget, ColumnTarget, KeyMove, Point } from './slots.ts';
import { CardFace } from './CardFace.tsx';
import { useTranslations } from 'use-intl';
import { tr } from '../i18n/store.ts';

/** Data on droppables and draggables, read back by the collision detection. */
export type DndData =
  | { type: 'column'; stationId: string; column: Column }
  | { type: 'card'; cardId: string; stationId: string; column: Column };

export const columnDropId = (stationId: string, column: Column) => `column:${stationId}:${column}`;
export const cardDropId = (cardId: string) => `card-drop:${cardId}`;

function targets(
  containers: Iterable<DroppableContainer>,
  rectOf: (id: UniqueIdentifier) => ClientRect | null | undefined,
): { columns: ColumnTarget[]; cards: CardTarget[] } {
  const columns: ColumnTarget[] = [];
  const cards: CardTarget[] = [];
  for (const c of containers) {
    const data = c.data.current as DndData | undefined;
    const rect = rectOf(c.id);
    if (!data || !rect) continue;
    if (data.type === 'column') columns.push({ stationId: data.stationId, column: data.column, rect });
    else cards.push({ cardId: data.cardId, stationId: data.stationId, column: data.column, rect });
  }
  return { columns, cards };
}

function activeInfo(active: Active | null): { cardId: string; stationId: string } | null {
  const data = active?.data.current as { cardId?: string; stationId?: string } | undefined;
  return data?.cardId && data.stationId ? { cardId: data.cardId, stationId: data.stationId } : null;
}

const centre = (r: ClientRect): Point => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });

/** The slot the dragged card is over: at the pointer, or the card's centre (keyboard). */
const collisionDetection: CollisionDetection = ({ active, collisionRect, droppableRects, droppableContainers, pointerCoordinates }) => {
  const info = activeInfo(active);
  if (!info) return [];
  const { columns, cards } = targets(droppableContainers, (id) => droppableRects.get(id));
  const point = pointerCoordinates ?? centre(collisionRect);
  const slot = slotAt(point, info.cardId, info.stationId, columns, cards);
  if (!slot) return [];
  const id = columnDropId(slot.stationId, slot.column);
  const container = droppableContainers.find((c) => c.id === id);
  if (!container) return [];
  return [{ id, data: { droppableContainer: container, value: 1, slot } }];
};

const KEY_MOVES: Partial<Record<string, KeyMove>> = {
  [KeyboardCode.Left]: 'left',
  [KeyboardCode.Right]: 'right',
  [KeyboardCode.Up]: 'up',
  [KeyboardCode.Down]: 'down',
};

/** Arrow keys jump from slot to slot instead of nudging the card by pixels. */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const move = KEY_MOVES[event.code];
  const rect = context.collisionRect;
  const info = activeInfo(context.active);
  if (!move || !rect || !info) return undefined;
  event.preventDefault();
  const { columns, cards } = targets(context.droppableContainers.values(), (id) => context.droppableRects.get(id));
  const here = slotAt(centre(rect), info.cardId, info.stationId, columns, cards);
  if (!here) return currentCoordinates;
  const next = nextSlot(here, move);
  if (!next) return currentCoordinates;
  const target = columns.find((c) => c.stationId === info.stationId && c.column === next.column);
  if (!target) return currentCoordinates;
  const p = pointFor(next.index, target, cards, info.cardId);
  return { x: p.x - rect.width / 2, y: p.y - rect.height / 2 };
};


function where(slot: DropSlot): string {
  return tr()('dnd.place', { column: tr()(`common.columns.${slot.column}`), index: slot.index + 1, size: slot.others + 1 });
}

function currentPlace(cardId: string): string {
  const board = store.getState().board;
  const card = board.cards[cardId];
  const pos = cardPosition(board, cardId);
  if (!card || !pos) return '';
  return tr()('dnd.place', { column: tr()(`common.columns.${card.column}`), index: pos.index, size: pos.size });
}

/** Whether dropping at `slot` leaves the card where it already is. */
function isSamePlace(cardId: string, slot: DropSlot): boolean {
  const board = store.getState().board;
  const card = board.cards[cardId];
  const pos = cardPosition(board, cardId);
  return !!card && !!pos && card.column === slot.column && pos.index - 1 === slot.index;
}

/**
 * Why the rules refuse dropping the card at `slot`, on the board as this screen shows it
 * (the same rules the server runs), or null when the move may go. The server still
 * decides: a drop that is not refused here may be refused there, and then says so in the
 * alert region.
 */
function dropRefusal(cardId: string, slot: DropSlot): string | null {
  const { board, identity } = store.getState();
  const card = board.cards[cardId];
  if (!card) return null;
  if (moveKind(card.column, slot.column) === MoveKind.STEP_BACK && !canStepBack(identity.role)) {
    return tr()('steps.onlyLeadStepsBack');
  }
  try {
    decide(
      board,
      { type: 'card.move', cardId, to: slot.column, beforeCardId: slot.beforeCardId, expectedVersion: card.version },
      {
        now: new Date().toISOString(),
        actor: { kind: identity.kind, id: identity.id, name: identity.name },
        role: identity.role,
        stationIds: identity.stationIds,
        newId: () => 'pending',
      },
    );
    return null;
  } catch (e) {
    return e instanceof DomainError ? refusalReason(e.toJSON(), board) : null;
  }
}

export function BoardDnd({ children }: { children: ReactNode }) {
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );
  const lastSlot = useRef<DropSlot | null>(null);
  const lastSpoken = useRef<string>('');
  const endText = useRef<string>('');
  const activeId = useBoardStore((s) => s.drag?.cardId ?? null);
  const t = useTranslations('dnd');
  const instructions = useMemo<ScreenReaderInstructions>(() => ({ draggable: t('instructions') }), [t]);

  const track = useCallback((slot: DropSlot | null) => {
    const prev = lastSlot.current;
    if (
      prev?.column === slot?.column &&
      prev?.index === slot?.index &&
      prev?.stationId === slot?.stationId &&
      prev?.beforeCardId === slot?.beforeCardId
    ) {
      return;
    }
    lastSlot.current = slot;
    const drag = store.getState().drag;
    if (drag) store.getState().setDrag({ ...drag, slot });
  }, []);

  const announcements = useMemo<Announcements>(() => {
    const overText = (active: Active) => {
      const slot = lastSlot.current;
      const text = slot
        ? tr()('dnd.over', { name: cardName(store.getState().board, String(active.id)), place: where(slot) })
        : tr()('dnd.notOver', { name: cardName(store.getState().board, String(active.id)) });
      if (text === lastSpoken.current) return undefined;
      lastSpoken.current = text;
      return text;
    };
    return {
      onDragStart({ active }) {
        const id = String(active.id);
        const name = cardName(store.getState().board, id);
        // dnd-kit reports "over" the start place right after the pick-up; saying that
        // again would replace the pick-up message in the live region before it is read.
        lastSpoken.current = tr()('dnd.over', { name, place: currentPlace(id) });
        return tr()('dnd.pickedUp', { name, place: currentPlace(id) });
      },
      onDragMove: ({ active }) => overText(active),
      onDragOver: ({ active }) => overText(active),
      // Worded by onDragEnd below, which runs first and already moved the card.
      onDragEnd: () => endText.current,
      onDragCancel({ active }) {
        const id = String(active.id);
        return tr()('dnd.cancelled', { name: cardName(store.getState().board, id), place: currentPlace(id) });
      },
    };
  }, []);

  const onDragStart = useCallback((e: DragStartEvent) => {
    lastSlot.current = null;
    store.getState().setDrag({ cardId: String(e.active.id), slot: null });
  }, []);

  const onDragMove = useCallback(
    (e: { collisions: { data?: { slot?: DropSlot } }[] | null }) => {
      track(e.collisions?.[0]?.data?.slot ?? null);
    },
    [track],
  );

  const onDragEnd = useCallback(
    (e: DragEndEvent) => {
      const slot = (e.collisions?.[0]?.data?.slot as DropSlot | undefined) ?? lastSlot.current;
      store.getState().setDrag(null);
      lastSlot.current = null;
      const id = String(e.active.id);
      const name = cardName(store.getState().board, id);
      if (!slot) {
        endText.current = tr()('dnd.droppedOutside', { name });
      } else if (isSamePlace(id, slot)) {
        endText.current = tr()('dnd.droppedSame', { name, place: where(slot) });
      } else {
        const refused = dropRefusal(id, slot);
        endText.current =
          refused === null
            ? tr()('dnd.dropped', { name, place: where(slot) })
            : tr()('dnd.refused', { name, column: tr()(`common.columns.${slot.column}`), reason: refused, place: currentPlace(id) });
        // Sent either way, as a tap on Start would be: the server has the last word, and
        // its refusal is shown in the alert region.
        void moveCard(id, slot.column, slot.beforeCardId);
      }
    },
    [],
  );

  const onDragCancel = useCallback(() => {
    lastSlot.current = null;
    store.getState().setDrag(null);
  }, []);

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      // Columns scroll on their own: re-measure drop targets throughout a drag. Not
      // `Always`: that re-measures every column on each render, ~50-120 ms per remote
      // move on a 1,000-card board (the benchmark's figure 6).
      measuring={{ droppable: { strategy: MeasuringStrategy.WhileDragging } }}
      accessibility={{ announcements, screenReaderInstructions: instructions }}
      onDragStart={onDragStart}
      onDragMove={onDragMove}
      onDragOver={onDragMove}
      onDragEnd={onDragEnd}
      onDragCancel={onDragCancel}
    >
      {children}
      {/* A picture of the card under the pointer, hidden from screen readers: the card
          itself stays in the page (with the focus), and the live region says where it is. */}
      <DragOverlay dropAnimation={null}>
        {activeId ? (
          <div aria-hidden="true">
            <CardFace cardId={activeId} overlay />
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
