// The board snapshot, built and serialized once per seq and shared by everyone who asks
// for it: `GET /api/board` and every `board:subscribe` answered with a snapshot.
//
// Before, each request sorted the whole board into a new snapshot, serialized it, and
// had its own copy of the bytes queued until its socket took them: with 100,000 cards
// (23 MB of JSON) 25 sockets x 6 requests ran the heap out. Measured on the development
// VM with 20,000 cards (4.6 MB): building ~23 ms, JSON.stringify ~20 ms, each copy of the
// text into bytes ~20 ms. Now, per seq (a commit drops it):
// - the snapshot is built and serialized once, and its answer to `board:subscribe`
//   (`{"ok":true,"snapshot":...,"logId":...}`) turned into bytes once;
// - HTTP sends a slice of those same bytes to every caller (no copy, and an ETag of the
//   log and seq so Express does not hash them per request; a conditional GET gets 304);
// - a socket's answer is one frozen object for everyone. The encoder below writes its
//   packet as the cached JSON spliced in (no walk, no serializing) and, on a WebSocket,
//   hands engine.io a ready frame whose body is the shared bytes: a few bytes of header
//   and ack id per subscriber, and the socket writes the shared Buffer itself, so a
//   queued answer costs a reference, not a copy. (This is engine.io's own pre-encoded
//   frame path, the one Socket.IO's broadcasts use. On polling, or if engine.io ever
//   ignored the frame, the packet's text is sent as usual: same bytes, just copied.)
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import type { Packet } from 'socket.io-parser';
import type { BoardSnapshot } from '../shared/schemas.ts';
import type { BoardService } from './service.ts';

/** One seq's snapshot, as an object and as JSON. */
export interface SharedSnapshot {
  readonly seq: number;
  readonly snapshot: BoardSnapshot;
  /** The snapshot as JSON. */
  readonly json: string;
  /** Size of `json` in UTF-8 bytes. */
  readonly bytes: number;
}

/** The `board:subscribe` answer carrying the whole board. */
export interface SnapshotAnswer {
  readonly ok: true;
  readonly snapshot: BoardSnapshot;
  readonly logId: string;
}

/** An answer as text and as the bytes of an acknowledgement's tail (the text and `]`). */
interface EncodedAnswer {
  readonly text: string;
  readonly tail: Buffer;
}

/** Answers whose encoding is already known: the encoder splices it in instead of serializing. */
const encodedAnswers = new WeakMap<object, EncodedAnswer>();

interface Entry extends SharedSnapshot {
  answer?: { logId: string; value: SnapshotAnswer; encoded: EncodedAnswer; jsonAt: number };
}

const ANSWER_HEAD = '{"ok":true,"snapshot":';

/** The snapshot of one service's board, rebuilt only when the seq has moved. */
export class SnapshotCache {
  private entry: Entry | null = null;
  private builds = 0;
  private lastSize = 0;

  constructor(private readonly service: Pick<BoardService, 'seq' | 'snapshot' | 'onEvents'>) {
    // A commit moves the seq; dropping the old snapshot at once frees it even when no
    // one asks for the new one.
    service.onEvents(() => {
      this.entry = null;
    });
  }

  /** The snapshot at the current seq (built and serialized now if it is not yet). */
  current(): SharedSnapshot {
    return this.fresh();
  }

  /** The current snapshot as the bytes of an HTTP body (a view of the shared bytes), and its ETag. */
  http(logId: string): { body: Buffer; etag: string } {
    const e = this.fresh();
    const a = this.answerOf(e, logId);
    // Weak: the same log at the same seq is the same board, whatever the order of its
    // maps after a restart.
    return { body: a.encoded.tail.subarray(a.jsonAt, a.jsonAt + e.bytes), etag: `W/"${logId}-${e.seq}"` };
  }

  /** The `board:subscribe` answer with the current snapshot; the same object for everyone at this seq. */
  answer(logId: string): SnapshotAnswer {
    return this.answerOf(this.fresh(), logId).value;
  }

  /** Snapshots built so far (tests and diagnostics). */
  get built(): number {
    return this.builds;
  }

  /** Bytes of the last snapshot built (0 before the first): what a screen is sent when it asks for the board. */
  get lastBytes(): number {
    return this.lastSize;
  }

