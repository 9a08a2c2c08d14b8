/**
 * One client of the admin socket: newline-delimited requests in, one answer line each out,
 * answered strictly in order even when requests are pipelined and handlers are async.
 *
 *   data -> LineSplitter -> queue (one request at a time) -> answer line
 *   line over the limit  -> error answer after the earlier ones -> end
 *   peer half-closes     -> answer what was received -> end
 *
 * The socket is paused while too many requests wait, and each answer waits for the socket to
 * drain, so a client that writes without reading cannot grow our memory without bound.
 */
import type { Socket } from 'node:net';
import { MAX_REQUEST_LINE_BYTES, type AdminAnswer } from './admin-protocol';
import { LineSplitter } from './line-splitter';

/** Requests queued on one connection before we stop reading from it. */
const MAX_QUEUED = 32;

export type AnswerFn = (line: string) => Promise<AdminAnswer>;

/** JSON for an answer; never throws (a target may return BigInts or cycles). */
export function encodeAnswer(answer: AdminAnswer): string {
  try {
    return JSON.stringify(answer, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
  } catch (err) {
    const error = `internal: answer could not be encoded: ${(err as Error).message}`;
    return JSON.stringify({ ok: false, error });
  }
}

export class AdminConnection {
  private readonly splitter = new LineSplitter(MAX_REQUEST_LINE_BYTES);
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private finished = false;

  constructor(
    private readonly socket: Socket,
    private readonly answer: AnswerFn,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
  }

  /** Ends the connection once what is written has been flushed (or after `graceMs`). */
  close(graceMs = 1000): void {
    this.finished = true;
    const timer = setTimeout(() => this.socket.destroy(), graceMs);
    timer.unref();
    this.socket.end(() => {
      clearTimeout(timer);
      this.socket.destroy();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    const { lines, overflow } = this.splitter.push(chunk);
    for (const line of lines) this.enqueueLine(line);
    if (overflow) {
      this.finished = true;
      this.socket.pause();
      const error = `request line over ${MAX_REQUEST_LINE_BYTES / 1024} KiB; closing the connection`;
      this.enqueue(async () => ({ ok: false, error }));
      this.queue = this.queue.then(() => this.close());
    }
  }

  private onEnd(): void {
    if (this.finished) return;
    const last = this.splitter.end();
    if (last !== undefined) this.enqueueLine(last);
    this.finished = true;
    this.queue = this.queue.then(() => this.close());
  }

  private enqueueLine(line: string): void {
    // Blank lines are tolerated so that people can type at the socket with `nc -U`.
    if (line.trim() !== '') this.enqueue(() => this.answer(line));
  }

  private enqueue(produce: () => Promise<AdminAnswer>): void {
    this.queued++;
    if (this.queued >= MAX_QUEUED) this.socket.pause();
    this.queue = this.queue.then(async () => {
      const answer = await produce().catch((err: unknown): AdminAnswer => ({
        ok: false,
        error: `internal: ${String(err)}`,
      }));
      await this.write(answer);
      this.queued--;
      if (this.queued < MAX_QUEUED / 2 && !this.finished) this.socket.resume();
    });
  }

  private async write(answer: AdminAnswer): Promise<void> {
    const { socket } = this;
    if (socket.destroyed || !socket.writable) return;
    if (socket.write(`${encodeAnswer(answer)}\n`)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
}
