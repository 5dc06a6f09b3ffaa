// The disruption what-if: "Nordstahl stops for 6 hours". The server simulates forward
// from the live board (shared/whatif.ts behind POST /api/whatif) and answers which
// stations starve, when and for how long, and the extra cards per loop that would ride
// it out. Read-only: nothing here sends a command.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useBoardStore, useShallowStore } from '../../store/hooks.ts';
import { stationIds } from '../../store/selectors.ts';
import { clockTime, duration } from '../../format.ts';
import { runWhatIf } from './api.ts';
import type { WhatIfResult } from './api.ts';
import { m } from './messages.ts';
import { MAX_WHATIF_DURATION_MINUTES } from '../../../../shared/whatif.ts';

type Outcome =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'failed'; message: string }
  | { state: 'done'; stationId: string; hours: number; result: WhatIfResult };

/** Hours a lead may type: more than 0, up to the server's longest stop (7 days). */
export function parseHours(text: string): number | null {
  const h = Number(text.trim().replace(',', '.'));
  return Number.isFinite(h) && h > 0 && h * 60 <= MAX_WHATIF_DURATION_MINUTES ? h : null;
}

export function WhatIfSection() {
  const ids = useShallowStore((s) => stationIds(s.board));
  const stations = useBoardStore((s) => s.board.stations);
  const loops = useBoardStore((s) => s.board.loops);
  // Stations that supply a loop: stopping one that supplies nothing starves nobody.
  const suppliers = ids.filter((id) => Object.values(loops).some((l) => l.supplierStationId === id));
  const [stationId, setStationId] = useState('');
  const picked = suppliers.includes(stationId) ? stationId : (suppliers[0] ?? '');
  const [hours, setHours] = useState('6');
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });

  async function run(e: FormEvent) {
    e.preventDefault();
    const h = parseHours(hours);
    if (h === null) return setError(m.whatIfDurationError);
    setError(null);
    setOutcome({ state: 'running' });
    const r = await runWhatIf(picked, Math.round(h * 60));
    if (r.ok) setOutcome({ state: 'done', stationId: picked, hours: h, result: r.body });
    else setOutcome({ state: 'failed', message: r.status === 404 ? m.whatIfUnavailable : r.error.message });
  }

  const name = (id: string) => stations[id]?.name ?? id;
  return (
    <section className="metrics-section" aria-labelledby="metrics-whatif">
      <h2 id="metrics-whatif">{m.whatIfHeading}</h2>
      <p className="muted small">{m.whatIfIntro}</p>
      <form className="whatif-form" onSubmit={(e) => void run(e)} aria-labelledby="metrics-whatif">
        <label>
          {m.whatIfStation}{' '}
          <select value={picked} onChange={(e) => setStationId(e.target.value)} data-testid="whatif-station">
            {suppliers.map((id) => (
              <option key={id} value={id}>
                {name(id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.whatIfDuration}{' '}
          <input inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} aria-invalid={error !== null} data-testid="whatif-hours" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={outcome.state === 'running' || picked === ''}>
          {outcome.state === 'running' ? m.whatIfRunning : m.whatIfRun}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div role="status" data-testid="whatif-result">
        {outcome.state === 'failed' ? <p className="form-error">{outcome.message}</p> : null}
        {outcome.state === 'done' ? <WhatIfAnswer outcome={outcome} name={name} part={(id) => loops[id]?.partNumber ?? id} /> : null}
      </div>
    </section>
  );
}

function WhatIfAnswer({
  outcome,
  name,
  part,
}: {
  outcome: Extract<Outcome, { state: 'done' }>;
  name: (id: string) => string;
  part: (id: string) => string;
}) {
  const { result, stationId, hours } = outcome;
  const extra = result.loops.filter((x) => x.extraCards > 0);
  return (
    <>
      {result.stations.length === 0 ? (
        <p data-testid="whatif-none">{m.whatIfNone(name(stationId), hours)}</p>
      ) : (
        <>
          <p>
            <strong>{m.whatIfHead(name(stationId), hours)}</strong>
          </p>
          <ul className="whatif-starved" data-testid="whatif-starved">
            {result.stations.map((s) => (
              <li key={s.stationId}>
                {m.whatIfStarves(name(s.stationId), m.whatIfAfter(duration(s.starvedAfterMinutes)), duration(s.starvedMinutes), clockTime(Date.parse(s.starvedAt)))}
              </li>
            ))}
          </ul>
          <h3>{m.whatIfExtraHeading}</h3>
          {!result.ridesItOut ? (
            <p>{m.whatIfNoRide}</p>
          ) : extra.length === 0 ? (
            <p>{m.whatIfNoExtra}</p>
          ) : (
            <ul className="whatif-extra" data-testid="whatif-extra">
              {extra.map((x) => (
                <li key={x.loopId}>{m.whatIfExtra(part(x.loopId), x.extraCards)}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <p className="muted small">
        {m.whatIfModel(duration(result.horizonMinutes))}
        {result.truncated ? ` ${m.whatIfTruncated}` : ''}
      </p>
    </>
  );
}
