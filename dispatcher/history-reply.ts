/**
 * The `history-r` link message of a read, made to fit one link frame.
 *
 * A read may answer up to a topic's whole history (`since`, or `last: 1000`), and 1,000 events
 * of 2 KiB are already past the default 1 MiB frame: the link would drop such a message and the
 * gateway would wait out its request timeout, then answer the client 503. Instead the owner
 * keeps the newest events that fit and says `recovered: false` (the client sees the gap as it
 * sees any history the node no longer holds). The first check costs one extra encoding, and
 * only for answers that carry events.
 */
import { packMsgpack } from '../protocol/msgpack';
import type { LinkMsg } from './link-messages';
import type { HistoryAnswer, TopicEvent } from './types';

export type HistoryReply = Extract<LinkMsg, { op: 'history-r' }>;

/** Bytes of the largest msgpack array header, kept free for the events' array. */
const ARRAY_HEADER = 5;

/** `a` as the answer to request `rid`; with `maxFrame`, trimmed to the newest events that fit. */
export function historyReply(rid: number, a: HistoryAnswer, maxFrame?: number): HistoryReply {
  const msg: HistoryReply = { op: 'history-r', rid, ...a, events: [...a.events] };
  if (maxFrame === undefined || msg.events.length === 0) return msg;
  if (packMsgpack(msg).length <= maxFrame) return msg;
  let room = maxFrame - packMsgpack({ ...msg, events: [] }).length - ARRAY_HEADER;
  let first = msg.events.length;
  while (first > 0) {
    const size = packMsgpack(msg.events[first - 1]!).length;
    if (size > room) break;
    room -= size;
    first--;
  }
  const events: TopicEvent[] = msg.events.slice(first);
  return { ...msg, recovered: false, events };
}
