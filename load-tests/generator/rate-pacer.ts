/**
 * Open-loop rate pacing: how many events are due at time `now` so that the long-run rate is
 * exactly `ratePerSec`, independent of timer jitter. A tick that comes late sends more; debt
 * beyond `maxBurst` is forgiven (counted in `skipped`) so a stalled process does not
 * flood afterwards and the offered rate stays honest.
 */
export class RatePacer {
  private sent = 0;
  private skippedEvents = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly startMs: number,
    private readonly maxBurst: number = Math.max(1, Math.ceil(ratePerSec * 0.05)),
  ) {}

  /** Events to send now; the caller must send exactly this many. */
  due(nowMs: number): number {
    const target = Math.floor(((nowMs - this.startMs) * this.ratePerSec) / 1000);
    let n = target - this.sent - this.skippedEvents;
    if (n <= 0) return 0;
    if (n > this.maxBurst) {
      this.skippedEvents += n - this.maxBurst;
      n = this.maxBurst;
    }
    this.sent += n;
    return n;
  }

  get total(): number {
    return this.sent;
  }

  get skipped(): number {
    return this.skippedEvents;
  }
}
