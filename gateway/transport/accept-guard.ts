/**
 * Stops uWebSockets.js from spinning when the process runs out of file descriptors.
 *
 * Why: uWS accepts from a level-triggered poll and does nothing when accept() fails with
 * EMFILE, so the listening socket stays readable and the loop spins at 100% CPU while new
 * connections hang (measured: `ulimit -n 300` and 300 idle TCP connections, 97% CPU, /healthz
 * never answered). `--max-connections` keeps WebSockets below the limit, but sockets that
 * never send a request (uWS holds them 10 s), publisher connections or anything else the
 * process opens can still reach it. libuv (Node's own servers) has its own EMFILE handling.
 *
 *   accepting ──probe fails (EMFILE)──► paused (listener closed: new connections refused)
 *   paused ──HEADROOM descriptors can be opened again──► accepting (listener reopened)
 *
 * The probe opens and closes /dev/null every PROBE_MS: two syscalls, so it costs nothing
 * while healthy, and a spin lasts at most PROBE_MS. Counting /proc/self/fd instead took
 * 28 ms at 19,000 descriptors.
 */
import { closeSync, openSync } from 'node:fs';

export const PROBE_MS = 100;
/** Descriptors that must be free again before the listener reopens. */
export const HEADROOM = 64;

export interface AcceptControl {
  pause(): void;
  /** False if accepting could not start again (tried again at the next check). */
  resume(): boolean;
}

/** Opens `n` descriptors and closes them; false if the process is out of them. */
export type FdProbe = (n: number) => boolean;

export function devNullProbe(n: number): boolean {
  const fds: number[] = [];
  try {
    for (let i = 0; i < n; i++) fds.push(openSync('/dev/null', 'r'));
    return true;
  } catch {
    return false;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

export class AcceptGuard {
  private paused = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly control: AcceptControl,
    private readonly probe: FdProbe = devNullProbe,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  start(everyMs = PROBE_MS): void {
    this.timer ??= setInterval(() => this.check(), everyMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  check(): void {
    if (!this.paused) {
      if (this.probe(1)) return;
      this.paused = true;
      this.control.pause();
    } else if (this.probe(HEADROOM) && this.control.resume()) {
      this.paused = false;
    }
  }
}
