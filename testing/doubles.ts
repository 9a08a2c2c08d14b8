/**
 * Stand-ins for a socket and a dispatcher, shared by the router tests and the fan-out
 * micro-benchmark: nothing here is used by the server itself.
 */
import type { DispatcherClient } from '../dispatcher/client';
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

/** A dispatcher whose every topic is at seq 0 with no history, and that refuses publishes. */
export const stubDispatcher: DispatcherClient = {
  setInterest: () => undefined,
  history: () => Promise.resolve({ epoch: 'e', seq: 0, recovered: false, events: [] }),
  publish: () => Promise.reject(new Error('publishing is not part of this stub')),
  onEvents: () => undefined,
  heartbeat: () => undefined,
  presence: (members) => Promise.resolve(members.map(() => ({ online: false, lastSeen: null }))),
  close: () => undefined,
};
