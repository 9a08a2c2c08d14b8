/**
 * One `{op: "count", topic, n}` message for the watching subscribers of a topic (PROTOCOL.md
 * §8), encoded at most once per wire format however many connections it goes to, as an
 * EventBatch is.
 */
import type { Codec } from '../protocol';

export class CountFrame {
  private msgpack: Uint8Array | string | undefined;
  private json: Uint8Array | string | undefined;

  constructor(
    readonly topic: string,
    readonly n: number,
  ) {}

  frame(codec: Codec): Uint8Array | string {
    return codec.binary
      ? (this.msgpack ??= this.encode(codec))
      : (this.json ??= this.encode(codec));
  }

  private encode(codec: Codec): Uint8Array | string {
    return codec.encode({ op: 'count', topic: this.topic, n: this.n });
  }
}
