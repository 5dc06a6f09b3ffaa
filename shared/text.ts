// Text a person typed and everyone else reads: station and part names, notes, user and
// device names. One rule for every schema, so the log, the state tables and every screen
// hold the same string:
//   - well-formed Unicode: a lone UTF-16 surrogate cannot be stored the same way twice
//     (JSON in the log keeps it, the state tables would replace it), so it is refused;
//   - NFC: "é" typed as one code point or as e + accent is the same name;
//   - no control characters (NUL, newlines, escapes) and no bidi overrides or isolates,
//     which can make a name read backwards on a screen ("Trojan Source");
//   - at least one visible character: a name of zero-width spaces is no name;
//   - trimmed, and at most `max` characters (UTF-16 units, as the limits always were).
import { z } from 'zod';

// Surrogate halves that are not part of a pair (`u` makes a pair one code point).
const LONE_SURROGATE = /\p{Cs}/u;
// C0 and C1 controls and DEL.
const CONTROL = /\p{Cc}/u;
// LRE RLE PDF LRO RLO, LRI RLI FSI PDI: the embedding, override and isolate controls.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
// Something that shows: not a space, not a format character (zero-width space, joiners,
// BOM, marks), not a combining mark on its own.
const VISIBLE = /[^\p{White_Space}\p{Cf}\p{Cc}\p{Z}\p{M}]/u;

/** Why a text is refused, or null when it is fine (for the client's forms as well). */
export function textProblem(s: string): string | null {
  if (LONE_SURROGATE.test(s)) return 'contains a broken character (a lone surrogate)';
  if (CONTROL.test(s)) return 'contains a control character';
  if (BIDI_CONTROL.test(s)) return 'contains a text-direction override';
  return null;
}

function checked(base: z.ZodString, allowEmpty: boolean) {
  return base.superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `Text ${problem}` });
    else if (!(allowEmpty && s === '') && !VISIBLE.test(s)) ctx.addIssue({ code: 'custom', message: 'Text needs at least one visible character' });
  });
}

/** A required name: trimmed, NFC, 1..max characters with something visible. */
export function nameText(max: number) {
  return checked(z.string().trim().normalize('NFC').min(1).max(max), false);
}

/** Optional free text (a part name, a note): may be empty, else the same rules as a name. */
export function freeText(max: number) {
  return checked(z.string().trim().normalize('NFC').max(max), true);
}

/** A short prefix of untrusted input for an error message or its details, never the whole. */
export function excerpt(s: string, max = 40): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max).join('')}…`;
}
