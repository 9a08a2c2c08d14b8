import { ClientOp, PROTOCOL_VERSION, ServerOp } from './messages';

describe('ClientOp', () => {
  it('lists the client ops of the contract', () => {
    expect(Object.values(ClientOp).sort()).toEqual([
      'auth',
      'ping',
      'pub',
      'refresh',
      'sub',
      'unsub',
    ]);
  });
});

describe('ServerOp', () => {
  it('lists the server ops of the contract', () => {
    expect(Object.values(ServerOp).sort()).toEqual(
      ['ack', 'bye', 'count', 'err', 'ev', 'hello', 'pong', 'presence'].sort(),
    );
  });
});

describe('PROTOCOL_VERSION', () => {
  it('is the v of hello', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });
});
