/**
 * Collects items that arrive during one turn of the event loop and hands them over together
 * at the end of it (setImmediate), so events that arrive together leave together while a lone
 * event still leaves at once: no timer, no added latency beyond the current turn.
 */
export class TurnBatcher<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.pending.push(items[i]!);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.flush(items);
  };
}
