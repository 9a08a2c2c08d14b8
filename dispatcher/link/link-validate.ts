/**
 * Validation of one decoded link message (dispatcher/link-messages.ts), field by field, as
 * `protocol/validate.ts` does for clients: a peer is an edge like any client, and what it sends
 * reaches routing actors whose tables are the node's only copy.
 *
 * Rules:
 * 1. The op is one the sender's role may send to ours (`MAY_SEND`); a gateway never forwards
 *    (`fwd`, `xdc`) and a dispatcher never announces interest, so a link that tries is dropped.
 * 2. Every field has its type: rids, seqs and codes are unsigned safe integers; topics pass
 *    `isValidTopic` (the client grammar); `data` of `pub`, `fwd` and `xdc` items and of every
 *    event passes `checkPayload`, and goes on as it returns it (without `undefined` map values;
 *    publishes with its size, `bytes`); `t0` is a finite number; booleans are booleans.
 * 3. Arrays hold at most `MAX_LINK_ITEMS` entries: more than a 1 MiB frame of honest items or
 *    events can carry, so only a hostile frame meets it. `rids` of `fwd` match `items` one to one.
 * 4. Strings the node stores or shows are bounded: epochs of events at `MAX_EPOCH`, `fail.msg`
 *    at `MAX_FAIL_MSG`, `xdc.origin` like a handshake's dc name. `since.epoch` is any string: it
 *    is a client's value relayed as it is, and a client must not be able to drop a gateway's link.
 * 4b. Viewer counts (`count-*`, `counts`, `xcount`) are integers of 0 to `MAX_COUNT`, items are
 *    `[topic, n]` pairs: a hostile gateway cannot make an owner's sums leave the safe integers.
 * 4c. `last` of `history` is an integer of 1 to `MAX_LAST`, the client's bound (PROTOCOL.md §12).
 * 5. A `null` optional field counts as absent (`reset`, `since`, `last`, `rids`, as in
 *    `protocol/fields.ts`).
 *
 * The parsed message is a fresh object holding only the fields above (a count pair is the
 * decoded array itself, checked to hold exactly its two or three values), so nothing a peer adds
 * travels further. A failure is a value naming the op and the field, never an exception; the
 * field's name is built only then.
 */
import {
  badLast,
  checkPayload,
  isHistoryLast,
  isFieldMap,
  isUnsignedSafeInteger,
  isValidTopic,
  MAX_TOPIC_BYTES,
  presenceTopicOf,
  type FieldMap,
  type Since,
} from '../../protocol';
import { Limits } from '../../server/limits';
import type { CountItem, ForwardedPublish, LinkMsg, LinkRole, ReportItem } from '../link-messages';
import type { TopicEvent } from '../types';

/** Entries per array of one link message (items, events, topics, rids, results). */
export const MAX_LINK_ITEMS = 100_000;
/** Characters of an event's epoch (an owner writes 8). */
export const MAX_EPOCH = 64;
/** Characters of a `fail` message. */
export const MAX_FAIL_MSG = 1024;
/** The largest viewer count a message may carry. */
export const MAX_COUNT = Limits.maxCount;
/** Characters of a datacenter name, as the handshake bounds it. */
const MAX_NAME = 200;

type Op = LinkMsg['op'];

/** Which ops a peer of one role may send to a node of another (`sender` > `receiver`). */
const MAY_SEND: Record<LinkRole, Record<LinkRole, ReadonlySet<Op>>> = {
  gateway: {
    dispatcher: new Set<Op>([
      'interest',
      'history',
      'pub',
      'presence-hb',
      'presence-q',
      'count-report',
      'count-q',
    ]),
    gateway: new Set<Op>(),
  },
  dispatcher: {
    gateway: new Set<Op>(['ev', 'history-r', 'pub-r', 'fail', 'presence-r', 'counts', 'count-r']),
    // Same dc: forwards and their answers, relayed reads, heartbeats and counts; other dc:
    // `xdc`, `xcount`.
    dispatcher: new Set<Op>([
      'fwd',
      'fwd-r',
      'xdc',
      'history',
      'history-r',
      'fail',
      'presence-hb',
      'presence-q',
      'presence-r',
      'xcount',
    ]),
  },
};

