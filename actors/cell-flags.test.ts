import * as flags from './cell-flags';

describe('cell-flags', () => {
  it('gives each flag its own bit', () => {
    const values = Object.values(flags);
    expect(values.reduce((acc, v) => acc | v, 0)).toBe(values.reduce((acc, v) => acc + v, 0));
  });
});
