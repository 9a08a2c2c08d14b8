/**
 * What the client library's integration tests share: a client of `client/` that records what
 * the app was given (events by number, gaps, states), and a publisher of numbered events.
 */
import { connect, type ConnectOptions, type GapInfo, type TroupeClient } from '../client';
import { eventually } from '../testing/eventually';
import { TestPublisher } from './harness';

export interface Recorded {
  client: TroupeClient;
  /** `data.n` of every event the app got, in order. */
  seen: number[];
  gaps: GapInfo[];
  states: string[];
}

/** Fast reconnects: a test restarts a node in about a second. */
export const QUICK: ConnectOptions = { backoff: { baseMs: 100, maxMs: 1000 } };

const open = new Set<TroupeClient>();

/** Closes every client made here: a client left open keeps reconnecting and jest from exiting. */
export function closeClients(): void {
  for (const c of open) c.close();
  open.clear();
}

export async function recordingClient(
  urls: string | string[],
  topic: string,
  o: ConnectOptions = {},
): Promise<Recorded> {
  const client = connect(urls, { ...QUICK, ...o });
  open.add(client);
  const r: Recorded = { client, seen: [], gaps: [], states: [] };
  client.on('state', (s) => r.states.push(s));
  client.on('gap', (g) => r.gaps.push(g));
  await client.subscribe<{ n: number }>(topic, { onEvent: (e) => r.seen.push(e.data.n) }).ready;
  return r;
}

/** Publishes `{n}` for n in [from, to] on the TCP port, each acked before the next. */
export async function publishRange(
  port: number,
  topic: string,
  from: number,
  to: number,
  gapMs = 0,
): Promise<void> {
  const p = await TestPublisher.connect(port);
  try {
    for (let n = from; n <= to; n++) {
      p.send({ op: 'pub', id: n, topic, data: { n } });
      await p.reply((m) => m.id === n && m.op === 'ack');
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    p.close();
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export async function seenAll(r: Recorded, n: number, timeoutMs = 15_000): Promise<void> {
  await eventually(() => r.seen.length >= n, timeoutMs, `${n} events (have ${r.seen.length})`);
}