const OPS: ReadonlySet<string> = new Set<Op>([
  'interest',
  'history',
  'history-r',
  'pub',
  'pub-r',
  'fail',
  'ev',
  'fwd',
  'fwd-r',
  'xdc',
  'presence-hb',
  'presence-q',
  'presence-r',
  'count-report',
  'count-q',
  'count-r',
  'counts',
  'xcount',
] satisfies Op[]);

export type LinkParse =
  { readonly ok: true; readonly msg: LinkMsg } | { readonly ok: false; readonly why: string };

/** Thrown inside the readers; caught in `parseLinkMsg`, never seen by callers. */
class BadField {
  constructor(readonly why: string) {}
}

/** Validates `raw` (a decoded frame with a string op) as sent by `sender` to `receiver`. */
export function parseLinkMsg(raw: FieldMap, sender: LinkRole, receiver: LinkRole): LinkParse {
  const op = String(raw.op);
  if (!OPS.has(op)) return { ok: false, why: `unknown op ${clip(op)}` };
  if (!MAY_SEND[sender][receiver].has(op as Op)) {
    return { ok: false, why: `op ${clip(op)} may not be sent by a ${sender} to a ${receiver}` };
  }
  try {
    return { ok: true, msg: read(op as Op, raw) };
  } catch (e) {
    if (e instanceof BadField) return { ok: false, why: `${op}: ${e.why}` };
    throw e;
  }
}

function read(op: Op, m: FieldMap): LinkMsg {
  switch (op) {
    case 'interest': {
      const reset = optional(m.reset, 'reset', bool);
      const topics = list(m.topics, 'topics', topic);
      const on = bool(m.on, 'on');
      return reset === undefined ? { op, topics, on } : { op, topics, on, reset };
    }
    case 'history': {
      const since = optional(m.since, 'since', sinceOf);
      const last = optional(m.last, 'last', lastOf);
      const msg: Extract<LinkMsg, { op: 'history' }> = {
        op,
        rid: uint(m.rid, 'rid'),
        topic: topic(m.topic, 'topic'),
      };
      if (since !== undefined) msg.since = since;
      if (last !== undefined) msg.last = last;
      return msg;
    }
    case 'history-r':
      return {
        op,
        rid: uint(m.rid, 'rid'),
        epoch: epoch(m.epoch, 'epoch'),
        seq: uint(m.seq, 'seq'),
        recovered: bool(m.recovered, 'recovered'),
        events: list(m.events, 'events', event),
      };
    case 'pub': {
      const rid = uint(m.rid, 'rid');
      const t = topic(m.topic, 'topic');
      const { data, bytes } = payload(m.data, 'data');
      return { op, rid, topic: t, data, bytes };
    }
    case 'pub-r':
      return {
        op,
        rid: uint(m.rid, 'rid'),
        seq: uint(m.seq, 'seq'),
        epoch: epoch(m.epoch, 'epoch'),
      };
    case 'fail':
      return {
        op,
        rid: uint(m.rid, 'rid'),
        code: uint(m.code, 'code'),
        msg: text(m.msg, 'msg', MAX_FAIL_MSG),
      };
    case 'ev':
      return { op, events: list(m.events, 'events', event) };
    case 'fwd': {
      const items = list(m.items, 'items', item);
      const rids = optional(m.rids, 'rids', (v, f) => list(v, f, ridOrNull));
      if (rids === undefined) return { op, items };
      if (rids.length !== items.length) throw new BadField("'rids' must match 'items' one to one");
      return { op, items, rids };
    }
    case 'fwd-r':
      return { op, results: list(m.results, 'results', result) };
    case 'xdc':
      return {
        op,
        origin: text(m.origin, 'origin', MAX_NAME, 1),
        items: list(m.items, 'items', item),
      };
    case 'presence-hb':
      return { op, members: list(m.members, 'members', member) };
    case 'presence-q':
      return { op, rid: uint(m.rid, 'rid'), members: list(m.members, 'members', member) };
    case 'presence-r':
      return { op, rid: uint(m.rid, 'rid'), states: list(m.states, 'states', presenceState) };
    case 'count-report':
      return { op, items: list(m.items, 'items', reportItem) };
    case 'counts':
      return { op, items: list(m.items, 'items', countItem) };
    case 'count-q':
      return {
        op,
        rid: uint(m.rid, 'rid'),
        topic: topic(m.topic, 'topic'),
        n: count(m.n, 'n'),
      };
    case 'count-r':
      return { op, rid: uint(m.rid, 'rid'), n: count(m.n, 'n') };
    case 'xcount':
      return {
        op,
        origin: text(m.origin, 'origin', MAX_NAME, 1),
        items: list(m.items, 'items', countItem),
      };
  }
}

