/**
 * Minimal RFC 6455 client over a raw TCP socket, built for reading many small server frames
 * cheaply: frames are parsed in place in the received chunk (no per-frame copy, no event
 * emitter), and only a frame split across chunks is copied.
 *
 * Lifecycle: connecting -> upgrading (HTTP 101 awaited) -> open -> closed. `close()` is
 * idempotent; `onClose` fires exactly once.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_HEADER = 16 * 1024;
/**
 * Plain TCP reads land in this one buffer (`onread`), shared by every client of the process:
 * no Buffer and no stream 'data' event per read, which is most of a read's cost when 2,000
 * sockets each receive one small frame. A read is parsed before the callback returns, and
 * only the bytes of an incomplete frame are copied out of it (`pending`).
 */
const READ_BUFFER_BYTES = 64 * 1024;
let sharedReadBuffer: Buffer | null = null;

export interface WsTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** Sec-WebSocket-Protocol to offer; '' offers none. */
  readonly protocol: string;
  readonly localAddress?: string;
  /** wss: TLS to the server, trusting any certificate (benchmarks measure, never verify). */
  readonly tls?: boolean;
}

export interface WsHandlers {
  onOpen(): void;
  /** Binary or text message payload in buf[start, end); valid only during the call. */
  onMessage(buf: Buffer, start: number, end: number): void;
  onClose(reason: string): void;
}

type State = 'connecting' | 'upgrading' | 'open' | 'closed';

export class RawWsClient {
  private state: State = 'connecting';
  private readonly socket: net.Socket;
  private readonly key = randomBytes(16).toString('base64');
  private pending: Buffer | null = null;
  private fragments: Buffer[] | null = null;

