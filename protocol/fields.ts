/**
 * Field readers shared by the client validator (`validate.ts`) and the publisher validator
 * (`publisher.ts`), so both protocols reject the same input with the same words.
 *
 * A field whose value is `null` counts as absent: msgpack encoders in other languages write `nil`
 * for an unset optional field, and protobuf's JSON mapping treats `null` the same way. `data` is
 * the one exception (a `null` payload is a payload); see the validators.
 */
import { ErrorCode } from './codes';
import { MAX_TOPIC_BYTES } from './topic';

/** The result of parsing one message. A failure carries the request `id` when it could be read. */
export type Parsed<T> =
  { ok: true; msg: T } | { ok: false; id?: number; code: ErrorCode; msg: string };

export type Failure = Extract<Parsed<never>, { ok: false }>;

/** A decoded msgpack map or JSON object, the only thing a message can be. */
export type FieldMap = Record<string, unknown>;

export function isFieldMap(value: unknown): value is FieldMap {
  if (typeof value !== 'object' || value === null) return false;
  // Arrays, Dates, Uint8Arrays, Sets... are objects too; a message is a map, nothing else.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isUnsignedSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `id`: a number when valid, `undefined` when absent, `null` when present but ill-typed. */
export function readId(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  return isUnsignedSafeInteger(value) ? value : null;
}

/** What every message starts with: a map, a valid or absent `id`, a string `op`. */
export type Envelope = { ok: true; fields: FieldMap; id: number | undefined; op: string };

/** Reads the envelope, or the 400 to answer (carrying the id once it is known to be valid). */
export function readEnvelope(raw: unknown): Envelope | Failure {
  if (!isFieldMap(raw)) return badRequest(NOT_A_MAP);
  const id = readId(raw.id);
  if (id === null) return badRequest(BAD_ID);
  const op = raw.op;
  if (typeof op !== 'string') return badRequest("missing or non-string field 'op'", id);
  return { ok: true, fields: raw, id, op };
}

export function badRequest(msg: string, id?: number): Failure {
  return id === undefined
    ? { ok: false, code: ErrorCode.BadRequest, msg }
    : { ok: false, id, code: ErrorCode.BadRequest, msg };
}

const BAD_ID = "field 'id' must be an unsigned safe integer";
const NOT_A_MAP = 'message must be a map';
export const MISSING_ID = "missing field 'id'";
export const MISSING_DATA = "missing field 'data'";

/** The error text for a `topic` field that failed `isValidTopic`. */
export function topicProblem(value: unknown): string {
  if (value === undefined || value === null) return "missing field 'topic'";
  if (typeof value !== 'string') return "field 'topic' must be a string";
  return `field 'topic' must be 1 to ${MAX_TOPIC_BYTES} bytes of A-Z a-z 0-9 _ - . : / @`;
}

/** Shown in `unknown op '...'`; clipped so a hostile op cannot make the error frame large. */
export function quoteOp(op: string): string {
  return op.length > 32 ? `'${op.slice(0, 32)}...'` : `'${op}'`;
}
