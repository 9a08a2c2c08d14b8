/**
 * Reads a decoded frame into server messages: a map or an array of maps (a batch), each with a
 * string `op`. A message whose fields do not have the types the client relies on is left out
 * (reported), never half-read; unknown ops are left out silently (a v1 client ignores what a
 * later server adds).
 */
import type { ServerMsg } from './messages';

type Fields = Record<string, unknown>;

const isObj = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isId = (v: unknown): boolean => v === undefined || v === null || isNum(v);
const isLastSeen = (v: unknown): boolean => v === undefined || v === null || isNum(v);

const CHECKS: Record<string, (m: Fields) => boolean> = {
  hello: (m) => isNum(m.hb) && isStr(m.conn),
  ack: (m) => isNum(m.id),
  err: (m) => isId(m.id) && isNum(m.code),
  ev: (m) => isStr(m.topic) && isNum(m.seq) && isStr(m.epoch),
  count: (m) => isStr(m.topic) && isNum(m.n),
  presence: (m) => isStr(m.topic) && typeof m.online === 'boolean' && isLastSeen(m.lastSeen),
  pong: (m) => isId(m.id),
  bye: (m) => m.retryMs === undefined || isNum(m.retryMs),
};

export interface Inbound {
  messages: ServerMsg[];
  /** Messages of a known op with ill-typed fields. */
  malformed: number;
}

/** Throws when the frame is neither a map nor an array of maps. */
export function readMessages(decoded: unknown): Inbound {
  const items = Array.isArray(decoded) ? decoded : [decoded];
  const messages: ServerMsg[] = [];
  let malformed = 0;
  for (const item of items) {
    if (!isObj(item) || !isStr(item.op))
      throw new TypeError('frame holds a value that is not a message');
    // Own keys only: `op` is server input, and `constructor` or `__proto__` are not ops.
    if (!Object.hasOwn(CHECKS, item.op)) continue;
    if (CHECKS[item.op]!(item)) messages.push(item as ServerMsg);
    else malformed++;
  }
  return { messages, malformed };
}
