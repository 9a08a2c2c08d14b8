/**
 * The SSE transport (PROTOCOL.md §9): a pipe that speaks the WebSocket conversation to the
 * client over `GET /v1/sse` (server to client) and `POST /v1/publish`, so the client's state
 * machine, positions and requests are the same on both transports.
 *
 *   open ──GET /readyz 200──► opened + a local `hello` ──sub frames──► GET /v1/sse?topic=…
 *     └── no answer, not 200 ──► closed 1006                 (again on every change of topics)
 *
 * - `sub`s of one turn open one stream with every topic; `since` (and then each event's
 *   position) becomes its `Last-Event-ID`, so a stream reopened for a new topic set resumes
 *   the others. The stream's `ack` (it names its topic) answers the `sub`'s id.
 * - `pub` is `POST /v1/publish` (`Authorization: Bearer` with the token): 200 answers `ack`
 *   with its `seq`, any other status `err` with that status. `ping` is answered here; `unsub`
 *   and `refresh` (the new token serves the next stream and publishes) too.
 * - The stream's `bye` ends the pipe with its code; a stream that ends without one, or that
 *   sends nothing (not even its `: hb` comment) for `sseIdleHeartbeats` x `hb`, closes 1006.
 *
 * _decided_: `fetch` with a streamed body rather than `EventSource`, in browsers too: the same
 * code runs in Node.js (which has no EventSource), comments are visible (liveness), the token
 * travels in a header rather than the URL, and reconnection stays the client's (positions,
 * backoff, `bye.retryMs`), not the browser's. The `hello` is made here once `GET /readyz`
 * answers 200, so the client is not told "connected" by a node that is down or draining.
 */
import { ClientLimits } from './limits';
import { decodeMsgpack } from './msgpack-decode';
import { encodeMsgpack } from './msgpack-encode';
import { SseParser } from './sse-parser';
import type { Pipe, PipeHandlers, Transport } from './transport';

export type FetchFn = typeof fetch;

type Msg = Record<string, unknown> & { op: string };
interface Topic {
  subId: number | undefined;
  count: boolean;
  epoch: string | undefined;
  seq: number;
}

const JSON_SUBPROTOCOL = 'troupe.v1.json';
/** `hb` of the local hello: the client's pings are answered here, so any value would do. */
const LOCAL_HB_MS = 25_000;

export class SseTransport implements Transport {
  readonly path = '/v1/sse';
  readonly secureScheme = 'https:';
  readonly plainScheme = 'http:';

  readonly #fetchFn: FetchFn;

  constructor(fetchFn: FetchFn) {
    this.#fetchFn = fetchFn;
  }

