/**
 * Splits a byte stream into newline-terminated UTF-8 lines, holding at most `maxBytes` of an
 * unfinished line: a peer that never sends "\n" cannot grow the buffer without bound.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(private readonly maxBytes: number) {}

  /** The complete lines in `chunk` (without "\n" or "\r\n"), and whether a line overflowed. */
  push(chunk: Buffer): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    if (this.overflowed) return { lines, overflow: true };
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      if (this.pendingBytes + part.length > this.maxBytes) return this.overflow(lines);
      lines.push(this.take(part));
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.length > this.maxBytes) return this.overflow(lines);
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return { lines, overflow: false };
  }

  /** The unterminated last line at end of stream, if any. */
  end(): string | undefined {
    if (this.overflowed || this.pendingBytes === 0) return undefined;
    return this.take(Buffer.alloc(0));
  }

  private take(last: Buffer): string {
    const bytes = this.pending.length === 0 ? last : Buffer.concat([...this.pending, last]);
    this.pending = [];
    this.pendingBytes = 0;
    const line = bytes.toString('utf8');
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  private overflow(lines: string[]): { lines: string[]; overflow: boolean } {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    return { lines, overflow: true };
  }
}
