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
  readonly data: unknown;
}

export interface PublishRequest<R extends PublishOutcome = PublishOutcome> {
  type: 'publish';
  items: readonly PublishItem[];
  /** Called once with one result per item, in order. */
  reply?: (results: readonly R[]) => void;
  /** Set for publishes that came from another datacenter: never forwarded again. */
  fromDc?: string;
}
