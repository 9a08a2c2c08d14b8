/**
 * Events of one topic that arrived in the same turn, encoded at most once per wire format.
 *
 * The topic routers hand the same batch to every subscribed connection actor; the first actor
 * of each format pays for the encoding and every other one reuses the bytes. A connection that
 * must skip part of the batch (its resume already covered those seqs) encodes its own slice:
 * that only happens in the short window right after a `sub` with `since`.
 */
import { encodeEvents, type Codec, type SkipHandler } from '../protocol';
import type { TopicEvent } from '../dispatcher/types';

/** A format whose encoding left nothing to send (every event failed to encode). */
const NOTHING = '';

export class EventBatch {
  private msgpack: Uint8Array | string | undefined;
  private json: Uint8Array | string | undefined;
  /** Subscribers still to write this batch; the last one records publish-to-send latency. */
  private pending = 0;

  constructor(
    readonly topic: string,
    readonly epoch: string,
    /** In order; only `add` (while the turn that made the batch groups events) appends. */
    readonly events: readonly TopicEvent[],
    /** Told of each event an encoder had to leave out (see `encodeEvents`). */
    private readonly onSkip?: SkipHandler,
  ) {}

  /**
   * One more event of the batch's topic and epoch, while the batch is being grouped: before
   * any router or encoder has seen it.
   */
  add(ev: TopicEvent): void {
    (this.events as TopicEvent[]).push(ev);
  }

  /** A router handed the batch to `n` more subscribers. */
  expect(n: number): void {
    this.pending += n;
  }

  /** One subscriber is done with the batch; true for the last one. */
  delivered(): boolean {
    return --this.pending === 0;
  }

  get firstSeq(): number {
    return this.events[0]!.seq;
  }

  get lastSeq(): number {
    return this.events[this.events.length - 1]!.seq;
  }

  /**
   * The whole batch as one frame in the codec's format, encoded once per format; `undefined`
   * when none of its events could be encoded.
   */
  frame(codec: Codec): Uint8Array | string | undefined {
    // A per-connection codec (SSE) writes the connection's own position into each frame.
    if (codec.perConnection) return this.encode(codec, this.events);
    const f = codec.binary
      ? (this.msgpack ??= this.encode(codec, this.events) ?? NOTHING)
      : (this.json ??= this.encode(codec, this.events) ?? NOTHING);
    return f === NOTHING ? undefined : f;
  }

  /** Only the events after `seq`, for a connection whose resume overlaps this batch. */
  frameAfter(codec: Codec, seq: number): Uint8Array | string | undefined {
    const rest = this.events.filter((e) => e.seq > seq);
    if (rest.length === 0) return undefined;
    if (rest.length === this.events.length) return this.frame(codec);
    return this.encode(codec, rest);
  }

  private encode(codec: Codec, events: readonly TopicEvent[]): Uint8Array | string | undefined {
    return encodeEvents(codec, this.topic, this.epoch, events, this.onSkip);
  }
}

/**
 * Splits a run of stamped events into per-topic batches, keeping each topic's order and never
 * mixing epochs in one batch. The gateway groups a turn through its topic entries instead
 * (`TopicTable#group`, one lookup it makes anyway); this is for a list without a table (the
 * fan-out micro-benchmark).
 */
export function toBatches(events: readonly TopicEvent[], onSkip?: SkipHandler): EventBatch[] {
  /** One topic's run, all of one epoch: the batch takes both from its first event. */
  const batch = (list: TopicEvent[]): EventBatch =>
    new EventBatch(list[0]!.topic, list[0]!.epoch, list, onSkip);
  const n = events.length;
  if (n === 1) return [batch([events[0]!])];
  // No key is ever deleted: deleting them one by one made V8 shrink and rehash the table over
  // and over (14% of the bytes a many-topics node allocated went to this function).
  const byTopic = new Map<string, TopicEvent[]>();
  const out: EventBatch[] = [];
  for (let i = 0; i < n; i++) {
    const ev = events[i]!;
    const list = byTopic.get(ev.topic);
    if (list === undefined) byTopic.set(ev.topic, [ev]);
    else if (list[0]!.epoch === ev.epoch) list.push(ev);
    else {
      // The old epoch's batch goes first; the key keeps its place with the new epoch's list.
      out.push(batch(list));
      byTopic.set(ev.topic, [ev]);
    }
  }
  for (const list of byTopic.values()) out.push(batch(list));
  return out;
}
