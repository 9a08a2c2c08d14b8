/**
 * Where a text stops being JSON, for an error message a person can act on: V8's JSON.parse
 * names the position only for some errors (`Unexpected token '}', "{"port": }" is not valid
 * JSON` has none). Called only once JSON.parse refused the text; iterative (an explicit stack),
 * so deep nesting cannot overflow the call stack.
 */

export interface JsonErrorAt {
  /** Index of the offending character (the text's length: it ended too soon). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** What was found there. */
  what: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrtu';
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Index just past the string starting at `i` (a `"`), or -(offset + 1) of its fault. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -(j + 1);
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === undefined || !ESCAPES.includes(e)) return -(j + 2);
      if (e === 'u' && !HEX4.test(text.slice(j + 2, j + 6))) return -(j + 2);
      j += e === 'u' ? 5 : 1;
    }
  }
  return -(text.length + 1);
}

/** Index of the first character at which `text` is not JSON; -1 if it is JSON. */
export function jsonErrorOffset(text: string): number {
  const stack: string[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  // 'value': a value must come; 'key': a member name must come; 'after': a value just ended.
  let want: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skip();
    const c = text[i];
    if (want === 'key') {
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      skip();
      if (text[i] !== ':') return i;
      i++;
      want = 'value';
    } else if (want === 'value') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        skip();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          want = 'after';
        } else {
          want = c === '{' ? 'key' : 'value';
        }
      } else if (c === '"') {
        const end = stringEnd(text, i);
        if (end < 0) return -end - 1;
        i = end;
        want = 'after';
      } else if (c === 't' || c === 'f' || c === 'n') {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (!text.startsWith(word, i)) return i;
        i += word.length;
        want = 'after';
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return i;
        i = NUMBER.lastIndex;
        want = 'after';
      }
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i === text.length ? -1 : i;
      if (c === ',') {
        i++;
        want = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else {
        return i;
      }
    }
  }
}

/** Line, column and what stands at the first place `text` is not JSON. */
export function jsonErrorAt(text: string): JsonErrorAt {
  const found = jsonErrorOffset(text);
  const offset = found < 0 ? text.length : found;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const what =
    offset >= text.length ? 'the text ends too soon' : `unexpected ${JSON.stringify(text[offset])}`;
  return { offset, line, column, what };
}
