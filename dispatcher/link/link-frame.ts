/**
 * Reading frames once a link is up: one msgpack map per frame, either the internal heartbeat
 * or one of the LinkMsg ops, validated field by field for the direction of the link
 * (link-validate.ts) before any node code sees it.
 */
import { decodePayload, isFieldMap } from '../../protocol';
import type { LinkMsg, LinkRole } from '../link-messages';
import { parseLinkMsg } from './link-validate';

/** Who sends on a link (the peer's role, as its authenticated handshake told) and who reads. */
export interface LinkDirection {
  readonly from: LinkRole;
  readonly to: LinkRole;
}

export const HEARTBEAT = { op: 'hb' } as const;

export type LinkFrame =
  | { readonly kind: 'hb' }
  | { readonly kind: 'msg'; readonly msg: LinkMsg }
  | { readonly kind: 'bad'; readonly why: string };

const HB_FRAME: LinkFrame = { kind: 'hb' };

export type Decoded =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly why: string };

/** Decodes one frame payload; never throws (a peer's garbage is a value, not an exception). */
export function decodeFrameValue(payload: Buffer): Decoded {
  try {
    return { ok: true, value: decodePayload(payload) };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** One frame of a link that is up. */
export function parseLinkFrame(payload: Buffer, dir: LinkDirection): LinkFrame {
  const d = decodeFrameValue(payload);
  return d.ok ? classifyLinkValue(d.value, dir) : { kind: 'bad', why: d.why };
}

/** Classifies an already decoded value. */
export function classifyLinkValue(v: unknown, dir: LinkDirection): LinkFrame {
  if (!isFieldMap(v)) return { kind: 'bad', why: 'frame is not a map' };
  const op = v.op;
  if (op === 'hb') return HB_FRAME;
  if (typeof op !== 'string') return { kind: 'bad', why: "missing or non-string field 'op'" };
  const p = parseLinkMsg(v, dir.from, dir.to);
  return p.ok ? { kind: 'msg', msg: p.msg } : { kind: 'bad', why: p.why };
}
