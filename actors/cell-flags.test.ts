import * as flags from './cell-flags';
import { ActorStatus } from './types';

const { STATUS_MASK, STATUS_SHIFT, STATUSES, ...bits } = flags;

describe('cell-flags', () => {
  it('gives each flag its own bit, below the status bits', () => {
    const values = Object.values(bits);
    expect(values.reduce((acc, v) => acc | v, 0)).toBe(values.reduce((acc, v) => acc + v, 0));
    expect(Math.max(...values)).toBeLessThan(1 << STATUS_SHIFT);
  });

  it('has room in the status bits for every status, Starting as 0', () => {
    expect([...STATUSES].sort()).toEqual(Object.values(ActorStatus).sort());
    expect(STATUSES[0]).toBe(ActorStatus.Starting);
    expect((STATUSES.length - 1) << STATUS_SHIFT).toBe(
      ((STATUSES.length - 1) << STATUS_SHIFT) & STATUS_MASK,
    );
  });
});
