/**
 * Messages on inter-node links (gateway <-> dispatcher, dispatcher <-> dispatcher, and
 * dispatcher <-> dispatcher of another datacenter), after the link's handshake. Each is one
 * msgpack map in a length-prefixed frame (protocol/framing.ts).
 *
 * Request/response pairs carry a link-local `rid`; the answer names the same `rid`.
 */
import type { Since } from '../protocol';
import type { CountItem, ReportItem, TopicEvent } from './types';

export type { CountItem, ReportItem } from './types';

export type LinkRole = 'gateway' | 'dispatcher';

/** Who is at the other end of a link, as its handshake told. */
export interface LinkPeerInfo {
  readonly node: string;
  readonly role: LinkRole;
  readonly dc: string;
}

/** A publish that travels between dispatchers: `origin` is the datacenter that received it. */
export interface ForwardedPublish {
  readonly topic: string;
  readonly data: unknown;
  /** Set by the receiver's validator (its size of `data`); never sent, a peer's is ignored. */
  readonly bytes?: number;
}

export type LinkMsg =
  // gateway -> dispatcher: per-node interest; `reset` replaces the whole set (sent on link up)
  | { op: 'interest'; topics: string[]; on: boolean; reset?: boolean }
  // `last` (1..MAX_LAST): without `since`, the latest `last` held events (PROTOCOL.md §12)
  | { op: 'history'; rid: number; topic: string; since?: Since; last?: number }
  | {
      op: 'history-r';
      rid: number;
      epoch: string;
      seq: number;
      recovered: boolean;
      events: TopicEvent[];
    }
  // `bytes`: as in ForwardedPublish, set by the receiver's validator, never sent
  | { op: 'pub'; rid: number; topic: string; data: unknown; bytes?: number }
  | { op: 'pub-r'; rid: number; seq: number; epoch: string }
  | { op: 'fail'; rid: number; code: number; msg: string }
  // dispatcher -> gateway: stamped events of topics the gateway has interest in
  | { op: 'ev'; events: TopicEvent[] }
  // dispatcher -> dispatcher (same dc): publishes for a topic this peer owns; rid only when acked
  | { op: 'fwd'; items: ForwardedPublish[]; rids?: (number | null)[] }
  | { op: 'fwd-r'; results: { rid: number; seq: number; epoch: string }[] }
  // dispatcher -> dispatcher (other dc): publishes received from publishers of `origin`
  | { op: 'xdc'; origin: string; items: ForwardedPublish[] }
  // gateway -> dispatcher (and relayed to the owner): one heartbeat per member (PROTOCOL.md §7)
  | { op: 'presence-hb'; members: string[] }
  | { op: 'presence-q'; rid: number; members: string[] }
  | { op: 'presence-r'; rid: number; states: { online: boolean; lastSeen: number | null }[] }
  // viewer counts (dispatcher/count-owner.ts): gateway -> owner, its local counts that changed;
  // `count-q` asks for the sum of every other gateway and datacenter (answer `count-r`)
  | { op: 'count-report'; items: ReportItem[] }
  | { op: 'count-q'; rid: number; topic: string; n: number }
  | { op: 'count-r'; rid: number; n: number }
  // owner -> gateways watching the topics (a report's flag): cluster-wide counts that changed
  | { op: 'counts'; items: CountItem[] }
  // owner -> one dispatcher of another dc (which hands it to its own owner): `origin`'s sums
  | { op: 'xcount'; origin: string; items: CountItem[] };