/**
 * Reads one value. `field` names it in an error, with `i` (its index in a list, -1 outside one)
 * and `sub` (a part of it: `.topic`, `[0]`) joined on only when one is thrown: a message of
 * 1,000 events or count items builds no field name for any of them while all are valid.
 */
type Reader<T> = (v: unknown, field: string, i: number) => T;

/** A field's name as an error shows it: `events[3].topic`. */
function label(field: string, i: number, sub: string): string {
  return (i < 0 ? field : `${field}[${i}]`) + sub;
}

function optional<T>(v: unknown, field: string, r: Reader<T>): T | undefined {
  return v === undefined || v === null ? undefined : r(v, field, -1);
}

function uint(v: unknown, field: string, i = -1, sub = ''): number {
  if (!isUnsignedSafeInteger(v)) {
    throw new BadField(`'${label(field, i, sub)}' must be an unsigned safe integer`);
  }
  return v;
}

/** A viewer count: bounded, so no sum of a cluster's counts leaves the safe integers. */
function count(v: unknown, field: string, i = -1, sub = ''): number {
  if (!isUnsignedSafeInteger(v) || v > MAX_COUNT) {
    throw new BadField(`'${label(field, i, sub)}' must be an integer of 0 to ${MAX_COUNT}`);
  }
  return v;
}

/** `[topic, n]`: the decoded pair itself, checked (nothing else can be in it). */
function countItem(v: unknown, field: string, i: number): CountItem {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new BadField(`'${label(field, i, '')}' must be [topic, n]`);
  }
  topic(v[0], field, i, '[0]');
  count(v[1], field, i, '[1]');
  return v as CountItem;
}

/** `[topic, n]` or `[topic, n, watched]`, watched 0 or 1 (a gateway's report); itself, checked. */
function reportItem(v: unknown, field: string, i: number): ReportItem {
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3)) {
    throw new BadField(`'${label(field, i, '')}' must be [topic, n] or [topic, n, watched]`);
  }
  topic(v[0], field, i, '[0]');
  count(v[1], field, i, '[1]');
  if (v.length === 3 && v[2] !== 0 && v[2] !== 1) {
    throw new BadField(`'${label(field, i, '[2]')}' must be 0 or 1`);
  }
  return v as ReportItem;
}

function ridOrNull(v: unknown, field: string, i: number): number | null {
  return v === null ? null : uint(v, field, i);
}

function bool(v: unknown, field: string, i = -1, sub = ''): boolean {
  if (typeof v !== 'boolean') throw new BadField(`'${label(field, i, sub)}' must be a boolean`);
  return v;
}

function text(v: unknown, field: string, max: number, min = 0, i = -1, sub = ''): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) {
    throw new BadField(`'${label(field, i, sub)}' must be a string of ${min} to ${max} characters`);
  }
  return v;
}

