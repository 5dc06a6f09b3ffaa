// The wall TV's andon banner: one line per call, most severe first, two calls a line
// when there are more than two, never more than a fifth of the screen (the rest say
// "+N more"). Each station's own row says its call too, so nothing is lost when the
// banner is full.
import { memo } from 'react';
import { ANDON_ICONS, andonStationIds, useAndonCall } from '../../components/Andon.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useShallowStore } from '../../store/hooks.ts';
import { useFittingCount } from './useFittingCount.ts';
import { useLocale, useTranslations } from 'use-intl';
import { useSecondLocale, useSecondTranslations } from '../../i18n/I18nProvider.tsx';
import { Bi } from '../../i18n/Bilingual.tsx';

export function TvAndonStrip() {
  const ids = useShallowStore((s) => andonStationIds(s.board));
  const { ref, fit } = useFittingCount<HTMLUListElement>(ids, false);
  const t = useTranslations('tv');
  if (ids.length === 0) return null;
  const shown = fit < ids.length ? ids.slice(0, fit) : ids;
  const hidden = ids.length - shown.length;
  return (
    <div
      className={`tv-andons${ids.length > 2 ? ' tv-andons-two' : ''}`}
      data-testid="andon-banner"
      data-count={ids.length}
      role="status"
    >
      <ul ref={ref}>
        {shown.map((id) => (
          <TvAndon key={id} stationId={id} />
        ))}
        {hidden > 0 ? (
          <li className="tv-andon tv-andon-more" data-testid="andon-more">
            {t('moreCalls', { count: hidden })}
          </li>
        ) : null}
      </ul>
    </div>
  );
}

const TvAndon = memo(function TvAndon({ stationId }: { stationId: string }) {
  const call = useAndonCall(stationId);
  const t = useTranslations('common');
  const c2 = useSecondTranslations('common');
  const locale = useLocale();
  const second = useSecondLocale();
  if (!call) return null;
  const { station, andon, since } = call;
  return (
    <li className={`tv-andon andon-${andon.kind}`} data-testid={`andon-${stationId}`} data-kind={andon.kind}>
      <Icon name={ANDON_ICONS[andon.kind]} />
      <strong className="tv-andon-kind">
        <Bi a={t(`andon.${andon.kind}`).toLocaleUpperCase(locale)} b={c2?.(`andon.${andon.kind}`).toLocaleUpperCase(second ?? locale)} />
      </strong>
      <strong className="tv-andon-station">{station.name}</strong>
      {andon.note ? <span className="tv-andon-note">{andon.note}</span> : <span className="tv-andon-note" />}
      <span className="tv-andon-since">{since}</span>
    </li>
  );
});
