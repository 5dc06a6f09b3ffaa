// English: the reference catalogue. Every other language has exactly these keys with the
// same placeholders (checked by catalogues.test.ts); the compiler checks every t('...')
// against it. ICU MessageFormat: {name} is a value, {n, plural, one {…} other {…}} a
// plural, {kind, select, …} a choice; a literal { or } is written '{'.
const en = {
  common: {
    appName: 'Pullboard',
    columns: { requested: 'Requested', in_progress: 'In Progress', done: 'Done' },
    andon: { stop: 'Line stop', help: 'Help needed', material: 'Material call' },
    roles: { admin: 'Admin', lead: 'Team lead', operator: 'Operator', viewer: 'Viewer' },
    stationKinds: { supplier: 'external supplier', process: 'process', customer: 'customer end' },
    dismiss: 'Dismiss',
    close: 'Close',
    cancel: 'Cancel',
    save: 'Save',
    saving: 'Saving…',
    ok: 'OK',
    reloadNow: 'Reload now',
    language: 'Language',
    listSeparator: ', ',
  },
  format: {
    minutes: '{m, number} min',
    hours: '{h, number} h',
    hoursMinutes: '{h, number} h {m, number} min',
    days: '{d, number} d',
    daysHours: '{d, number} d {h, number} h',
    weekdayTime: '{weekday} {time}',
  },
  refusal: {
    thisStation: 'this station',
    thatColumn: 'that column',
    anInputPart: 'an input part',
    items: 'items',
    wipLimit:
      'WIP limit reached: {station} {column} is full{hasFigures, select, yes { ({count, number} / {limit, number})} other {}}. Finish or move work on before adding more.',
    starved:
      'Starved: no full container of {part}{partName, select, none {} other { {partName}}}{supplier, select, none {} other { from {supplier}}}. Call for material.',
    conflict: 'Conflict: the card was changed on another screen first. The board now shows where it really is.',
    forbidden: 'Not allowed: {message}',
    plantLimit:
      'The plant is at its limit{hasLimit, select, yes { of {limit, number} {what}} other {}}. Remove some first, or ask the administrator to raise the limit.',
    noAnswer:
      'No answer from the server (connection lost): it may or may not have been saved. Check the board once it is live again; saving again is safe.',
    oldVersion: 'Not sent: {message}. Pullboard was updated since; check the card and do it again if it is still needed.',
    expired: 'Not sent: {message}. Check the card and do it again if it is still needed.',
    expiredDefault: 'it waited too long for a connection',
    refused: '{label} refused — {reason}',
    refusedTitle: '{count, plural, one {# move made while offline was refused} other {# moves made while offline were refused}}',
    outboxSending: '{count, plural, one {Sending # move…} other {Sending # moves…}}',
    outboxWaiting: '{count, plural, one {# move not sent yet} other {# moves not sent yet}}',
    outboxWaitingDetail: ' — will be sent when back online',
  },
} as const;

export default en;

/** The English catalogue's exact type (its messages as literals, for typed placeholders). */
export type Messages = typeof en;

type Words<T> = { readonly [K in keyof T]: T[K] extends string ? string : Words<T[K]> };
/** What every language's catalogue is: the same keys as English, any words. */
export type Catalogue = Words<Messages>;
