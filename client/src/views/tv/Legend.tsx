// What the wall TV's marks mean: one small line at the foot of the screen, each mark
// drawn as it appears on the board with a few words (in the TV's second language too,
// when it has one).
import { useTranslations } from 'use-intl';
import { Icon } from '../../components/Icon.tsx';
import { Bi } from '../../i18n/Bilingual.tsx';
import { useSecondTranslations } from '../../i18n/I18nProvider.tsx';

export function TvLegend() {
  const t = useTranslations('tv');
  const t2 = useSecondTranslations('tv');
  return (
    <ul className="tv-key" aria-label={t('legend.label')} data-testid="tv-legend">
      <li>
        <span className="mark mark-ok">
          <Icon name="check" /> <Bi a={t('flowing')} b={t2?.('flowing')} />
        </span>
        <Bi a={t('legend.allWell')} b={t2?.('legend.allWell')} />
      </li>
      <li>
        <span className="mark mark-andon andon-stop">
          <Icon name="stop" /> <Bi a={t('legend.lineStop')} b={t2?.('legend.lineStop')} />
        </span>
        <Bi a={t('legend.andonCall')} b={t2?.('legend.andonCall')} />
      </li>
      <li>
        <span className="mark mark-starved">
          <Icon name="warning" /> <Bi a={t('starvedWord')} b={t2?.('starvedWord')} />
        </span>
        <Bi a={t('legend.inputEmpty')} b={t2?.('legend.inputEmpty')} />
      </li>
      <li>
        <span className="mark mark-overdue">
          <Icon name="clock" /> <Bi a={t('legend.overdue')} b={t2?.('legend.overdue')} />
        </span>
        <Bi a={t('legend.pastLead')} b={t2?.('legend.pastLead')} />
      </li>
      <li>
        <span className="mark mark-limit">
          <Icon name="warning" /> <Bi a={t('atLimit')} b={t2?.('atLimit')} />
        </span>
        <Bi a={t('legend.wipLimit')} b={t2?.('legend.wipLimit')} />
      </li>
      <li>
        <span className="tv-key-figure">
          3<span className="muted"> / 5</span>
        </span>
        <Bi a={t('legend.cardsLimit')} b={t2?.('legend.cardsLimit')} />
      </li>
      <li>
        <span className="tv-key-figure">
          5<span className="muted">{t('fullOf', { cards: 8 })}</span>
        </span>
        <Bi a={t('legend.fullCards')} b={t2?.('legend.fullCards')} />
      </li>
    </ul>
  );
}
