/**
 * The `troupe.v1.json` codec: text frames holding JSON.
 *
 * - Decode is tolerant of transport: a binary frame on a JSON connection is read as UTF-8 JSON
 *   (some client libraries send binary frames for everything). Invalid UTF-8 is undecodable.
 * - Binary payloads: JSON has no bytes, so a `Uint8Array` inside `data` (from a msgpack publisher
 *   or client) is written as `{"$bin": "<base64>"}`, never as a bare base64 string, which a JSON
 *   subscriber could not tell from a real string. This is one-way: a JSON client that publishes
 *   `{"$bin": ...}` publishes that map, and msgpack subscribers receive the map.
 * - Other msgpack-only values get JSON's usual projection: a `bigint` becomes its decimal string,
 *   a timestamp its ISO string, `undefined` map entries are left out (as in msgpack, see
 *   `msgpack.ts`) and an `undefined` event payload is written as `null`.
 */
import type { Codec, Subprotocol } from './codec';
import { DecodeError } from './errors';
import type { ServerMessage } from './messages';
import { RawMsgpack } from './raw-msgpack';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(frame: Uint8Array | string): unknown {
  let text: string;
  if (typeof frame === 'string') {
    text = frame;
  } else {
    try {
      text = utf8.decode(frame);
    } catch (cause) {
      throw new DecodeError('undecodable JSON: invalid UTF-8', { cause });
    }
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    // V8's message quotes the input; the reason may be logged or sent, so keep it data-free.
    throw new DecodeError('undecodable JSON: syntax error', { cause });
  }
}

/** `JSON.stringify` replacer for what JSON cannot hold. */
function wireValue(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    // Buffer#toJSON has already run by now, so look at the value as it is in its parent; for a
    // RawMsgpack, `value` is what its toJSON decoded (a bare bin among others).
    const held = (this as Record<string, unknown>)[key];
    const original = held instanceof RawMsgpack ? value : held;
    if (original instanceof Uint8Array) {
      const b64 = Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString(
        'base64',
      );
      return { $bin: b64 };
    }
    return value;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Whether `value` may hold something only the replacer writes right. A replacer takes
 * `JSON.stringify` off V8's fast path (about twice the cost), so typical small payloads are
 * scanned first; past `SCAN_BUDGET` nodes the scan gives up and the replacer is used.
 */
const SCAN_BUDGET = 64;
function needsReplacer(value: object): boolean {
  let budget = SCAN_BUDGET;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    if (node instanceof Uint8Array) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (--budget < 0) return true;
      if (typeof child === 'bigint') return true;
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return false;
}

/** JSON text of one payload; the replacer only where needed. */
export function jsonData(value: unknown): string {
  // A publisher's msgpack bytes (raw-msgpack.ts): JSON needs the value.
  const data = value instanceof RawMsgpack ? value.value : value;
  switch (typeof data) {
    case 'object':
      if (data === null) return 'null';
      return needsReplacer(data) ? JSON.stringify(data, wireValue) : JSON.stringify(data);
    case 'bigint':
      return `"${data.toString()}"`;
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    default:
      return JSON.stringify(data);
  }
}

/** Only `ev` carries client data; every other server message is plain JSON. */
function carriesData(msg: ServerMessage | ServerMessage[]): boolean {
  if (!Array.isArray(msg)) return msg.op === 'ev';
  for (const m of msg) if (m.op === 'ev') return true;
  return false;
}

export const jsonCodec: Codec = {
  subprotocol: 'troupe.v1.json' satisfies Subprotocol,
  binary: false,
  decode,
  encode(msg: ServerMessage | ServerMessage[]): string {
    return carriesData(msg) ? JSON.stringify(msg, wireValue) : JSON.stringify(msg);
  },
};
