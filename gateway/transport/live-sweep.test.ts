import { CloseCode } from '../../protocol';
import { LiveSweep, type SweptConnection } from './live-sweep';
import { SocketList, type Listed } from './socket-list';

/** The transport's open connections, which the sweep walks. */
let open: SocketList<FakeConn>;

class FakeConn implements SweptConnection, Listed {
  joined = false;
  listIndex = -1;
  closed: number | undefined;
  constructor(public buffered: number) {
    open.add(this);
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  close(code: number): void {
    this.closed = code;
    // As the transport does: a closed socket leaves the list at once.
    open.delete(this);
  }
}

describe('LiveSweep', () => {
  let sweep: LiveSweep<FakeConn>;
  beforeEach(() => {
    jest.useFakeTimers();
    open = new SocketList();
    sweep = new LiveSweep<FakeConn>(open, 1000, 100);
  });
  afterEach(() => {
    sweep.stop();
    jest.useRealTimers();
  });

  describe('#sweep', () => {
    it('closes with 4008 exactly the sockets over the bound, and forgets them', () => {
      const over = new FakeConn(1001);
      const at = new FakeConn(1000);
      sweep.add(over);
      sweep.add(at);
      expect(sweep.sweep()).toBe(1);
      expect(over.closed).toBe(CloseCode.SlowConsumer);
      expect(at.closed).toBeUndefined();
      expect(sweep.size).toBe(1);
    });

    it('visits every socket when those it closes leave the list during the walk', () => {
      const conns = [0, 5000, 5000, 0, 5000, 0, 5000].map((b) => new FakeConn(b));
      for (const c of conns) sweep.add(c);
      expect(sweep.sweep()).toBe(4);
      expect(conns.map((c) => c.closed === CloseCode.SlowConsumer)).toEqual([
        false,
        true,
        true,
        false,
        true,
        false,
        true,
      ]);
      expect(open.size).toBe(3);
      expect(sweep.size).toBe(3);
    });

    it('reads no socket that is open but not joined', () => {
      const idle = new FakeConn(5000);
      const left = new FakeConn(5000);
      sweep.add(left);
      sweep.delete(left);
      expect(sweep.sweep()).toBe(0);
      expect(idle.closed).toBeUndefined();
      expect(left.closed).toBeUndefined();
      expect(sweep.size).toBe(0);
    });
  });

  describe('#add', () => {
    it('counts a socket joined to several channels once', () => {
      const c = new FakeConn(0);
      sweep.add(c);
      sweep.add(c);
      expect(sweep.size).toBe(1);
      sweep.delete(c);
      expect(sweep.size).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('timer', () => {
    it('sweeps every interval while a socket is joined, and stops when none is', () => {
      const c = new FakeConn(0);
      sweep.add(c);
      expect(jest.getTimerCount()).toBe(1);
      c.buffered = 5000;
      jest.advanceTimersByTime(100);
      expect(c.closed).toBe(CloseCode.SlowConsumer);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('runs no timer for a socket that left', () => {
      const c = new FakeConn(0);
      sweep.add(c);
      sweep.delete(c);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('#published', () => {
    it('does not wait for the interval when half the bound was published', () => {
      const slow = new LiveSweep<FakeConn>(open, 1000, 60_000);
      const c = new FakeConn(2000);
      slow.add(c);
      slow.published(400);
      jest.advanceTimersByTime(1);
      expect(c.closed).toBeUndefined();
      slow.published(100);
      jest.advanceTimersByTime(1);
      expect(c.closed).toBe(CloseCode.SlowConsumer);
      slow.stop();
    });
  });
});
