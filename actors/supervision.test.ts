import {
  Directive,
  defaultStrategy,
  oneForOne,
  supervise,
  type RestartWindow,
} from './supervision';

describe('supervise', () => {
  const window = (): RestartWindow => ({ start: 0, restarts: 0 });

  it('passes through directives other than Restart', () => {
    expect(
      supervise(
        oneForOne(() => Directive.Resume),
        window(),
        new Error(),
        1,
      ),
    ).toBe('resume');
    expect(
      supervise(
        oneForOne(() => Directive.Escalate),
        window(),
        new Error(),
        1,
      ),
    ).toBe('escalate');
  });

  it('turns Restart into Stop when more than maxRestarts fall within the window', () => {
    const strategy = oneForOne(() => Directive.Restart, 2, 1000);
    const w = window();
    expect([0, 10, 20].map((t) => supervise(strategy, w, new Error(), t))).toEqual([
      'restart',
      'restart',
      'stop',
    ]);
  });

  it('opens a new window once withinMs has elapsed', () => {
    const strategy = oneForOne(() => Directive.Restart, 1, 1000);
    const w = window();
    expect(supervise(strategy, w, new Error(), 0)).toBe('restart');
    expect(supervise(strategy, w, new Error(), 2000)).toBe('restart');
  });

  it('stops a child that cannot be recreated where a restart was decided, spending no budget', () => {
    const w = window();
    expect(
      supervise(
        oneForOne(() => Directive.Restart),
        w,
        new Error(),
        0,
        false,
      ),
    ).toBe('stop');
    expect(w.restarts).toBe(0);
    // Other directives are the strategy's, restartable or not.
    expect(
      supervise(
        oneForOne(() => Directive.Resume),
        w,
        new Error(),
        0,
        false,
      ),
    ).toBe('resume');
  });

  it('escalates when decide itself throws', () => {
    const strategy = oneForOne(() => {
      throw new Error('bad decider');
    });
    expect(supervise(strategy, window(), new Error(), 0)).toBe('escalate');
  });

  it('defaults to restart, 10 within 60 s', () => {
    expect(defaultStrategy).toMatchObject({ maxRestarts: 10, withinMs: 60_000 });
    expect(defaultStrategy.decide(new Error())).toBe('restart');
  });
});