  constructor(
    target: WsTarget,
    private readonly handlers: WsHandlers,
  ) {
    const opts: net.NetConnectOpts = { host: target.host, port: target.port, noDelay: true };
    if (target.localAddress !== undefined) opts.localAddress = target.localAddress;
    if (target.tls) {
      this.socket = tls.connect({ ...opts, rejectUnauthorized: false });
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    } else {
      sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
      const buffer = sharedReadBuffer;
      this.socket = net.connect({
        ...opts,
        onread: {
          buffer,
          callback: (n: number) => {
            this.onData(buffer.subarray(0, n));
            return true; // keep reading
          },
        },
      });
    }
    this.socket.on(target.tls ? 'secureConnect' : 'connect', () => {
      this.state = 'upgrading';
      this.socket.write(
        `GET ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${this.key}\r\n` +
          (target.protocol === '' ? '' : `Sec-WebSocket-Protocol: ${target.protocol}\r\n`) +
          '\r\n',
      );
    });
    this.socket.on('error', (err) => this.finish(`socket error: ${err.message}`));
    this.socket.on('close', () => this.finish('socket closed'));
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Sends one binary message (client frames are masked, as RFC 6455 requires). */
  send(payload: Buffer): void {
    if (this.state === 'open') this.socket.write(maskedFrame(0x2, payload));
  }

  /** Sends one text message (Socket.IO / Engine.IO packets are text). */
  sendText(text: string): void {
    if (this.state === 'open') this.socket.write(maskedFrame(0x1, Buffer.from(text, 'utf8')));
  }

  close(): void {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.socket.end(maskedFrame(0x8, Buffer.from([0x03, 0xe8])));
    else this.socket.destroy();
    this.finish('closed by client');
  }

  private finish(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.socket.destroy();
    this.handlers.onClose(reason);
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    if (this.state === 'upgrading') {
      const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
      this.pending = null;
      off = this.readUpgrade(buf);
      if (off < 0) return;
      chunk = buf;
    } else if (this.pending !== null) {
      off = this.completePending(chunk);
      if (off < 0) return;
    }
    while (this.state === 'open') {
      const used = this.readFrame(chunk, off);
      if (used === 0) break;
      off += used;
    }
    if (this.state === 'open' && off < chunk.length)
      this.pending = Buffer.from(chunk.subarray(off));
  }

  /**
   * Finishes the frame that straddled the previous read by copying only its own bytes (not the
   * whole new chunk). Returns where the rest of `chunk` starts, or -1 when still incomplete.
   */
  private completePending(chunk: Buffer): number {
    const pending = this.pending as Buffer;
    const head =
      pending.length >= 14
        ? pending
        : Buffer.concat([pending, chunk.subarray(0, 14 - pending.length)]);
    const size = frameSize(head, 0);
    if (size === 0 || pending.length + chunk.length < size) {
      this.pending = Buffer.concat([pending, chunk]);
      return -1;
    }
    const taken = size - pending.length;
    this.pending = null;
    this.readFrame(Buffer.concat([pending, chunk.subarray(0, taken)]), 0);
    return taken;
  }

  /** Returns the offset after the HTTP response head, or -1 while incomplete or on failure. */
  private readUpgrade(buf: Buffer): number {
    const headEnd = buf.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      if (buf.length > MAX_HEADER) this.finish('upgrade response too large');
      else this.pending = Buffer.from(buf);
      return -1;
    }
    const head = buf.toString('latin1', 0, headEnd);
    const accept = createHash('sha1')
      .update(this.key + GUID)
      .digest('base64');
    if (!head.startsWith('HTTP/1.1 101')) {
      this.finish(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`);
      return -1;
    }
    if (!head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
      this.finish('bad Sec-WebSocket-Accept');
      return -1;
    }
    this.state = 'open';
    this.handlers.onOpen();
    return headEnd + 4;
  }

  /** Handles the frame at off; returns bytes consumed, or 0 when the frame is incomplete. */
  private readFrame(buf: Buffer, off: number): number {
    const size = frameSize(buf, off);
    if (size === 0 || buf.length - off < size) return 0;
    const b0 = buf[off] as number;
    const b1 = buf[off + 1] as number;
    if (b1 & 0x80) {
      this.finish('server sent a masked frame');
      return 0;
    }
    const len = b1 & 0x7f;
    const head = len === 126 ? 4 : len === 127 ? 10 : 2;
    const start = off + head;
    const end = off + size;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    switch (opcode) {
      case 0x1:
      case 0x2:
        if (fin) this.handlers.onMessage(buf, start, end);
        else this.fragments = [Buffer.from(buf.subarray(start, end))];
        break;
      case 0x0:
        if (this.fragments === null) {
          this.finish('continuation without a first fragment');
          return 0;
        }
        this.fragments.push(Buffer.from(buf.subarray(start, end)));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.handlers.onMessage(whole, 0, whole.length);
        }
        break;
      case 0x8: {
        const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
        const reason = buf.toString('utf8', Math.min(start + 2, end), end);
        if (this.state === 'open') this.socket.end(maskedFrame(0x8, buf.subarray(start, end)));
        this.finish(`server closed ${code} ${reason}`.trim());
        return 0;
      }
      case 0x9:
        this.socket.write(maskedFrame(0xa, buf.subarray(start, end)));
        break;
      default:
        break; // pong or reserved: ignore
    }
    return size;
  }
}

/** Total size (header + payload) of the frame at off, or 0 while its header is incomplete. */
export function frameSize(buf: Buffer, off: number): number {
  const avail = buf.length - off;
  if (avail < 2) return 0;
  const b1 = buf[off + 1] as number;
  const len = b1 & 0x7f;
  const mask = b1 & 0x80 ? 4 : 0;
  if (len < 126) return 2 + mask + len;
  if (len === 126) return avail < 4 ? 0 : 4 + mask + buf.readUInt16BE(off + 2);
  if (avail < 10) return 0;
  return 10 + mask + buf.readUInt32BE(off + 2) * 4294967296 + buf.readUInt32BE(off + 6);
}

export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (head === 2) out[1] = 0x80 | len;
  else if (head === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(len / 4294967296), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  const mask = randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < len; i++)
    out[head + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return out;
}
