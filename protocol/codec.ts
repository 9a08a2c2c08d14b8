/**
 * Client frame codecs (PROTOCOL.md §2): subprotocol negotiation, the `Codec` seam, whole-frame
 * decoding into parsed messages, and encode-once helpers for the fan-out path.
 *
 * Frame lifecycle (gateway):
 *   upgrade --chooseSubprotocol--> codecFor(p)
 *   frame in --decodeClientFrame--> { ok: false } -> close 4000 (Disconnect.Undecodable)
 *                                    { ok: true, items } -> each item: msg, or `err` to send back
 *   events out --encodeEvents--> bytes shared by every subscriber of that format
 *
 * Batches: a frame may be an array of messages, at most `MAX_CLIENT_BATCH`. An empty array or a
 * longer one is answered with a single 400 (no id) and none of its messages run: running a prefix
 * would make the outcome depend on where the server cut.
 */
import { ErrorCode } from './codes';
import { DecodeError } from './errors';
import { jsonCodec, jsonData } from './json-codec';
import type { ClientMessage, ServerMessage } from './messages';
import { msgpackCodec } from './msgpack-codec';
import { type Parsed, parseClientMessage } from './validate';
import { isPresenceTopic } from './presence-topic';
import { arrayHeadLength, rawEvFrame, rawFrameFits, writeArrayHead } from './raw-ev-frame';

export { DecodeError } from './errors';
export { jsonCodec } from './json-codec';
export { msgpackCodec } from './msgpack-codec';

export const Subprotocol = { Msgpack: 'troupe.v1.msgpack', Json: 'troupe.v1.json' } as const;
export type Subprotocol = (typeof Subprotocol)[keyof typeof Subprotocol];

/** The most messages one client frame may hold. */
export const MAX_CLIENT_BATCH = 100;

export interface Codec {
  readonly subprotocol: Subprotocol;
  /** msgpack: binary frames; json: text frames. */
  readonly binary: boolean;
  /** One frame's value (a message, a batch, or anything else). Throws only `DecodeError`. */
  decode(frame: Uint8Array | string): unknown;
  /** An array is a batch frame. */
  encode(msg: ServerMessage | ServerMessage[]): Uint8Array | string;
  /**
   * Where set, encodes `ev` and `presence` frames instead of `encode`: their data is a checked
   * payload, stripped of `undefined` map values at ingress, which a faster writer may rely on
   * (msgpack: `packMsgpackEvents`).
   */
  encodeEvents?(msg: ServerMessage | ServerMessage[]): Uint8Array | string;
  /**
   * Set for a one-way text stream (Server-Sent Events): each frame carries its connection's own
   * stream position, so a batch is encoded per connection rather than shared, and the parts of
   * a frame are written one after the other rather than as an array.
   */
  readonly perConnection?: true;
  /**
   * What to write each heartbeat to a client that never sends (an SSE comment): such a
   * connection is kept alive by writing and is never closed as idle.
   */
  readonly keepAlive?: string;
}

/**
 * The subprotocol to answer an upgrade with. Nothing offered: msgpack (the contract's default).
 * Offered but none supported: `null`, and the caller rejects the upgrade. Otherwise the client's
 * first supported choice (its order is its preference). Entries are trimmed and may still hold
 * the raw comma-separated header value.
 */
export function chooseSubprotocol(offered: readonly string[]): Subprotocol | null {
  let sawAny = false;
  for (const entry of offered) {
    for (const part of entry.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      sawAny = true;
      // The constant, not the client's copy: every connection keeps this string for its life.
      if (name === Subprotocol.Msgpack) return Subprotocol.Msgpack;
      if (name === Subprotocol.Json) return Subprotocol.Json;
    }
  }
  return sawAny ? null : Subprotocol.Msgpack;
}

export function codecFor(p: Subprotocol): Codec {
  return p === Subprotocol.Json ? jsonCodec : msgpackCodec;
}

export type DecodedFrame =
  { ok: true; items: Parsed<ClientMessage>[] } | { ok: false; reason: string };

export function decodeClientFrame(codec: Codec, frame: Uint8Array | string): DecodedFrame {
  let value: unknown;
  try {
    value = codec.decode(frame);
  } catch (err) {
    if (err instanceof DecodeError) return { ok: false, reason: err.message };
    throw err; // a bug in a codec, not bad input: let the supervisor see it
  }
  if (!Array.isArray(value)) return { ok: true, items: [parseClientMessage(value)] };
  const n = value.length;
  if (n === 0) return { ok: true, items: [batchError('empty batch')] };
  if (n > MAX_CLIENT_BATCH) {
    return { ok: true, items: [batchError(`batch of ${n} messages exceeds ${MAX_CLIENT_BATCH}`)] };
  }
  const items = new Array<Parsed<ClientMessage>>(n);
  for (let i = 0; i < n; i++) items[i] = parseClientMessage(value[i]);
  return { ok: true, items };
}

