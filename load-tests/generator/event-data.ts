/**
 * The event payload every publisher sends: `{t, pad}` where `t` is the send time on the
 * `Date.now()` scale (`performance.timeOrigin + performance.now()`, sub-millisecond) and `pad`
 * brings the msgpack encoding of `data` to `EVENT_DATA_BYTES`.
 */
import { packr } from './framing';

export const EVENT_DATA_BYTES = 64;

export interface EventData {
  readonly t: number;
  readonly pad: string;
}

export function sendTime(): number {
  return performance.timeOrigin + performance.now();
}

/** Pad string such that `pack({t: <float>, pad})` is `size` bytes (or as close as msgpack allows). */
export function padFor(size: number = EVENT_DATA_BYTES): string {
  const probeT = 1.5; // a float: encoded as float64 (9 bytes), as real send times are
  let pad = '';
  while (packr.pack({ t: probeT, pad: pad + 'x' }).length <= size) pad += 'x';
  return pad;
}