function epoch(v: unknown, field: string, i = -1, sub = ''): string {
  return text(v, field, MAX_EPOCH, 1, i, sub);
}

function topic(v: unknown, field: string, i = -1, sub = ''): string {
  if (!isValidTopic(v)) {
    throw new BadField(
      `'${label(field, i, sub)}' must be 1 to ${MAX_TOPIC_BYTES} bytes of A-Z a-z 0-9 _ - . : / @`,
    );
  }
  return v;
}

/** A checked payload: `data` without `undefined` map values, and its size (payload.ts). */
function payload(
  v: unknown,
  field: string,
  i = -1,
  sub = '',
): { readonly data: unknown; readonly bytes: number } {
  if (v === undefined) throw new BadField(`missing '${label(field, i, sub)}'`);
  const c = checkPayload(v);
  if (!c.ok) throw new BadField(`'${label(field, i, sub)}' refused (${c.msg})`);
  return c;
}

function map(v: unknown, field: string, i = -1): FieldMap {
  if (!isFieldMap(v)) throw new BadField(`'${label(field, i, '')}' must be a map`);
  return v;
}

function list<T>(v: unknown, field: string, r: Reader<T>): T[] {
  if (!Array.isArray(v)) throw new BadField(`'${field}' must be an array`);
  if (v.length > MAX_LINK_ITEMS) {
    throw new BadField(`'${field}' holds more than ${MAX_LINK_ITEMS} entries`);
  }
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = r(v[i], field, i);
  return out;
}

/** `last` of a history read: bounded like a client's, so a peer cannot ask for more. */
function lastOf(v: unknown, field: string): number {
  if (!isHistoryLast(v)) throw new BadField(badLast(field));
  return v;
}

function sinceOf(v: unknown, field: string): Since {
  const m = map(v, field);
  return {
    epoch: text(m.epoch, field, Infinity, 0, -1, '.epoch'),
    seq: uint(m.seq, field, -1, '.seq'),
  };
}

function item(v: unknown, field: string, i: number): ForwardedPublish {
  const m = map(v, field, i);
  const t = topic(m.topic, field, i, '.topic');
  const { data, bytes } = payload(m.data, field, i, '.data');
  return { topic: t, data, bytes };
}

function event(v: unknown, field: string, i: number): TopicEvent {
  const m = map(v, field, i);
  const t0 = m.t0;
  if (typeof t0 !== 'number' || !Number.isFinite(t0)) {
    throw new BadField(`'${label(field, i, '.t0')}' must be a finite number`);
  }
  return {
    topic: topic(m.topic, field, i, '.topic'),
    seq: uint(m.seq, field, i, '.seq'),
    epoch: epoch(m.epoch, field, i, '.epoch'),
    data: payload(m.data, field, i, '.data').data,
    t0,
  };
}

/** A member id whose presence topic is valid (`presence:<member>`). */
function member(v: unknown, field: string, i: number): string {
  if (typeof v !== 'string' || presenceTopicOf(v) === undefined) {
    throw new BadField(
      `'${label(field, i, '')}' must be a member id that makes a valid presence topic`,
    );
  }
  return v;
}

function presenceState(
  v: unknown,
  field: string,
  i: number,
): { online: boolean; lastSeen: number | null } {
  const m = map(v, field, i);
  const lastSeen = m.lastSeen === null ? null : uint(m.lastSeen, field, i, '.lastSeen');
  return { online: bool(m.online, field, i, '.online'), lastSeen };
}

function result(v: unknown, field: string, i: number): { rid: number; seq: number; epoch: string } {
  const m = map(v, field, i);
  return {
    rid: uint(m.rid, field, i, '.rid'),
    seq: uint(m.seq, field, i, '.seq'),
    epoch: epoch(m.epoch, field, i, '.epoch'),
  };
}

/** An op as shown in an error: clipped, so a hostile op cannot make the log line large. */
function clip(op: string): string {
  return JSON.stringify(op.length > 32 ? `${op.slice(0, 32)}...` : op);
}
