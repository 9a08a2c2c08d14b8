import { readMessages } from './inbound';

describe('readMessages', () => {
  it('reads one message or a batch, in order', () => {
    const ev = { op: 'ev', topic: 't', seq: 1, epoch: 'E', data: null };
    expect(readMessages(ev).messages).toEqual([ev]);
    expect(readMessages([ev, { op: 'pong' }]).messages).toEqual([ev, { op: 'pong' }]);
  });

  it('leaves out (and counts) a known op with ill-typed fields', () => {
    const r = readMessages([
      { op: 'ev', topic: 't', seq: '1', epoch: 'E' },
      { op: 'count', topic: 't', n: 2 },
    ]);
    expect(r.malformed).toBe(1);
    expect(r.messages).toEqual([{ op: 'count', topic: 't', n: 2 }]);
  });

  it('leaves out unknown ops silently, prototype names included', () => {
    const r = readMessages([{ op: 'later' }, { op: 'constructor' }, { op: '__proto__' }]);
    expect(r).toEqual({ messages: [], malformed: 0 });
  });

  it('throws for a frame that holds something other than messages', () => {
    expect(() => readMessages(3)).toThrow(TypeError);
    expect(() => readMessages([{ op: 'pong' }, 'x'])).toThrow(TypeError);
    expect(() => readMessages({ noop: 1 })).toThrow(TypeError);
  });
});
