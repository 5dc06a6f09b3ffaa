// The wall TV's two languages: a word in the screen's language with, when the TV has a
// second language set, the same word in that language under it (smaller, marked with its
// `lang` so a screen reader pronounces it right). Station and part names are data and
// are shown once; only labels, headings, the key and status words come in two languages.
import { useSecondLocale } from './I18nProvider.tsx';

export function Bi({ a, b }: { a: string; b: string | null | undefined }) {
  const second = useSecondLocale();
  if (second === null || b === null || b === undefined || b === a) return <>{a}</>;
  return (
    <span className="bi">
      <span className="bi-first">{a}</span>
      <span className="bi-second" lang={second} data-testid="second-language">
        {b}
      </span>
    </span>
  );
}
