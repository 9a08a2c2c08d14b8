/** A typed event emitter: a listener that throws is reported through `report`, never stops the others. */
export type Listener<T> = (value: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  readonly #report: (err: unknown) => void;

  constructor(report: (err: unknown) => void) {
    this.#report = report;
  }

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    const set = (this.#listeners[event] ??= new Set());
    set.add(fn);
    return () => set.delete(fn);
  }

  has(event: keyof Events): boolean {
    return (this.#listeners[event]?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.#listeners[event];
    if (set === undefined) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (e) {
        this.#report(e);
      }
    }
  }
}
