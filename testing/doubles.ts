/**
 * Stand-ins for a socket, a dispatcher and a connection actor's answers, shared by the gateway
 * tests and the fan-out micro-benchmark: nothing here is used by the server itself.
 */
import type { PresenceState } from '../presence/store';
import type { DispatcherClient } from '../dispatcher/client';
import type {
  CountItem,
  HistoryAnswer,
  PublishResult,
  ReportItem,
  TopicEvent,
} from '../dispatcher/types';
import type { ServerMessage, Since } from '../protocol';
import type { ConnReplies } from '../gateway/conn-env';
import type { SendResult, TransportConnection } from '../gateway/transport';

/** A socket that accepts every frame; subclasses record what they need. */
export class NullConn implements TransportConnection {
  readonly remoteAddress = '127.0.0.1';
  readonly subprotocol = 'troupe.v1.msgpack';
  userData: unknown;

  send(_data: Uint8Array | string, _binary?: boolean): SendResult {
    return 'ok';
  }
  bufferedAmount(): number {
    return 0;
  }
  close(): void {}
  terminate(): void {}
  cork(fn: () => void): void {
    fn();
  }
}

/**
 * A dispatcher whose every topic is at seq 0 with no history, that refuses publishes and counts
 * nobody else; test doubles extend it and override what they record.
 */
export class NullDispatcher implements DispatcherClient {
  setInterest(_topic: string, _on: boolean): void {}
  history(topic: string, since?: Since, last?: number): Promise<HistoryAnswer> {
    return stubDispatcher.history(topic, since, last);
  }
  publish(topic: string, data: unknown): Promise<PublishResult> {
    return stubDispatcher.publish(topic, data);
  }
  onEvents(_sink: (events: readonly TopicEvent[]) => void): void {}
  reportCounts(_items: readonly ReportItem[]): void {}
  countOthers(topic: string, local: number): Promise<number> {
    return stubDispatcher.countOthers(topic, local);
  }
  onCounts(_sink: (items: readonly CountItem[]) => void): void {}
  heartbeat(_members: readonly string[]): void {}
  presence(members: readonly string[]): Promise<PresenceState[]> {
    return stubDispatcher.presence(members);
  }
  close(): void {}
}

/** The same as a plain object, so a test may spread it and replace one method. */
export const stubDispatcher: DispatcherClient = {
  setInterest: () => undefined,
  history: () => Promise.resolve({ epoch: 'e', seq: 0, recovered: false, events: [] }),
  publish: () => Promise.reject(new Error('publishing is not part of this stub')),
  onEvents: () => undefined,
  heartbeat: () => undefined,
  presence: (members) => Promise.resolve(members.map(() => ({ online: false, lastSeen: null }))),
  reportCounts: () => undefined,
  countOthers: () => Promise.resolve(0),
  onCounts: () => undefined,
  close: () => undefined,
};

/** Records what a function answers through its connection actor: replies, flushes, errs. */
export class RecordingReplies implements ConnReplies {
  readonly log: unknown[] = [];

  reply(msg: ServerMessage): void {
    this.log.push(msg);
  }
  flush(): void {
    this.log.push('flush');
  }
  err(id: number | undefined, code: number, msg: string): void {
    this.log.push({ err: code, id, msg });
  }
}
