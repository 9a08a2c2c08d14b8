/**
 * An incremental `text/event-stream` reader (WHATWG HTML, "event stream interpretation"):
 * chunks of text in, one call per dispatched event out. Lines end in LF, CR or CRLF; `:` lines
 * are comments; `data` lines join with LF; `event` defaults to `message`; `id` and `retry`
 * are handed over as read. Every chunk, comments included, counts as a sign of life (`alive`).
 *
 * Bounded: an event (its lines so far) or an unterminated line over `maxBytes` characters
 * throws a RangeError, so a server that never ends a line cannot grow the buffer without end.
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  #rest = '';
  #data: string[] = [];
  #size = 0;
  #event = '';
  #id: string | undefined;
  #sawCr = false;

  readonly #maxBytes: number;
  readonly #dispatch: (e: SseEvent) => void;

  constructor(maxBytes: number, dispatch: (e: SseEvent) => void) {
    this.#maxBytes = maxBytes;
    this.#dispatch = dispatch;
  }

  push(chunk: string): void {
    // A CRLF split across chunks: the LF that starts this chunk ends no second line.
    if (this.#sawCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#sawCr = chunk.endsWith('\r');
    const text = this.#rest + chunk;
    const lines = text.split(/\r\n|\r|\n/);
    this.#rest = lines.pop()!;
    if (this.#rest.length > this.#maxBytes) throw new RangeError('event stream line too long');
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === '') return this.#flush();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#size += value.length + 1;
      if (this.#size > this.#maxBytes) throw new RangeError('event stream event too large');
      this.#data.push(value);
    } else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }

  #flush(): void {
    const had = this.#data.length > 0;
    const e: SseEvent = {
      event: this.#event || 'message',
      data: this.#data.join('\n'),
      id: this.#id,
    };
    this.#data = [];
    this.#size = 0;
    this.#event = '';
    if (had) this.#dispatch(e);
  }
}
