/**
 * The in-process DispatcherClient: a gateway and a dispatcher in one process (standalone).
 *
 * Every call becomes a message to the dispatcher actor, so calls keep their order (interest
 * before history) exactly as they will over a TCP link.
 */
import type { ActorRef } from '../../actors';
import type { Since } from '../../protocol';
import type { PresenceMsg } from '../../presence/presence-supervisor';
import type { PresenceState } from '../../presence/store';
import type { DispatcherMsg } from '../dispatcher-actor';
import { DispatcherUnavailableError } from '../errors';
import type { HistoryAnswer, PublishResult, TopicEvent } from '../types';
import type { DispatcherClient } from './types';

export class InProcessDispatcherClient implements DispatcherClient {
  private sink: ((events: readonly TopicEvent[]) => void) | undefined;

  constructor(
    private readonly dispatcher: ActorRef<DispatcherMsg>,
    private readonly gatewayId: string,
    /** The node's presence supervisor; without one, presence is unavailable. */
    private readonly presenceRef?: ActorRef<PresenceMsg>,
  ) {
    this.dispatcher.tell({
      type: 'attach',
      gateway: gatewayId,
      sink: (events) => this.sink?.(events),
    });
  }

  setInterest(topic: string, on: boolean): void {
    this.dispatcher.tell({ type: 'interest', gateway: this.gatewayId, topic, on });
  }

  history(topic: string, since: Since | undefined): Promise<HistoryAnswer> {
    return new Promise((resolve, reject) => {
      const ok = this.dispatcher.tell({ type: 'history', topic, since, reply: resolve });
      if (!ok) reject(new DispatcherUnavailableError('dispatcher is not running'));
    });
  }

  publish(topic: string, data: unknown): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      const ok = this.dispatcher.tell({
        type: 'publish',
        items: [{ topic, data }],
        reply: (results) => resolve(results[0]!),
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

  close(): void {
    this.dispatcher.tell({ type: 'detach', gateway: this.gatewayId });
    this.sink = undefined;
  }
}
