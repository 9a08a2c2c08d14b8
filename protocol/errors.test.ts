import { DecodeError, FrameTooLargeError } from './errors';

describe('DecodeError', () => {
  it('carries a stable code, its name and the cause', () => {
    const cause = new Error('inner');
    const err = new DecodeError('bad', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('DECODE_FAILED');
    expect(err.name).toBe('DecodeError');
    expect(err.message).toBe('bad');
    expect(err.cause).toBe(cause);
  });
});

describe('FrameTooLargeError', () => {
  it('carries a stable code, the announced size and the limit', () => {
    const err = new FrameTooLargeError(2000, 1000);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('FRAME_TOO_LARGE');
    expect(err.name).toBe('FrameTooLargeError');
    expect(err.size).toBe(2000);
    expect(err.limit).toBe(1000);
    expect(err.message).toContain('2000');
  });
});
