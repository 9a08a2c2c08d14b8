/**
 * Subscriber worker: a child process holding up to ~8k WebSocket connections from one loopback
 * source address. Each connection waits for `hello`, subscribes to its topics, then counts
 * events, checks `seq` continuity per topic and samples latency. Counters go to the coordinator
 * as deltas once a second and on request.
 *
 * Runs until told to stop, or until its parent goes away (IPC disconnect): it never outlives
 * the coordinator.
 */
import { LatencyHistogram } from './latency-histogram';
import { packr, unpackr } from './framing';
import { bytesEq, scanFrame, type EvView, type ScanSink } from './msgpack-scan';
import { observeSeq, newSeqCounters } from './seq-tracker';
import { RawWsClient } from './ws-client';
import {
  topicsOf,
  type FromWorker,
  type SubscriberPlan,
  type ToWorker,
  type WorkerCounters,
} from './worker-messages';

const CONNECT_TIMEOUT_MS = 10_000;

interface TopicCounter {
  readonly name: string;
  readonly bytes: Buffer;
  events: number;
}

interface Subscription {
  readonly topic: TopicCounter;
  readonly id: number;
  /** Last seq seen, -1 until the ack seeds it. */
  last: number;
  acked: boolean;
}

const seq = newSeqCounters();
const latency = new LatencyHistogram();
const connectMs = new LatencyHistogram();
const topics = new Map<string, TopicCounter>();
const closeReasons: Record<string, number> = {};
const clients = new Set<RawWsClient>();
let connected = 0;
let acked = 0;
let closed = 0;
let events = 0;
let frames = 0;
let errors = 0;
let sampleEvery = 64;
let sampleCountdown = 1;
let lastCpu = process.cpuUsage();
let stopping = false;

function send(msg: FromWorker): void {
  if (process.connected) process.send?.(msg);
}

function topicCounter(name: string): TopicCounter {
  let t = topics.get(name);
  if (t === undefined) {
    t = { name, bytes: Buffer.from(name), events: 0 };
    topics.set(name, t);
  }
  return t;
}

function takeCounters(): WorkerCounters {
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  let perTopic: Record<string, number> | null = null;
  if (topics.size <= 100) {
    perTopic = {};
    for (const t of topics.values()) {
      perTopic[t.name] = t.events;
      t.events = 0;
    }
  }
  const c: WorkerCounters = {
    connected,
    acked,
    closed,
    events,
    frames,
    missing: seq.missing,
    gaps: seq.gaps,
    reorders: seq.reorders,
    errors,
    connectMs: connectMs.drain(),
    latency: latency.drain(),
    perTopic,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: process.memoryUsage.rss(),
  };
  events = frames = errors = 0;
  seq.missing = seq.gaps = seq.reorders = 0;
  return c;
}

function report(reason: 'tick' | 'flush' | 'ready', token = 0): void {
  send({
    type: 'report',
    reason,
    token,
    counters: takeCounters(),
    closeReasons: { ...closeReasons },
  });
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** One subscriber connection: the ScanSink of its own frames. */
class Subscriber implements ScanSink {
  private readonly subs: Subscription[];
  private readonly startedAt = performance.now();
  private readonly client: RawWsClient;
  private pendingAcks: number;
  private upgraded = false;

  constructor(plan: SubscriberPlan, index: number, done: () => void) {
    this.subs = topicsOf(plan, index).map((name, i) => ({
      topic: topicCounter(name),
      id: i + 1,
      last: -1,
      acked: false,
    }));
    this.pendingAcks = this.subs.length;
    let settled = false;
    // A server that never answers must not stall the connect lanes: move on after a while.
    const timer = setTimeout(() => settle(), CONNECT_TIMEOUT_MS);
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    this.client = new RawWsClient(plan, {
      onOpen: () => {
        this.upgraded = true;
        connected++;
      },
      onMessage: (buf, start, end) => {
        frames++;
        try {
          scanFrame(buf, start, end, this);
        } catch {
          errors++;
        }
        if (this.pendingAcks === 0) settle();
      },
      onClose: (reason) => {
        if (this.upgraded) connected--;
        clients.delete(this.client);
        if (!stopping) {
          closed++;
          const key = reason.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR');
          closeReasons[key] = (closeReasons[key] ?? 0) + 1;
        }
        settle();
      },
    });
    clients.add(this.client);
  }

  onEv(buf: Buffer, ev: EvView): void {
    const tlen = ev.topicEnd - ev.topicStart;
    for (const s of this.subs) {
      if (!bytesEq(buf, ev.topicStart, tlen, s.topic.bytes)) continue;
      events++;
      s.topic.events++;
      s.last = observeSeq(s.last, ev.seq, seq);
      if (--sampleCountdown <= 0) {
        sampleCountdown = sampleEvery;
        const data: unknown = unpackr.unpack(buf.subarray(ev.dataStart, ev.dataEnd));
        const t = (data as { t?: unknown } | null)?.t;
        if (typeof t === 'number') latency.record(now() - t);
      }
      return;
    }
    errors++; // an event for a topic this connection never subscribed to
  }

  onOther(message: unknown): void {
    const m = message as { op?: unknown; id?: unknown; seq?: unknown };
    switch (m.op) {
      case 'hello':
        for (const s of this.subs)
          this.client.send(packr.pack({ op: 'sub', id: s.id, topic: s.topic.name }));
        return;
      case 'ack': {
        const s = this.subs.find((x) => x.id === m.id);
        if (s === undefined || s.acked) return;
        s.acked = true;
        if (typeof m.seq === 'number' && s.last < 0) s.last = m.seq;
        acked++;
        if (--this.pendingAcks === 0) connectMs.record(performance.now() - this.startedAt);
        return;
      }
      case 'err':
        errors++;
        return;
      default:
        return; // count, presence, pong: not measured here
    }
  }
}

async function run(plan: SubscriberPlan): Promise<void> {
  sampleEvery = Math.max(1, plan.sampleEvery);
  let next = 0;
  const openOne = (): Promise<void> =>
    new Promise((resolve) => {
      new Subscriber(plan, plan.firstIndex + next++, resolve);
    });
  const lanes: Promise<void>[] = [];
  for (let l = 0; l < Math.max(1, plan.connectConcurrency); l++) {
    lanes.push(
      (async () => {
        while (next < plan.connections && !stopping) await openOne();
      })(),
    );
  }
  await Promise.all(lanes);
  report('ready');
}

function stop(): void {
  stopping = true;
  for (const c of [...clients]) c.close();
  clearInterval(ticker);
  setTimeout(() => process.exit(0), 200).unref();
}

const ticker = setInterval(() => report('tick'), 1000);

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      run(msg.plan).catch((err: unknown) => send({ type: 'fatal', message: String(err) }));
      return;
    case 'flush':
      report('flush', msg.token);
      return;
    case 'stop':
      stop();
      return;
  }
});
process.on('disconnect', stop);
