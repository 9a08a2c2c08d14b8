import { packReport, reportedCount, reportedWatched } from './count-report';

describe('packed reports', () => {
  it('give back the count and the flag they were packed from', () => {
    for (const n of [0, 1, 2, 7, 1_000_000, 2 ** 40]) {
      for (const watched of [false, true]) {
        const v = packReport(n, watched);
        expect([reportedCount(v), reportedWatched(v)]).toEqual([n, watched]);
      }
    }
  });

  it('read no report as a count of 0, not watched', () => {
    expect([reportedCount(undefined), reportedWatched(undefined)]).toEqual([0, false]);
  });
});
