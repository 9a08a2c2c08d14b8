/**
 * The connection's token: `token` as given, or `getToken()` called on every (re)connect and
 * again before the token's `exp` to send `{op: 'refresh'}` (PROTOCOL.md §6), so a connection
 * outlives each token it was given.
 *
 * `exp` is read from the JWT's payload (not verified: the client only schedules by it) and
 * then from each refresh's `ack`. A refresh is due `refreshBeforeExpMs` before `exp`, or at half
 * the time left for a shorter-lived token. A refresh that fails is reported and tried again at
 * half the time left; with under a second left the keeper gives up, the server closes at `exp`
 * with 4001 and the reconnect asks `getToken()` for a fresh token.
 */
import type { Clock } from './clock';

export type TokenGetter = () => string | Promise<string>;

export interface TokenHooks {
  /** Sends `refresh` with `token` on the current connection; resolves with the ack's `exp` in ms, if any. */
  refresh(token: string): Promise<number | undefined>;
  error(err: unknown): void;
}

const MIN_LEFT_MS = 1000;

/** The `exp` of a JWT in ms since the epoch; undefined for anything else (an opaque token). */
export function jwtExpMs(token: string): number | undefined {
  const part = token.split('.')[1];
  if (part === undefined || part.length > 16_384) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as unknown;
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class TokenKeeper {
  #timer: unknown;
  /** Bumped by `stop()`: a refresh that began under an older generation is dropped. */
  #generation = 0;

  readonly #clock: Clock;
  readonly #source: { token?: string; getToken?: TokenGetter };
  readonly #beforeExpMs: number;
  readonly #hooks: TokenHooks;

  constructor(
    clock: Clock,
    source: { token?: string; getToken?: TokenGetter },
    beforeExpMs: number,
    hooks: TokenHooks,
  ) {
    this.#clock = clock;
    this.#source = source;
    this.#beforeExpMs = beforeExpMs;
    this.#hooks = hooks;
  }

  /** The token for a new connection (asks `getToken` each time). */
  async current(): Promise<string | undefined> {
    if (this.#source.getToken !== undefined) return await this.#source.getToken();
    return this.#source.token;
  }

  /** A connection is up with `token`: plan its refresh (only with `getToken` and a known `exp`). */
  watch(token: string | undefined): void {
    this.stop();
    if (token !== undefined) this.#plan(jwtExpMs(token), this.#generation);
  }

  stop(): void {
    this.#generation++;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #plan(expMs: number | undefined, gen: number): void {
    if (this.#source.getToken === undefined || expMs === undefined || gen !== this.#generation) {
      return;
    }
    const left = expMs - this.#clock.now();
    if (left < MIN_LEFT_MS) return;
    const delay = left - Math.min(this.#beforeExpMs, left / 2);
    this.#timer = this.#clock.setTimeout(() => void this.#refresh(expMs, gen), delay);
  }

  async #refresh(oldExpMs: number, gen: number): Promise<void> {
    this.#timer = undefined;
    try {
      const token = await this.#source.getToken!();
      if (gen !== this.#generation) return;
      const acked = await this.#hooks.refresh(token);
      this.#plan(acked ?? jwtExpMs(token), gen);
    } catch (e) {
      if (gen !== this.#generation) return;
      this.#hooks.error(e);
      // Try again at half the time left (plan() gives up under a second).
      this.#plan(oldExpMs, gen);
    }
  }
}
