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
  andon: {
    since: 'since {time} ({duration})',
    clear: { stop: 'Clear line stop', help: 'Clear help call', material: 'Clear material call' },
    raise: { stop: 'Stop line', help: 'Call help', material: 'Call material' },
  },
  access: {
    listSeparator: ', ',
    viewer: 'Read-only: signed in as a viewer, this screen only watches the board.',
    notHere: 'Read-only here. Only the operators of {station} may do this.',
    operatorAt: 'You work at {names}: only their cards and calls have buttons here.',
    noStation: 'You are bound to no station: this board is read-only for you.',
  },
  card: {
    draggable: 'draggable card',
    nameOverdue: '{name}, overdue',
    sending: 'Sending…',
    start: 'Start',
    startName: 'Start {name}',
    finish: 'Finish',
    finishName: 'Finish {name}',
    use: 'Use',
    useName: 'Use {name}',
    stepBack: 'Step back',
    stepBackName: 'Step back {name}',
    history: 'History',
    historyOf: 'History of {name}',
    waiting: 'Pending — will be sent when back online',
    srCard: 'card ',
    pcs: '{qty, number} pcs',
    consumer: 'Consuming station',
    lostTitle:
      'Nobody has moved or scanned this card for {idle}, over {times, number} times its lead time: find it, or reprint it from the loop’s print view',
    lost: 'Lost?',
    full: 'Full',
    overdue: 'Overdue',
    ageTitle: 'Waiting since the replenishment signal, against the loop’s lead time',
  },
  column: {
    srNoLimit: ' cards, no limit',
    overLimit: 'Over limit',
    atLimit: 'At limit',
    srFigures: ' (cards / limit)',
    softLimit: 'soft limit',
    region: '{station}: {column}',
    noCards: 'No cards',
    noMatching: 'No matching cards',
    moreNotMatching: '{count, number} more not matching',
  },
  inbound: {
    full: 'full',
    ofCount: 'of {count, number}',
    fromSupplier: '{qty, number} pcs · from {supplier}',
    usesNotSent: '{count, plural, one {# use not sent yet} other {# uses not sent yet}}',
    starved: 'Starved — material call',
    empty: 'Empty',
    useName: 'Use {part}',
    none: 'No inbound material.',
    noneMatching: 'No matching inbound material.',
  },
  status: {
    live: 'Live',
    reconnecting: 'Reconnecting…',
    connecting: 'Connecting…',
    offlineSince: 'Offline since {time}',
    unreachable: 'Cannot reach the Pullboard server. Retrying…',
    loading: 'Loading the board…',
    refusedHint: 'The board shows where the cards really are. Check them and do the moves again if they are still needed.',
    madeAt: '(made {time})',
    seenClear: 'Seen — clear list',
  },
  undo: {
    undone: 'Undone: {text}',
    undoing: 'Undoing…',
    undo: 'Undo',
  },
  identity: {
    signedInAs: 'Signed in as ',
    unpairConfirm: 'Unpair this device? It forgets its pairing and needs a new code to show the board again.',
    unpair: 'Unpair',
    signOut: 'Sign out',
    signedIn: 'Signed in: <strong>{name}</strong>',
    signingOutIn: 'Signing out in {left, number} s — touch the screen to stay',
    enterPin: 'Enter your PIN',
    pin: 'PIN',
    checking: 'Checking…',
    signIn: 'Sign in',
    badgeRefused: 'Badge not accepted: {error}',
    ok: 'OK',
  },
} as const;

export default en;

/** The English catalogue's exact type (its messages as literals, for typed placeholders). */
export type Messages = typeof en;

type Words<T> = { readonly [K in keyof T]: T[K] extends string ? string : Words<T[K]> };
/** What every language's catalogue is: the same keys as English, any words. */
export type Catalogue = Words<Messages>;