function batchError(msg: string): Parsed<ClientMessage> {
  return { ok: false, code: ErrorCode.BadRequest, msg };
}

export type EventPayload = { readonly seq: number; readonly data: unknown };

/** Told of an event that could not be encoded and was left out of its frame. */
export type SkipHandler = (topic: string, event: EventPayload, cause: unknown) => void;

/**
 * One frame holding `ev` messages for `events` of one topic: a single map for one event, an
 * array for several. Encode once, send the result to every subscriber using this codec.
 *
 * Ingress refuses data the codecs cannot carry (`payload.ts`), so encoding does not fail; if it
 * still does (a bug, or a value that slipped past), it costs that one event, never the frame or
 * the connection: the others are encoded one by one, `onSkip` hears of each event left out, and
 * the result is `undefined` when none is left. Throws RangeError on an empty list (a caller bug).
 */
export function encodeEvents(
  codec: Codec,
  topic: string,
  epoch: string,
  events: ReadonlyArray<EventPayload>,
  onSkip?: SkipHandler,
): Uint8Array | string | undefined {
  const n = events.length;
  if (n === 0) throw new RangeError('encodeEvents needs at least one event');
  try {
    return encodeAll(codec, topic, epoch, events);
  } catch {
    return encodeEach(codec, topic, epoch, events, onSkip);
  }
}

function encodeAll(
  codec: Codec,
  topic: string,
  epoch: string,
  events: ReadonlyArray<EventPayload>,
): Uint8Array | string {
  const n = events.length;
  const presence = isPresenceTopic(topic);
  if (codec === jsonCodec && !presence) return jsonEvents(topic, epoch, events);
  if (codec === msgpackCodec && !presence && rawFrameFits(topic, epoch, events)) {
    return rawEvFrame(topic, epoch, events);
  }
  const make = presence ? presenceMsg : ev;
  if (n === 1) return encodeEv(codec, make(topic, epoch, events[0]));
  const batch = new Array<ServerMessage>(n);
  for (let i = 0; i < n; i++) batch[i] = make(topic, epoch, events[i]);
  return encodeEv(codec, batch);
}

function encodeEv(codec: Codec, msg: ServerMessage | ServerMessage[]): Uint8Array | string {
  return codec.encodeEvents !== undefined ? codec.encodeEvents(msg) : codec.encode(msg);
}

/**
 * An event of a presence topic goes out as `presence`. Only the server publishes there (a `pub`
 * to a presence topic is refused at every ingress), so `data` is a PresenceChange; anything
 * else still goes out, as a plain `ev`, rather than as a made-up presence.
 */
function presenceMsg(topic: string, epoch: string, e: EventPayload): ServerMessage {
  const d = e.data as { user?: unknown; online?: unknown; lastSeen?: unknown } | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    typeof d.user !== 'string' ||
    typeof d.online !== 'boolean'
  ) {
    return ev(topic, epoch, e);
  }
  const lastSeen = typeof d.lastSeen === 'number' ? d.lastSeen : null;
  return { op: 'presence', topic, user: d.user, online: d.online, lastSeen, seq: e.seq, epoch };
}

/** The slow path: every event alone, the ones that fail left out. */
function encodeEach(
  codec: Codec,
  topic: string,
  epoch: string,
  events: ReadonlyArray<EventPayload>,
  onSkip: SkipHandler | undefined,
): Uint8Array | string | undefined {
  const parts: (Uint8Array | string)[] = [];
  for (const e of events) {
    try {
      const part = encodeAll(codec, topic, epoch, [e]);
      // msgpackr's output may be a view into its shared slab: copy before the next encode.
      parts.push(typeof part === 'string' ? part : Buffer.from(part));
    } catch (cause) {
      onSkip?.(topic, e, cause);
    }
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  if (codec.perConnection) return parts.join('');
  if (!codec.binary) return `[${parts.join(',')}]`;
  return Buffer.concat([msgpackArrayHeader(parts.length), ...(parts as Uint8Array[])]);
}

/** The msgpack array header for `n` elements (fixarray, array 16 or array 32). */
function msgpackArrayHeader(n: number): Buffer {
  const b = Buffer.allocUnsafe(arrayHeadLength(n));
  writeArrayHead(b, n);
  return b;
}

function ev(topic: string, epoch: string, e: EventPayload): ServerMessage {
  return { op: 'ev', topic, seq: e.seq, epoch, data: e.data === undefined ? null : e.data };
}

/** The envelope is the same for every event, so it is serialized once per call. */
function jsonEvents(topic: string, epoch: string, events: ReadonlyArray<EventPayload>): string {
  const head = `{"op":"ev","topic":${JSON.stringify(topic)},"seq":`;
  const mid = `,"epoch":${JSON.stringify(epoch)},"data":`;
  if (events.length === 1) return `${head}${events[0].seq}${mid}${jsonData(events[0].data)}}`;
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    if (i > 0) out += ',';
    out += `${head}${events[i].seq}${mid}${jsonData(events[i].data)}}`;
  }
  return out + ']';
}
