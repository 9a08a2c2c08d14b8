import { AcceptGuard, HEADROOM, devNullProbe } from './accept-guard';

function guarded(free: { n: number }, canResume = true) {
  const calls: string[] = [];
  const guard = new AcceptGuard(
    {
      pause: () => calls.push('pause'),
      resume: () => {
        calls.push('resume');
        return canResume;
      },
    },
    (n) => free.n >= n,
  );
  return { guard, calls };
}

describe(AcceptGuard, () => {
  describe('#check', () => {
    it('does nothing while a descriptor can be opened', () => {
      const { guard, calls } = guarded({ n: 1 });
      guard.check();
      expect(calls).toEqual([]);
      expect(guard.isPaused).toBe(false);
    });

    it('pauses accepting once when no descriptor can be opened', () => {
      const { guard, calls } = guarded({ n: 0 });
      guard.check();
      guard.check();
      expect(calls).toEqual(['pause']);
      expect(guard.isPaused).toBe(true);
    });

    it('resumes only when HEADROOM descriptors are free again', () => {
      const free = { n: 0 };
      const { guard, calls } = guarded(free);
      guard.check();
      free.n = HEADROOM - 1;
      guard.check();
      expect(calls).toEqual(['pause']);
      free.n = HEADROOM;
      guard.check();
      expect(calls).toEqual(['pause', 'resume']);
      expect(guard.isPaused).toBe(false);
    });

    it('stays paused and tries again when accepting cannot start again', () => {
      const free = { n: 0 };
      const { guard, calls } = guarded(free, false);
      guard.check();
      free.n = HEADROOM;
      guard.check();
      guard.check();
      expect(calls).toEqual(['pause', 'resume', 'resume']);
      expect(guard.isPaused).toBe(true);
    });
  });
});

describe(devNullProbe, () => {
  it('opens and closes the descriptors it asks for', () => {
    expect(devNullProbe(HEADROOM)).toBe(true);
  });
});
