/**
 * The one publish message of the dispatcher tier. The publisher port, the cluster router and the
 * dispatcher actor all take it, so a batch passes from one to the next unchanged.
 *
 * The reply's result type is a parameter because only the dispatcher actor can promise a seq
 * for every item (it stamps them itself); whatever sits in front of it (the cluster router, an
 * owner across a link) may answer a failure per item instead.
 */
import type { PublishOutcome } from './types';

export interface PublishItem {
  readonly topic: string;
  /** A checked payload (protocol/payload.ts), without `undefined` map values. */
  readonly data: unknown;
  /**
   * `data`'s estimated heap size, where the ingress check that walked it is known to this
   * process (`checkPayload`'s `bytes`); absent, the dispatcher walks `data` to size it. Never
   * sent on a link: the receiving node sizes what it checks itself.
   */
  readonly bytes?: number;
}

export interface PublishRequest<R extends PublishOutcome = PublishOutcome> {
  type: 'publish';
  items: readonly PublishItem[];
  /** Called once with one result per item, in order. */
  reply?: (results: readonly R[]) => void;
  /** Set for publishes that came from another datacenter: never forwarded again. */
  fromDc?: string;
}

/**
 * An item as a link carries it (`fwd`, `xdc`): topic and data only. `bytes` stays behind: the
 * receiving node sizes what its own validator checks and ignores a peer's.
 */
export function linkItem(item: PublishItem): PublishItem {
  return { topic: item.topic, data: item.data };
}
