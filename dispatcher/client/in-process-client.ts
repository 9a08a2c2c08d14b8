/**
 * The in-process DispatcherClient: a gateway and a dispatcher in one process (standalone).
 *
 * Every call becomes a message to the dispatcher actor, so calls keep their order (interest
 * before history) exactly as they will over a TCP link. Viewer counts go to the count owner
 * actor of the same process, where one is given (the node spawns one beside the dispatcher).
 */
import type { ActorRef } from '../../actors';
import type { Since } from '../../protocol';
import type { PresenceMsg } from '../../presence/presence-supervisor';
import type { PresenceState } from '../../presence/store';
import type { CountMsg } from '../count-owner';
import type { DispatcherMsg } from '../dispatcher-actor';
import { DispatcherUnavailableError } from '../errors';
import type { CountItem, HistoryAnswer, PublishResult, ReportItem, TopicEvent } from '../types';
import type { DispatcherClient } from './types';

export class InProcessDispatcherClient implements DispatcherClient {
  private sink: ((events: readonly TopicEvent[]) => void) | undefined;
  private countSink: ((items: readonly CountItem[]) => void) | undefined;

  constructor(
    private readonly dispatcher: ActorRef<DispatcherMsg>,
    private readonly gatewayId: string,
    private readonly counts?: ActorRef<CountMsg>,
    /** The node's presence supervisor; without one, presence is unavailable. */
    private readonly presenceRef?: ActorRef<PresenceMsg>,
  ) {
    this.dispatcher.tell({
      type: 'attach',
      gateway: gatewayId,
      sink: (events) => this.sink?.(events),
    });
    counts?.tell({ type: 'attach', gateway: gatewayId, sink: (items) => this.countSink?.(items) });
  }

  setInterest(topic: string, on: boolean): void {
    this.dispatcher.tell({ type: 'interest', gateway: this.gatewayId, topic, on });
  }

  history(topic: string, since: Since | undefined, last?: number): Promise<HistoryAnswer> {
    return new Promise((resolve, reject) => {
      const ok = this.dispatcher.tell({ type: 'history', topic, since, last, reply: resolve });
      if (!ok) reject(new DispatcherUnavailableError('dispatcher is not running'));
    });
  }

  publish(topic: string, data: unknown, bytes?: number): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      const ok = this.dispatcher.tell({
        type: 'publish',
        items: [{ topic, data, bytes }],
        // The dispatcher answers with the stamped event itself: the caller gets its two fields.
        reply: (results) => resolve({ seq: results[0]!.seq, epoch: results[0]!.epoch }),
      });
      if (!ok) reject(new DispatcherUnavailableError('dispatcher is not running'));
    });
  }

  heartbeat(members: readonly string[]): void {
    this.presenceRef?.tell({ type: 'heartbeat', members });
  }

  presence(members: readonly string[]): Promise<PresenceState[]> {
    return new Promise((resolve, reject) => {
      const ok = this.presenceRef?.tell({
        type: 'query',
        members,
        reply: (r) =>
          r instanceof Error ? reject(new DispatcherUnavailableError(r.message)) : resolve(r),
      });
      if (ok !== true) reject(new DispatcherUnavailableError('presence is not running'));
    });
  }

  onEvents(sink: (events: readonly TopicEvent[]) => void): void {
    this.sink = sink;
  }

  reportCounts(items: readonly ReportItem[]): void {
    this.counts?.tell({ type: 'report', gateway: this.gatewayId, items });
  }

  /** Without a count owner, nobody else is counted. */
  countOthers(topic: string, local: number): Promise<number> {
    const counts = this.counts;
    if (counts === undefined) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      const ok = counts.tell({
        type: 'query',
        gateway: this.gatewayId,
        topic,
        n: local,
        reply: resolve,
      });
      if (!ok) reject(new DispatcherUnavailableError('count owner is not running'));
    });
  }

  onCounts(sink: (items: readonly CountItem[]) => void): void {
    this.countSink = sink;
  }

  close(): void {
    this.dispatcher.tell({ type: 'detach', gateway: this.gatewayId });
    this.counts?.tell({ type: 'detach', gateway: this.gatewayId });
    this.sink = undefined;
    this.countSink = undefined;
  }
}
