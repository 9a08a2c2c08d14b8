/**
 * Publisher messages (PROTOCOL.md §3), read from frames of `framing.ts`.
 *
 * Same rules as the client validator (`validate.ts`): a plain map, a valid `id` when present
 * (then carried by every later error of that message), a known `op`, a valid `topic`, `data`
 * present (`null` allowed, `undefined` not), unknown fields ignored, `null` optional fields absent.
 * `data` is passed on without `undefined` map values, with its size (`bytes`, payload.ts).
 * `auth` needs a string `token`; whether it is accepted is the dispatcher's call (401), not ours.
 *
 * A publisher frame may be a batch of any length: the frame limit (1 MiB) is its bound.
 */
import type { ErrorCode } from './codes';
import {
  badRequest,
  MISSING_DATA,
  type Parsed,
  quoteOp,
  readEnvelope,
  topicProblem,
} from './fields';
import { checkPayload } from './payload';
import { isValidTopic } from './topic';

export type AuthMessage = { op: 'auth'; token: string };
export type PublishMessage = {
  op: 'pub';
  topic: string;
  data: unknown;
  id?: number;
  /** The size the validator's walk of `data` found (payload.ts); never sent. */
  bytes?: number;
};
export type PublisherMessage = AuthMessage | PublishMessage;

export type PublisherReply =
  { op: 'ack'; id: number; seq: number } | { op: 'err'; id?: number; code: ErrorCode; msg: string };

export function parsePublisherMessage(raw: unknown): Parsed<PublisherMessage> {
  const envelope = readEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { fields, id, op } = envelope;
  if (op === 'auth') {
    const token = fields.token;
    if (typeof token !== 'string') return badRequest("field 'token' must be a string", id);
    return { ok: true, msg: { op, token } };
  }
  if (op !== 'pub') return badRequest(`unknown op ${quoteOp(op)}`, id);
  const topic = fields.topic;
  if (!isValidTopic(topic)) return badRequest(topicProblem(topic), id);
  const data = fields.data;
  if (data === undefined) return badRequest(MISSING_DATA, id);
  const check = checkPayload(data);
  if (!check.ok) return badRequest(check.msg, id);
  const { data: clean, bytes } = check;
  return {
    ok: true,
    msg:
      id === undefined ? { op, topic, data: clean, bytes } : { op, topic, data: clean, bytes, id },
  };
}

/** Every message of one decoded publisher frame (a map, or a batch of maps). */
export function parsePublisherFrame(value: unknown): Parsed<PublisherMessage>[] {
  if (!Array.isArray(value)) return [parsePublisherMessage(value)];
  if (value.length === 0) return [badRequest('empty batch')];
  return value.map(parsePublisherMessage);
}
