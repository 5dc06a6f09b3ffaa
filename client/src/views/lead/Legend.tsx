// What the marks and colours of the lead board mean. Each sample is drawn with the same
// classes as the real mark (CardFace, BoardCard, BoardColumn, the lane, Inbound, the
// andon banner), so the legend cannot drift from what the board shows.
import type { ReactNode } from 'react';
import { ANDON_LABELS } from '../../../../shared/names.ts';
import { LOST_AFTER_LEAD_TIMES } from '../../../../shared/audit.ts';
import { Icon } from '../../components/Icon.tsx';

function Item({ mark, children }: { mark: ReactNode; children: ReactNode }) {
  return (
    <div className="legend-item">
      <dt>{mark}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Legend({ id, open }: { id: string; open: boolean }) {
  return (
    <section id={id} className="legend" aria-labelledby={`${id}-title`} hidden={!open} data-testid="legend">
      <h2 id={`${id}-title`} className="legend-title">
        Legend
      </h2>
      <dl className="legend-list">
        <Item
          mark={
            <span className="legend-edges">
              <span className="legend-edge card-requested">Requested</span>
              <span className="legend-edge card-in_progress">In Progress</span>
              <span className="legend-edge card-done">Done</span>
            </span>
          }
        >
          The card’s left edge: the column it is in.
        </Item>
        <Item mark={<span className="serial">3 / 5</span>}>Card 3 of the loop’s 5 cards.</Item>
        <Item
          mark={
            <span className="card-meta legend-meta">
              <span className="qty">8 pcs</span> <span className="consumer">→ Paint</span>
            </span>
          }
        >
          Pieces in the container, and the station that uses them.
        </Item>
        <Item
          mark={
            <span className="age">
              <Icon name="clock" />
              40 min / 2 h
            </span>
          }
        >
          Waiting since the signal to make it, against the loop’s lead time.
        </Item>
        <Item
          mark={
            <span className="age age-overdue">
              <Icon name="clock" />
              <strong>Overdue</strong>
            </span>
          }
        >
          Waiting longer than the lead time. The card turns red.
        </Item>
        <Item
          mark={
            <span className="age age-lost">
              <Icon name="warning" />
              <strong>Lost?</strong>
            </span>
          }
        >
          Nobody has moved or scanned it for over {LOST_AFTER_LEAD_TIMES} lead times: find it, or reprint it.
        </Item>
        <Item
          mark={
            <span className="age age-full">
              <Icon name="box" />
              Full
            </span>
          }
        >
          A full container in Done, ready to be used.
        </Item>
        <Item
          mark={
            <span className="legend-sending">
              <span className="legend-dashed" aria-hidden="true" />
              Sending…
            </span>
          }
        >
          A move the server has not confirmed yet (dashed card).
        </Item>
        <Item
          mark={
            <span className="sending sending-offline legend-offline">
              <Icon name="clock" />
              Pending
            </span>
          }
        >
          Made while offline: kept on this device and sent when it is back online.
        </Item>
        <Item mark={<span className="limit limit-ok">2 / 3</span>}>Cards in the column / its WIP limit.</Item>
        <Item
          mark={
            <span className="limit limit-at">
              <span className="limit-word">
                <Icon name="warning" />
                At limit
              </span>
            </span>
          }
        >
          The column is full: no more cards may start (a red column).
        </Item>
        <Item
          mark={
            <span className="limit limit-over">
              <span className="limit-word">
                <Icon name="stop" />
                Over limit
              </span>
            </span>
          }
        >
          More cards than the limit, after the limit was lowered or past a soft limit.
        </Item>
        <Item mark={<span className="limit-soft">soft limit</span>}>The limit warns but never refuses a move.</Item>
        <Item
          mark={
            <span className="flag flag-starved">
              <Icon name="warning" />
              Starved
            </span>
          }
        >
          Work is waiting but an input has no full container: a material call (amber lane edge).
        </Item>
        <Item
          mark={
            <span className="flag flag-overdue">
              <Icon name="clock" />2 overdue
            </span>
          }
        >
          Overdue cards at the station.
        </Item>
        <Item
          mark={
            <span className="flag flag-empty">
              <Icon name="warning" />
              Empty
            </span>
          }
        >
          Inbound material: no full container left.
        </Item>
        <Item
          mark={
            <span className="legend-andons">
              <span className="legend-andon andon-stop">
                <Icon name="stop" />
                {ANDON_LABELS.stop}
              </span>
              <span className="legend-andon andon-help">
                <Icon name="warning" />
                {ANDON_LABELS.help}
              </span>
              <span className="legend-andon andon-material">
                <Icon name="box" />
                {ANDON_LABELS.material}
              </span>
            </span>
          }
        >
          Andon calls raised at a station, shown in the banner above the board.
        </Item>
      </dl>
    </section>
  );
}
