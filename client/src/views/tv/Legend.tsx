// What the wall TV's marks mean: one small line at the foot of the screen, each mark
// drawn as it appears on the board with a few words.
import { Icon } from '../../components/Icon.tsx';

export function TvLegend() {
  return (
    <ul className="tv-key" aria-label="What the marks mean" data-testid="tv-legend">
      <li>
        <span className="mark mark-ok">
          <Icon name="check" /> Flowing
        </span>
        all well
      </li>
      <li>
        <span className="mark mark-andon andon-stop">
          <Icon name="stop" /> LINE STOP
        </span>
        andon call
      </li>
      <li>
        <span className="mark mark-starved">
          <Icon name="warning" /> STARVED
        </span>
        input part empty
      </li>
      <li>
        <span className="mark mark-overdue">
          <Icon name="clock" /> OVERDUE
        </span>
        past lead time
      </li>
      <li>
        <span className="mark mark-limit">
          <Icon name="warning" /> AT LIMIT
        </span>
        WIP limit
      </li>
      <li>
        <span className="tv-key-figure">
          3<span className="muted"> / 5</span>
        </span>
        cards / limit
      </li>
      <li>
        <span className="tv-key-figure">
          5<span className="muted">/8 full</span>
        </span>
        full / cards
      </li>
    </ul>
  );
}
