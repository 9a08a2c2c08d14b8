/**
 * The DispatcherClient of a gateway node: one link actor per dispatcher (`--dispatchers`), the
 * same interface the standalone node's in-process client gives.
 *
 * - Interest goes to every dispatcher that is up, and the whole set is announced (`reset`)
 *   whenever a link comes up, so any dispatcher that becomes a topic's owner after a failure,
 *   or restarts empty, already knows this gateway wants it. The set is the gateway's
 *   InterestTable (bound through `bindInterest`); this client keeps no copy of it.
 * - History and publishes go straight to the topic's owner, chosen by rendezvous hashing over
 *   the dispatchers whose links are up (the same choice the dispatchers make).
 * - Events arrive from whichever dispatcher owns their topic, each exactly once.
 * - Viewer counts go to each topic's owner, like history; when a link comes up its dispatcher
 *   is sent every non-zero count of the topics it now owns, and when one goes down the topics
 *   it owned are reported to their new owners (soft state, like interest). Read from the
 *   gateway's counts (bound through `bindCounts`), never copied here.
 */
import { ExpiryQueue, type ActorRef, type ActorSystem } from '../../actors';
import { presenceTopicOf, type Since } from '../../protocol';
import type { PresenceState } from '../../presence/store';
import { Limits } from '../../server/limits';
import { DispatcherUnavailableError } from '../errors';
import { linkActorName, linkClientBehavior, type LinkEndpoint, type LinkOptions } from '../link';
import type { LinkMsg } from '../link-messages';
import { ownerOf } from '../rendezvous';
import type { CountItem, HistoryAnswer, PublishResult, ReportItem, TopicEvent } from '../types';
import { groupByOwner } from './count-routing';
import { inChunks } from '../count-owner';
import type { CountSource, DispatcherClient, InterestSource } from './types';

const HISTORY_RETRIES = 3;
/** Topics per interest frame: 1,000 names of up to 200 bytes stay under 256 KiB. */
const INTEREST_CHUNK = 1000;
const HISTORY_RETRY_MS = 100;
/** Members per presence heartbeat or query frame (200-byte ids: well under 256 KiB). */
const PRESENCE_CHUNK = Limits.presenceChunk;
/** Until a source is bound, the node has no interest to announce. */
const NO_INTEREST: InterestSource = { all: () => [] };
const NO_COUNTS: CountSource = { counts: () => [] };
const COUNT_CHUNK = Limits.countChunk;

interface Pending {
  ep: LinkEndpoint;
  resolve: (m: LinkMsg) => void;
  reject: (e: Error) => void;
}

export interface RemoteClientOptions {
  readonly system: ActorSystem;
  readonly dispatchers: readonly { host: string; port: number }[];
  readonly link: LinkOptions;
  readonly requestTimeoutMs: number;
  /** Called when a link comes up or goes down (for logs and metrics). */
  readonly onLinkChange?: (peer: string, up: boolean) => void;
}

export class RemoteDispatcherClient implements DispatcherClient {
  private readonly up = new Map<string, LinkEndpoint>();
  private interest: InterestSource = NO_INTEREST;
  private countSource: CountSource = NO_COUNTS;
  private countSink: ((items: readonly CountItem[]) => void) | undefined;
  /** Requests in flight by rid. */
  private readonly pending = new Map<number, Pending>();
  /**
   * Their deadlines, one timer for all (expiry-queue.ts), not a Timeout and a closure per
   * request: a `sub` asks for its history here, and in a connect storm those were promoted.
   */
  private readonly expiry: ExpiryQueue<number>;
  private readonly links: ActorRef<unknown>[] = [];
  private sink: ((events: readonly TopicEvent[]) => void) | undefined;
  private nextRid = 1;

