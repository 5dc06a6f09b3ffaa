// Loop sizing: per loop the recommended cards by the Toyota, SAP and IFS forms from the
// window's measured demand and lead time, the change against today's count, a safety
// factor, and one Apply per loop: the normal loop update command (logged, and every
// screen shows the new count), asked first.
import { useState } from 'react';
import type { LoopMetrics, MetricsReport } from '../../../../shared/metrics.ts';
import { DEFAULT_SAFETY_FACTOR } from '../../../../shared/sizing.ts';
import { Limits } from '../../../../shared/names.ts';
import { useBoardStore } from '../../store/hooks.ts';
import { configure } from '../../app/runtime.ts';
import { useRoleMay } from '../../app/access.ts';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { duration } from '../../format.ts';
import { m } from './messages.ts';
import { parseSafetyFactor, sizingFor } from './sizing.ts';

export function SizingSection({ report }: { report: MetricsReport }) {
  const [text, setText] = useState(String(DEFAULT_SAFETY_FACTOR));
  const alpha = parseSafetyFactor(text);
  const [kept, setKept] = useState(DEFAULT_SAFETY_FACTOR);
  const used = alpha ?? kept;
  const loops = useBoardStore((s) => s.board.loops);
  const rows = report.loops.filter((l) => loops[l.loopId]);
  return (
    <section className="metrics-section" aria-labelledby="metrics-sizing">
      <h2 id="metrics-sizing">{m.sizingHeading}</h2>
      <p className="muted small">{m.sizingIntro}</p>
      <label className="sizing-alpha">
        {m.safetyFactor}{' '}
        <input
          inputMode="decimal"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const a = parseSafetyFactor(e.target.value);
            if (a !== null) setKept(a);
          }}
          aria-invalid={alpha === null}
          aria-describedby="sizing-alpha-hint"
          data-testid="safety-factor"
        />{' '}
        <span id="sizing-alpha-hint" className="muted small">
          {m.safetyFactorHint}
        </span>
      </label>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="metrics-sizing">
        <table className="metrics-table sizing-table" data-testid="sizing">
          <caption className="sr-only">{m.sizingCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.sizingCol.part}</th>
              <th scope="col">{m.sizingCol.demand}</th>
              <th scope="col">{m.sizingCol.lead}</th>
              <th scope="col">{m.sizingCol.qty}</th>
              <th scope="col">{m.sizingCol.current}</th>
              <th scope="col">{m.sizingCol.toyota}</th>
              <th scope="col">{m.sizingCol.sap}</th>
              <th scope="col">{m.sizingCol.ifs}</th>
              <th scope="col">{m.sizingCol.diff}</th>
              <th scope="col">{m.sizingCol.action}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <SizingLine key={l.loopId} metrics={l} alpha={used} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function SizingLine({ metrics, alpha }: { metrics: LoopMetrics; alpha: number }) {
  const loop = useBoardStore((s) => s.board.loops[metrics.loopId]);
  const mayUpdate = useRoleMay('loop.update');
  const [done, setDone] = useState<string | null>(null);
  if (!loop) return null;
  // Today's count from the live board (the report's may be a moment old).
  const current = loop.cardCount;
  const row = sizingFor(metrics, alpha, current);
  const target = Math.min(row.recommendedCards, Limits.MAX_CARDS_PER_LOOP);
  const diff = target - current;
  return (
    <tr data-testid={`sizing-${metrics.loopId}`} data-recommended={target} data-current={current}>
      <th scope="row">{loop.partNumber}</th>
      <td>{row.demandPerHour.toFixed(1)}</td>
      <td>
        {duration(row.leadTimeMinutes)} <span className="muted small">({row.leadTimeMeasured ? m.measured : m.planned})</span>
      </td>
      <td>{row.containerQty}</td>
      <td>{current}</td>
      <td>
        <strong>{row.forms.toyota}</strong>
      </td>
      <td>{row.forms.sap}</td>
      <td>{row.forms.ifs}</td>
      <td className={diff === 0 ? 'sizing-same' : diff > 0 ? 'sizing-add' : 'sizing-remove'}>{m.diffWord(diff)}</td>
      <td>
        {mayUpdate && diff !== 0 ? (
          <ConfirmAction
            label={m.apply(target)}
            question={m.applyQuestion(loop.partNumber, current, target)}
            confirmLabel={m.applyConfirm}
            danger={false}
            onConfirm={async () => {
              const ack = await configure('loop.update', { loopId: loop.id, cardCount: target }, `Set ${loop.partNumber} to ${target} cards`);
              if (!ack.ok) throw new Error(ack.error.message);
              setDone(m.applied(loop.partNumber, target));
            }}
          />
        ) : null}
        {done ? (
          <span className="sizing-done" role="status">
            {done}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
