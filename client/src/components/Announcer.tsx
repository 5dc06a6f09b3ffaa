// The app's one polite live region (see app/announce.ts). Always in the page from the
// start, visually hidden: a live region added together with its text is not read.
import { useStore } from 'zustand';
import { announcerStore } from '../app/announce.ts';

export function Announcer() {
  const message = useStore(announcerStore, (s) => s.message);
  return (
    <div className="sr-only announcer" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {/* A new node per message: the same words twice are a change, and are read again. */}
      {message ? <span key={message.id}>{message.text}</span> : null}
    </div>
  );
}