  constructor(private readonly o: RemoteClientOptions) {
    this.expiry = new ExpiryQueue(o.requestTimeoutMs, (rid) => {
      const p = this.pending.get(rid);
      if (p === undefined) return;
      this.pending.delete(rid);
      p.reject(new DispatcherUnavailableError(`dispatcher ${p.ep.peer.node} did not answer`));
    });
    const handlers = {
      onUp: (ep: LinkEndpoint) => this.onUp(ep),
      onDown: (ep: LinkEndpoint) => this.onDown(ep),
      onMessage: (ep: LinkEndpoint, msg: LinkMsg) => this.onMessage(ep, msg),
    };
    for (const target of o.dispatchers) {
      this.links.push(
        o.system.spawn(
          linkActorName(target),
          () => linkClientBehavior({ ...o.link, target }, handlers),
          { kind: 'link', priority: 'high' },
        ),
      );
    }
  }

  /** Dispatchers whose links are up, by node id. */
  get live(): string[] {
    return [...this.up.keys()];
  }

  setInterest(topic: string, on: boolean): void {
    for (const ep of this.up.values()) ep.send({ op: 'interest', topics: [topic], on });
  }

  bindInterest(source: InterestSource): void {
    this.interest = source;
  }

  /**
   * History reads are idempotent, so they are retried a few times: right after a dispatcher
   * joins or leaves, this gateway and the dispatchers may briefly disagree on a topic's owner.
   */
  async history(topic: string, since: Since | undefined, last?: number): Promise<HistoryAnswer> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.request(topic, (rid) => ({
          op: 'history',
          rid,
          topic,
          ...(since ? { since } : {}),
          ...(last !== undefined ? { last } : {}),
        }));
        if (r.op !== 'history-r') throw new DispatcherUnavailableError(`unexpected answer ${r.op}`);
        return { epoch: r.epoch, seq: r.seq, recovered: r.recovered, events: r.events };
      } catch (e) {
        if (attempt >= HISTORY_RETRIES) throw e;
        await new Promise((r) => setTimeout(r, HISTORY_RETRY_MS * (attempt + 1)));
      }
    }
  }

  async publish(topic: string, data: unknown): Promise<PublishResult> {
    const r = await this.request(topic, (rid) => ({ op: 'pub', rid, topic, data }));
    if (r.op !== 'pub-r') throw new DispatcherUnavailableError(`unexpected answer ${r.op}`);
    return { seq: r.seq, epoch: r.epoch };
  }

  heartbeat(members: readonly string[]): void {
    for (const [ep, group] of this.byPresenceOwner(members)) {
      inChunks(group, PRESENCE_CHUNK, (c) => void ep.send({ op: 'presence-hb', members: c }));
    }
  }

  async presence(members: readonly string[]): Promise<PresenceState[]> {
    const byOwner = this.byPresenceOwner(members);
    if (byOwner.length === 0 && members.length > 0) {
      throw new DispatcherUnavailableError('no dispatcher is reachable');
    }
    const answers = new Map<string, PresenceState>();
    await Promise.all(
      [...byOwner].flatMap(([ep, group]) => {
        const asks: Promise<void>[] = [];
        inChunks(group, PRESENCE_CHUNK, (chunk) => {
          asks.push(
            this.requestVia(ep, (rid) => ({ op: 'presence-q', rid, members: chunk })).then((r) => {
              if (r.op !== 'presence-r' || r.states.length !== chunk.length) {
                throw new DispatcherUnavailableError(`unexpected answer ${r.op}`);
              }
              for (let j = 0; j < chunk.length; j++) answers.set(chunk[j]!, r.states[j]!);
            }),
          );
        });
        return asks;
      }),
    );
    return members.map((m) => answers.get(m) ?? { online: false, lastSeen: null });
  }

  onEvents(sink: (events: readonly TopicEvent[]) => void): void {
    this.sink = sink;
  }

  /** Members grouped by the link of their presence topic's owner (invalid members left out). */
  private byPresenceOwner(members: readonly string[]): [LinkEndpoint, string[]][] {
    const groups = groupByOwner(new Set(members), presenceTopicOf, this.live);
    return [...groups].map(([owner, group]) => [this.up.get(owner)!, group]);
  }

  reportCounts(items: readonly ReportItem[], only?: (owner: string) => boolean): void {
    for (const [owner, list] of groupByOwner(items, (i) => i[0], this.live, only)) {
      const ep = this.up.get(owner)!;
      inChunks(list, COUNT_CHUNK, (c) => void ep.send({ op: 'count-report', items: c }));
    }
  }

  bindCounts(source: CountSource): void {
    this.countSource = source;
  }

  async countOthers(topic: string, local: number): Promise<number> {
    const r = await this.request(topic, (rid) => ({ op: 'count-q', rid, topic, n: local }));
    if (r.op !== 'count-r') throw new DispatcherUnavailableError(`unexpected answer ${r.op}`);
    return r.n;
  }

  onCounts(sink: (items: readonly CountItem[]) => void): void {
    this.countSink = sink;
  }

  close(): void {
    for (const l of this.links) this.o.system.stop(l);
    this.sink = undefined;
    this.countSink = undefined;
  }

  private request(topic: string, make: (rid: number) => LinkMsg): Promise<LinkMsg> {
    const owner = ownerOf(topic, this.up.keys());
    const ep = owner === undefined ? undefined : this.up.get(owner);
    if (ep === undefined)
      return Promise.reject(new DispatcherUnavailableError('no dispatcher is reachable'));
    return this.requestVia(ep, make);
  }

  private requestVia(ep: LinkEndpoint, make: (rid: number) => LinkMsg): Promise<LinkMsg> {
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { ep, resolve, reject });
      if (!ep.send(make(rid))) {
        this.pending.delete(rid);
        reject(new DispatcherUnavailableError(`link to ${ep.peer.node} is full`));
        return;
      }
      this.expiry.add(rid);
    });
  }

  private onUp(ep: LinkEndpoint): void {
    this.up.set(ep.peer.node, ep);
    // The whole set, in frames well under the link's frame limit: the first one resets.
    const topics = [...this.interest.all()];
    let i = 0;
    do {
      const chunk = topics.slice(i, i + INTEREST_CHUNK);
      ep.send({ op: 'interest', topics: chunk, on: true, ...(i === 0 ? { reset: true } : {}) });
      i += INTEREST_CHUNK;
    } while (i < topics.length);
    // The topics this dispatcher owns from now on: their owner has none of this node's counts.
    const node = ep.peer.node;
    this.reportCounts([...this.countSource.counts()], (owner) => owner === node);
    this.o.onLinkChange?.(ep.peer.node, true);
  }

  private onDown(ep: LinkEndpoint): void {
    const before = this.live;
    if (this.up.get(ep.peer.node) === ep) this.up.delete(ep.peer.node);
    if (before.length !== this.up.size) {
      // The topics it owned have new owners, which have none of this node's counts yet.
      const gone = ep.peer.node;
      const moved = [...this.countSource.counts()].filter(([t]) => ownerOf(t, before) === gone);
      this.reportCounts(moved);
    }
    for (const [rid, p] of this.pending) {
      if (p.ep !== ep) continue;
      this.pending.delete(rid);
      this.expiry.delete(rid);
      p.reject(new DispatcherUnavailableError(`link to ${ep.peer.node} went down`));
    }
    this.o.onLinkChange?.(ep.peer.node, false);
  }

  private onMessage(_ep: LinkEndpoint, msg: LinkMsg): void {
    switch (msg.op) {
      case 'ev':
        this.sink?.(msg.events);
        return;
      case 'counts':
        this.countSink?.(msg.items);
        return;
      case 'history-r':
      case 'pub-r':
      case 'presence-r':
      case 'count-r':
      case 'fail': {
        const p = this.pending.get(msg.rid);
        if (p === undefined) return;
        this.pending.delete(msg.rid);
        this.expiry.delete(msg.rid);
        if (msg.op === 'fail') p.reject(new DispatcherUnavailableError(msg.msg));
        else p.resolve(msg);
        return;
      }
      default:
        return;
    }
  }
}
