/**
 * Collects items that arrive during one turn of the event loop and hands them over together
 * at the end of it, so events that arrive together leave together while a lone event still
 * leaves at once: no timer, no added latency beyond the current turn.
 *
 * The end of the turn is `schedule` (default setImmediate). The gateway schedules through its
 * actor instead: items pushed from inside an actor (the in-process dispatcher) are then flushed
 * later in the same scheduler drain, not one event-loop iteration later.
 */
export class TurnBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: (run: () => void) => void = setImmediate,
  ) {}

  push(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.pending.push(items[i]!);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.flush(items);
  };
}
