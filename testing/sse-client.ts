/**
 * A small Server-Sent Events reader for tests: `fetch` with a streaming body, parsed by the
 * WHATWG rules a browser's EventSource follows (fields `id`, `event`, `data`, `retry`; lines
 * starting with `:` are comments; a blank line dispatches; an event without `id` keeps the
 * last one). Bounded: it keeps at most MAX_HELD events and comments.
 */
import type { Fetch } from './https-fetch';

export interface SseEvent {
  event: string;
  data: string;
  /** The last event id after this event (as `EventSource.lastEventId` would read). */
  lastId: string;
  /** Set on an event that carried its own `id:` line. */
  id?: string;
  retry?: number;
}

const MAX_HELD = 100_000;

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  lastId = '';
  /** Resolves when the server ended the stream (or it failed). */
  readonly ended: Promise<void>;
  private waiters: (() => void)[] = [];
  private done = false;

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly abort: AbortController,
    body: ReadableStream<Uint8Array> | null,
  ) {
    this.ended = body === null ? Promise.resolve() : this.read(body);
  }

  /**
   * Opens a stream; a refused one (non-200) resolves too, with its status and `body`.
   * `fetcher`: another fetch (`httpsFetch` for a server with a test certificate).
   */
  static async open(
    url: string,
    headers: Record<string, string> = {},
    fetcher: Fetch = fetch,
  ): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetcher(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    return new SseClient(res.status, res.headers, abort, res.ok ? res.body : null);
  }

  get isEnded(): boolean {
    return this.done;
  }

  /** Waits for the first event (after those already taken by `from`) matching `pred`. */
  async next(
    pred: (e: SseEvent) => boolean = () => true,
    timeoutMs = 5000,
    from = 0,
  ): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(pred);
      if (found !== undefined) return found;
      if (this.done) throw new Error('stream ended before a matching event');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching SSE event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The `data` of each `ev` event so far, parsed. */
  evs(): { topic: string; seq: number; epoch: string; data: unknown }[] {
    return this.events
      .filter((e) => e.event === 'ev')
      .map(
        (e) => JSON.parse(e.data) as { topic: string; seq: number; epoch: string; data: unknown },
      );
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    let pending: Partial<SseEvent> & { data?: string } = {};
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.search(/\r\n|\r|\n/)) !== -1) {
          const line = buf.slice(0, nl);
          buf = buf.slice(buf[nl] === '\r' && buf[nl + 1] === '\n' ? nl + 2 : nl + 1);
          pending = this.line(line, pending);
        }
      }
    } catch {
      // aborted or reset: the stream is over either way
    } finally {
      this.done = true;
      this.wake();
    }
  }

  private line(line: string, e: Partial<SseEvent>): Partial<SseEvent> {
    if (line === '') {
      if (e.data !== undefined && this.events.length < MAX_HELD) {
        this.events.push({ ...e, event: e.event ?? 'message', data: e.data, lastId: this.lastId });
        this.wake();
      }
      return {};
    }
    if (line.startsWith(':')) {
      if (this.comments.length < MAX_HELD) this.comments.push(line.slice(1).trim());
      this.wake();
      return e;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        return { ...e, data: e.data === undefined ? value : `${e.data}\n${value}` };
      case 'event':
        return { ...e, event: value };
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        return { ...e, id: value };
      case 'retry':
        return /^\d+$/.test(value) ? { ...e, retry: Number(value) } : e;
      default:
        return e;
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
