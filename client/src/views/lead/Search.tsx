// The lead board's search box: part number, part name or station. Escape (or Clear)
// empties it; the line beside it says how much matches.
import { useId, useRef } from 'react';
import { Icon } from '../../components/Icon.tsx';
import { useTranslations } from 'use-intl';

export function BoardSearch({
  query,
  onQuery,
  summary,
}: {
  query: string;
  onQuery: (q: string) => void;
  /** What the query matches, or null when there is no query. */
  summary: string | null;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const t = useTranslations('search');
  return (
    <div className="board-search" role="search">
      <label htmlFor={id} className="board-search-label">
        {t('label')}
      </label>
      <div className="board-search-field">
        <input
          ref={input}
          id={id}
          type="search"
          className="board-search-input"
          value={query}
          placeholder={t('placeholder')}
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="search"
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query !== '') {
              e.preventDefault();
              onQuery('');
            }
          }}
          aria-describedby={`${id}-summary`}
        />
        {query !== '' ? (
          <button
            type="button"
            className="btn btn-quiet board-search-clear"
            onClick={() => {
              onQuery('');
              input.current?.focus();
            }}
            aria-label={t('clear')}
          >
            <Icon name="close" />
          </button>
        ) : null}
      </div>
      <p id={`${id}-summary`} className="board-search-summary" role="status" data-testid="search-summary">
        {summary ?? ''}
      </p>
    </div>
  );
}