  private answerOf(e: Entry, logId: string): NonNullable<Entry['answer']> {
    if (e.answer?.logId !== logId) {
      const value: SnapshotAnswer = Object.freeze({ ok: true, snapshot: e.snapshot, logId });
      // Exactly what JSON.stringify(value) gives, without walking the board again.
      const text = `${ANSWER_HEAD}${e.json},"logId":${JSON.stringify(logId)}}`;
      const encoded: EncodedAnswer = { text, tail: Buffer.from(`${text}]`, 'utf8') };
      encodedAnswers.set(value, encoded);
      e.answer = { logId, value, encoded, jsonAt: ANSWER_HEAD.length };
    }
    return e.answer;
  }

  private fresh(): Entry {
    const seq = this.service.seq;
    if (this.entry?.seq === seq) return this.entry;
    const snapshot = this.service.snapshot();
    const json = JSON.stringify(snapshot);
    this.builds++;
    // The object goes to every subscriber at this seq, so nobody may change it (its cards,
    // loops and stations are the board's own, which are replaced on change, never edited).
    this.entry = { seq, snapshot, json, bytes: Buffer.byteLength(json, 'utf8') };
    this.lastSize = this.entry.bytes;
    return this.entry;
  }
}

const caches = new WeakMap<object, SnapshotCache>();

/** The one snapshot cache of a service (HTTP and the socket share it). */
export function sharedSnapshots(service: BoardService): SnapshotCache {
  let c = caches.get(service);
  if (!c) {
    c = new SnapshotCache(service);
    caches.set(service, c);
  }
  return c;
}

// ---------------------------------------------------------------- the socket's encoding

/**
 * The frame for the acknowledgement just encoded, until engine.io creates its packet.
 * Socket.IO encodes a packet and hands it to engine.io in one synchronous call, so the
 * next packet engine.io creates is that one (or, if that connection was closing, a later
 * one, which is matched by its text and so only ever gets a frame of the same bytes).
 */
let pendingFrame: { data: string; frame: [Buffer, Buffer] } | null = null;

/** The header of an unmasked, final WebSocket text frame of `length` bytes (RFC 6455 5.2). */
export function wsTextHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65536) {
    const h = Buffer.alloc(4);
    h[0] = 0x81;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x81;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/**
 * Socket.IO's encoder, except that an acknowledgement carrying a shared answer is
 * written with that answer's JSON instead of serializing it again. The packet is the
 * same string the stock encoder would produce (socket.io-parser's `encodeAsString`:
 * type, namespace unless `/`, ack id, JSON of the arguments).
 */
export class SharedAnswerEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const data: unknown = packet.data;
    if (packet.type === PacketType.ACK && Array.isArray(data) && data.length === 1) {
      const arg: unknown = data[0];
      const encoded = typeof arg === 'object' && arg !== null ? encodedAnswers.get(arg) : undefined;
      if (encoded !== undefined) {
        const head = `${PacketType.ACK}${packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : ''}${packet.id ?? ''}[`;
        const text = `${head}${encoded.text}]`;
        // On a WebSocket the message is engine.io's type `4` and this text.
        const prefix = Buffer.from(`4${head}`, 'utf8');
        pendingFrame = { data: text, frame: [Buffer.concat([wsTextHeader(prefix.length + encoded.tail.length), prefix]), encoded.tail] };
        return [text];
      }
    }
    return super.encode(packet);
  }
}

/** The `parser` option of the Socket.IO server: the stock decoder, the encoder above. */
export const socketParser = { Encoder: SharedAnswerEncoder, Decoder };

/**
 * Listener for an engine.io connection's `packetCreate`: gives the acknowledgement just
 * encoded its ready WebSocket frame (`options.wsPreEncodedFrame`, which engine.io's
 * WebSocket transport writes as it is when it can, and ignores otherwise).
 */
export function attachSharedFrame(packet: unknown): void {
  const pending = pendingFrame;
  pendingFrame = null;
  if (pending === null || typeof packet !== 'object' || packet === null) return;
  if (Reflect.get(packet, 'data') !== pending.data) return;
  const options: unknown = Reflect.get(packet, 'options');
  if (typeof options === 'object' && options !== null) Reflect.set(options, 'wsPreEncodedFrame', pending.frame);
}
