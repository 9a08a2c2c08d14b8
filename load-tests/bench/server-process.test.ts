import { parseListening } from './server-process';

describe('parseListening', () => {
  it('reads name, host and port of a listening line', () => {
    expect(parseListening('listening publish 127.0.0.1:41234\n')).toEqual({
      name: 'publish',
      endpoint: { host: '127.0.0.1', port: 41234 },
    });
  });

  it('ignores other lines', () => {
    expect(parseListening('{"level":30,"msg":"listening"}')).toBeNull();
    expect(parseListening('listening admin /tmp/x.sock')).toBeNull();
  });
});
