import { isValidTopic, MAX_TOPIC_BYTES } from './topic';

describe('isValidTopic', () => {
  it('accepts every allowed character', () => {
    const all =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ' + 'abcdefghijklmnopqrstuvwxyz' + '0123456789' + '_-.:/@';
    expect(isValidTopic(all)).toBe(true);
    for (const ch of all) expect(isValidTopic(ch)).toBe(true);
  });

  it('rejects every other ASCII character', () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      const allowed = /[A-Za-z0-9_\-.:/@]/.test(ch);
      expect(isValidTopic(`a${ch}b`)).toBe(allowed);
    }
  });

  it('accepts 200 bytes and rejects 201', () => {
    expect(MAX_TOPIC_BYTES).toBe(200);
    expect(isValidTopic('a'.repeat(200))).toBe(true);
    expect(isValidTopic('a'.repeat(201))).toBe(false);
  });

  it('rejects the empty string', () => {
    expect(isValidTopic('')).toBe(false);
  });

  it('rejects multi-byte UTF-8 characters, short or long', () => {
    expect(isValidTopic('café')).toBe(false);
    expect(isValidTopic('topic-😀')).toBe(false);
    expect(isValidTopic('é'.repeat(100))).toBe(false);
    expect(isValidTopic('\u0080')).toBe(false);
  });

  it('rejects values that are not strings', () => {
    for (const v of [undefined, null, 1, true, {}, ['a'], Buffer.from('a'), Symbol('a')]) {
      expect(isValidTopic(v)).toBe(false);
    }
  });

  it('accepts realistic topic names', () => {
    for (const t of ['live:123/likes', 'user@example.com/typing', 'a.b-c_d', '0']) {
      expect(isValidTopic(t)).toBe(true);
    }
  });
});
