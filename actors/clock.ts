/**
 * The two clocks of the server, in one place so every tier reads time the same way.
 *
 * `clockMs` is for state kept per connection (last seen, rate budget): a small integer that V8
 * stores unboxed, where a Date.now() double would be a heap number in each of 100k actors.
 * `nowMs` is for latency: events are stamped (`t0`) in a dispatcher process and measured in a
 * gateway process, so it must be wall-clock based and comparable across processes on one host.
 */

/** Whole ms since the process started: fits a small integer for 12 days of uptime. */
export function clockMs(): number {
  return Math.floor(performance.now());
}

/** Wall-clock ms with sub-ms precision, comparable across processes on one host. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
