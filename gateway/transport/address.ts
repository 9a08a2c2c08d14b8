/**
 * Formats a binary IP address (as uWS `getRemoteAddress()` returns it) the way Node's
 * `socket.remoteAddress` does (libuv's inet_ntop), so both transports report the same text:
 * `127.0.0.1`, `::1`, `::ffff:127.0.0.1`. uWS's own text form never compresses IPv6 zeros.
 */
export function formatAddress(raw: ArrayBuffer): string {
  const b = new Uint8Array(raw);
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) return '';
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);

  // The longest run of zero words (at least two) becomes '::'.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;

  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses end in dotted form.
    if (out !== '' && !out.endsWith(':')) out += ':';
    if (i === 6 && bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  return out;
}

/**
 * An IPv4 address as one small integer, so a socket holds no address string (32 bytes). Read
 * by hand, not by a regular expression: one per connect, and its match array and four
 * substrings were garbage of every upgrade. Only the form it is printed back in packs (four
 * parts of 0-255, no leading zero); any other text is kept as it is.
 */
export function packAddress(text: string): string | number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return text;
      n = (n << 8) | part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && !(digits === 1 && part === 0)) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return text;
    } else return text;
  }
  if (dots !== 3 || digits === 0) return text;
  return (n << 8) | part;
}

export function unpackAddress(addr: string | number): string {
  if (typeof addr === 'string') return addr;
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}
