/**
 * Reading frames once a link is up: one msgpack map per frame, either the internal heartbeat
 * or one of the LinkMsg ops. Only the op is checked here; the fields of each op are the
 * business of the node that handles it (dispatcher/link-messages.ts).
 */
import { decodePayload } from '../../protocol';
import type { LinkMsg } from '../link-messages';

const LINK_OPS: ReadonlySet<string> = new Set<LinkMsg['op']>([
  'interest',
  'history',
  'history-r',
  'pub',
  'pub-r',
  'fail',
  'ev',
  'fwd',
  'fwd-r',
  'xdc',
] satisfies LinkMsg['op'][]);

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
export function parseLinkFrame(payload: Buffer): LinkFrame {
  const d = decodeFrameValue(payload);
  return d.ok ? classifyLinkValue(d.value) : { kind: 'bad', why: d.why };
}

/** Classifies an already decoded value. */
export function classifyLinkValue(v: unknown): LinkFrame {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v)) {
    return { kind: 'bad', why: 'frame is not a map' };
  }
  const op = (v as { op?: unknown }).op;
  if (op === 'hb') return HB_FRAME;
  if (typeof op === 'string' && LINK_OPS.has(op)) return { kind: 'msg', msg: v as LinkMsg };
  return { kind: 'bad', why: `unknown op ${JSON.stringify(String(op)).slice(0, 40)}` };
}
