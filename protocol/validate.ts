/**
 * Validation of one decoded client message (PROTOCOL.md §2, "Client to server").
 *
 * Rules, in the order they are checked:
 * 1. The message is a plain map (a msgpack map / JSON object); anything else is 400 without id.
 * 2. `id`, when present, is an unsigned safe integer (0 ..= 2^53 - 1). An ill-typed id is 400
 *    without id (the client cannot correlate what it could not send correctly). Once the id is
 *    valid, every later failure of that message carries it.
 * 3. `op` is a string naming a known op; otherwise 400 "unknown op 'x'" (op clipped to 32 chars).
 * 4. `sub`, `unsub` and `pub` require `id`; `ping` may omit it.
 * 5. `topic` (sub, unsub, pub) is a valid topic (`topic.ts`); the error names the field.
 * 6. `since` (sub, optional) is a map `{epoch: string, seq: unsigned safe integer}`.
 * 6b. `count` (sub, optional) is a boolean: `true` asks for the topic's viewer count (§8).
 * 6c. `last` (sub, optional) is an integer of 1 to 1000: the latest events to replay (§12).
 * 7. `token` (auth, refresh; both require `id`) is a non-empty string; what it holds is the
 *    verifier's business, not the codec's.
 * 8. `data` (pub) must be present, `null` included. `undefined` (msgpack fixext 0, which msgpackr
 *    reads as undefined) counts as absent: JSON cannot carry it and the event would reach JSON
 *    subscribers without `data`. It must be a value both subprotocols carry (`payload.ts`); the
 *    parsed message holds it without `undefined` map values, and its size (`bytes`).
 *
 * Forward compatibility: unknown fields are ignored, never an error, so a newer client can add
 * fields an older server does not know. The parsed message is a fresh object holding only the
 * fields above, so nothing a client adds travels further. A `null` optional field counts as absent
 * (see `fields.ts`).
 */
import {
  badRequest,
  type FieldMap,
  isFieldMap,
  isUnsignedSafeInteger,
  MISSING_DATA,
  MISSING_ID,
  type Parsed,
  quoteOp,
  readEnvelope,
  topicProblem,
} from './fields';
import type { ClientMessage, Since, SubMessage } from './messages';
import { badLast, isHistoryLast } from './history-last';
import { checkPayload } from './payload';
import { isValidTopic } from './topic';

export type { Parsed } from './fields';

const BAD_TOKEN = "field 'token' must be a non-empty string";
const BAD_COUNT = "field 'count' must be a boolean";

export function parseClientMessage(raw: unknown): Parsed<ClientMessage> {
  const envelope = readEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { fields, id, op } = envelope;
  switch (op) {
    case 'ping':
      return { ok: true, msg: id === undefined ? { op } : { op, id } };
    case 'sub':
    case 'unsub':
    case 'pub':
      return id === undefined ? badRequest(MISSING_ID) : parseTopicOp(op, id, fields);
    case 'auth':
    case 'refresh': {
      if (id === undefined) return badRequest(MISSING_ID);
      const token = fields.token;
      if (typeof token !== 'string' || token === '') return badRequest(BAD_TOKEN, id);
      return { ok: true, msg: { op, id, token } };
    }
    default:
      return badRequest(`unknown op ${quoteOp(op)}`, id);
  }
}

function parseTopicOp(
  op: 'sub' | 'unsub' | 'pub',
  id: number,
  raw: FieldMap,
): Parsed<ClientMessage> {
  const t = raw.topic;
  if (!isValidTopic(t)) return badRequest(topicProblem(t), id);
  if (op === 'unsub') return { ok: true, msg: { op, id, topic: t } };
  if (op === 'pub') {
    const data = raw.data;
    if (data === undefined) return badRequest(MISSING_DATA, id);
    const check = checkPayload(data);
    if (!check.ok) return badRequest(check.msg, id);
    return { ok: true, msg: { op, id, topic: t, data: check.data, bytes: check.bytes } };
  }
  const count = raw.count;
  if (count !== undefined && count !== null && typeof count !== 'boolean') {
    return badRequest(BAD_COUNT, id);
  }
  const msg: SubMessage = { op, id, topic: t };
  if (typeof count === 'boolean') msg.count = count;
  const last = raw.last;
  if (last !== undefined && last !== null) {
    if (!isHistoryLast(last)) return badRequest(badLast('last'), id);
    msg.last = last;
  }
  const since = raw.since;
  if (since === undefined || since === null) return { ok: true, msg };
  const parsed = parseSince(since);
  if (typeof parsed === 'string') return badRequest(parsed, id);
  msg.since = parsed;
  return { ok: true, msg };
}

/** The `since` value, or the error text. */
function parseSince(since: unknown): Since | string {
  if (!isFieldMap(since)) return "field 'since' must be a map {epoch, seq}";
  const { epoch, seq } = since;
  if (typeof epoch !== 'string') return "field 'since.epoch' must be a string";
  if (!isUnsignedSafeInteger(seq)) return "field 'since.seq' must be an unsigned safe integer";
  return { epoch, seq };
}
