/** A raw admin socket client for tests: send bytes, collect answer lines, see the close. */
import { connect, type Socket } from 'node:net';

export class RawAdminClient {
  readonly lines: string[] = [];
  closed = false;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(path: string): Promise<RawAdminClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path });
      socket.once('connect', () => resolve(new RawAdminClient(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Resolves with the first `n` answers, parsed; rejects if the socket closes first. */
  async answers(n: number): Promise<Record<string, unknown>[]> {
    while (this.lines.length < n) {
      if (this.closed) throw new Error(`closed after ${this.lines.length} of ${n} answers`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.lines.slice(0, n).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async request(req: unknown): Promise<Record<string, unknown>> {
    const before = this.lines.length;
    this.send(`${JSON.stringify(req)}\n`);
    return (await this.answers(before + 1))[before]!;
  }

  async untilClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  end(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
