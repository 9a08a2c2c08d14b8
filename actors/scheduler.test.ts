import { Scheduler, type Runnable } from './scheduler';
import { flush } from '../testing/actor-system';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin */
  }
}

describe('Scheduler', () => {
  describe('#enqueue', () => {
    it('runs cells in a later macrotask, never synchronously', async () => {
      const scheduler = new Scheduler();
      const ran: string[] = [];
      scheduler.enqueue({ run: () => ran.push('a') });
      expect(ran).toEqual([]);
      await flush(1);
      expect(ran).toEqual(['a']);
    });

    it('runs cells in FIFO order, including ones enqueued during the drain', async () => {
      const scheduler = new Scheduler();
      const ran: string[] = [];
      const c: Runnable = { run: () => ran.push('c') };
      scheduler.enqueue({ run: () => ran.push('a') });
      scheduler.enqueue({
        run: () => {
          ran.push('b');
          scheduler.enqueue(c);
        },
      });
      await flush(1);
      expect(ran).toEqual(['a', 'b', 'c']);
    });
  });

  describe('high priority', () => {
    it('runs high cells before every queued normal cell, also ones enqueued during the drain', async () => {
      const scheduler = new Scheduler();
      const ran: string[] = [];
      const late: Runnable = { run: () => ran.push('high-late') };
      scheduler.enqueue({ run: () => ran.push('n1') });
      scheduler.enqueue({
        run: () => {
          ran.push('n2');
          scheduler.enqueue(late, true);
        },
      });
      scheduler.enqueue({ run: () => ran.push('n3') });
      scheduler.enqueue({ run: () => ran.push('high') }, true);
      expect(scheduler.queued).toBe(4);
      await flush(1);
      expect(ran).toEqual(['high', 'n1', 'n2', 'high-late', 'n3']);
      expect(scheduler.queued).toBe(0);
    });

    it('keeps FIFO order within the high lane', async () => {
      const scheduler = new Scheduler();
      const ran: number[] = [];
      for (let i = 0; i < 5; i++) scheduler.enqueue({ run: () => ran.push(i) }, true);
      await flush(1);
      expect(ran).toEqual([0, 1, 2, 3, 4]);
    });
  });

  describe('drain', () => {
    it('yields to the event loop when the time budget is spent', async () => {
      const scheduler = new Scheduler({ drainBudgetMs: 2 });
      const order: string[] = [];
      let remaining = 40;
      const hog: Runnable = {
        run: () => {
          busyWait(0.5);
          order.push('hog');
          if (--remaining > 0) scheduler.enqueue(hog);
        },
      };
      scheduler.enqueue(hog);
      setImmediate(() => order.push('io'));
      await flush(60);
      expect(remaining).toBe(0);
      const io = order.indexOf('io');
      expect(io).toBeGreaterThan(0);
      expect(io).toBeLessThan(order.length - 1);
    });

    it('keeps draining other cells when one throws, and reports the error', async () => {
      const errors: unknown[] = [];
      const scheduler = new Scheduler({ onError: (e) => errors.push(e) });
      const ran: string[] = [];
      scheduler.enqueue({
        run: () => {
          throw new Error('boom');
        },
      });
      scheduler.enqueue({ run: () => ran.push('next') });
      await flush(2);
      expect(ran).toEqual(['next']);
      expect(errors).toHaveLength(1);
    });
  });
});