  open(url: string, subprotocol: string, h: PipeHandlers): Pipe {
    return openSsePipe(this.#fetchFn, new URL(url), subprotocol === JSON_SUBPROTOCOL, h);
  }
}

type Why = { code: number; reason: string } | undefined;

/** Closures rather than a class: local names minify, property names would not (bundle size). */
function openSsePipe(fetchFn: FetchFn, base: URL, json: boolean, h: PipeHandlers): Pipe {
  let done = false;
  const topics = new Map<string, Topic>();
  let stream: AbortController | undefined;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let idleMs = 0;
  let bye: Why;
  let token = base.searchParams.get('token') ?? undefined;
  base.searchParams.delete('token');

  const at = (path: string): string => {
    const u = new URL(base.toString());
    u.pathname = u.pathname.replace(/\/v1\/sse$/, '') + path;
    if (path !== '/v1/sse') u.search = '';
    return u.toString();
  };
  const auth = (headers: Record<string, string>): Record<string, string> =>
    token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` };

  /** Ends the pipe once; `why` undefined: the client ended it (no handler runs). */
  const end = (why: Why): void => {
    if (done) return;
    done = true;
    clearTimeout(reopenTimer);
    clearTimeout(idleTimer);
    stream?.abort();
    stream = undefined;
    if (why !== undefined) h.closed(why.code, why.reason);
  };
  /** The stream is lost as a dropped socket would be (1006): the client reconnects. */
  const lost = (reason: string): void => end({ code: 1006, reason });
  const deliver = (m: Msg): void => {
    if (!done) h.message(json ? JSON.stringify(m) : encodeMsgpack(m));
  };
  /** Bytes arrived: the stream lives for another `idleMs`. */
  const alive = (): void => {
    if (idleMs <= 0 || done) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => lost('no heartbeat'), idleMs);
  };

  const onEvent = (event: string, data: string): void => {
    let m: Msg;
    try {
      m = JSON.parse(data) as Msg;
    } catch {
      return end({ code: 4000, reason: 'undecodable event' });
    }
    const topic = typeof m.topic === 'string' ? topics.get(m.topic) : undefined;
    switch (event) {
      case 'hello':
        idleMs = Number(m.hb) * ClientLimits.sseIdleHeartbeats;
        return alive();
      case 'ack':
        // A stream reopened for a new topic set acks the topics already acked: not news.
        if (topic?.subId === undefined) return;
        // A resume in the same epoch replays the missed events next: the ack's seq (the
        // topic's latest) is not where this stream stands until they have passed.
        if (m.epoch !== topic.epoch) {
          topic.epoch = m.epoch as string;
          topic.seq = m.seq as number;
        }
        m.id = topic.subId;
        topic.subId = undefined;
        return deliver(m);
      case 'err':
        if (topic !== undefined) {
          m.id = topic.subId;
          topics.delete(m.topic as string);
        }
        return deliver(m);
      case 'ev':
        if (topic !== undefined) {
          if (m.epoch === topic.epoch && (m.seq as number) <= topic.seq) return;
          topic.epoch = m.epoch as string;
          topic.seq = m.seq as number;
        }
        return deliver(m);
      case 'count':
        return topic?.count === true ? deliver(m) : undefined;
      case 'presence':
        return deliver(m);
      case 'bye':
        bye = { code: Number(m.code) || 1000, reason: String(m.reason ?? '') };
        return deliver(m);
    }
  };

  const read = async (ctl: AbortController): Promise<void> => {
    const url = new URL(at('/v1/sse'));
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const position: string[] = [];
    let i = 0;
    for (const [name, t] of topics) {
      url.searchParams.append('topic', name);
      if (t.count) url.searchParams.set('count', '1');
      if (t.epoch !== undefined)
        position.push(`${i.toString(36)}~${t.epoch}~${t.seq.toString(36)}`);
      i++;
    }
    if (position.length > 0) headers['last-event-id'] = position.join('.');
    const res = await fetchFn(url.toString(), { headers: auth(headers), signal: ctl.signal });
    if (res.status !== 200 || res.body === null) {
      void res.body?.cancel();
      throw new Error(`sse ${res.status}`);
    }
    const parser = new SseParser(ClientLimits.sseMaxEventBytes, (e) => {
      if (ctl === stream) onEvent(e.event, e.data);
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done: over } = await reader.read();
      if (ctl !== stream) return;
      if (over) break;
      alive();
      parser.push(value);
    }
    if (bye === undefined) lost('event stream ended');
    else end(bye);
  };

  const reopen = (): void => {
    reopenTimer = undefined;
    if (done) return;
    stream?.abort();
    stream = undefined;
    if (topics.size === 0) return;
    const ctl = (stream = new AbortController());
    read(ctl).catch((e: unknown) => {
      if (ctl === stream) lost((e as Error).message);
    });
  };
  /** Sub, unsub and refresh frames of one turn make one new stream. */
  const reopenSoon = (): void => {
    reopenTimer ??= setTimeout(reopen, 0);
  };

  const publish = async (id: unknown, topic: unknown, data: unknown): Promise<void> => {
    let answer: Msg;
    try {
      const res = await fetchFn(at('/v1/publish'), {
        method: 'POST',
        headers: auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ topic, data }),
      });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      answer =
        res.status === 200
          ? { op: 'ack', id, seq: body.seq }
          : { op: 'err', id, code: res.status, msg: String(body.error ?? res.statusText) };
    } catch (e) {
      answer = { op: 'err', id, code: 503, msg: `publish failed: ${(e as Error).message}` };
    }
    deliver(answer);
  };

  const request = (m: Msg): void => {
    const { id, topic } = m;
    switch (m.op) {
      case 'ping':
        return deliver({ op: 'pong', id });
      case 'sub': {
        const since = m.since as { epoch: string; seq: number } | undefined;
        topics.set(String(topic), {
          subId: id as number,
          count: m.count === true,
          epoch: since?.epoch,
          seq: since?.seq ?? 0,
        });
        return reopenSoon();
      }
      case 'unsub':
        topics.delete(String(topic));
        deliver({ op: 'ack', id });
        return reopenSoon();
      case 'refresh':
        if (typeof m.token === 'string') token = m.token;
        deliver({ op: 'ack', id });
        return reopenSoon();
      case 'pub':
        return void publish(id, topic, m.data);
    }
  };

  void (async () => {
    try {
      const res = await fetchFn(at('/readyz'));
      void res.body?.cancel();
      if (res.status !== 200) return lost(`readyz ${res.status}`);
    } catch (e) {
      return lost((e as Error).message);
    }
    if (done) return;
    h.opened();
    deliver({ op: 'hello', v: 1, conn: 'sse', node: '', hb: LOCAL_HB_MS });
  })();

  return {
    send: (frame) => {
      if (done) return;
      let decoded: unknown;
      try {
        decoded = typeof frame === 'string' ? JSON.parse(frame) : decodeMsgpack(frame);
      } catch {
        return;
      }
      for (const m of Array.isArray(decoded) ? decoded : [decoded]) request(m as Msg);
    },
    close: () => end(undefined),
    abort: () => end(undefined),
  };
}
