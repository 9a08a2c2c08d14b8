/**
 * The client's connection state, and the only moves between states:
 *
 *   connecting ──hello──► connected ──drop──► reconnecting ──hello──► connected ...
 *        └──fail──► reconnecting            any state ──close()──► closed (final)
 *
 * Every public entry point reads the state first; `closed` ends everything and stays.
 */
export const ClientState = {
  Connecting: 'connecting',
  Connected: 'connected',
  Reconnecting: 'reconnecting',
  Closed: 'closed',
} as const;
export type ClientState = (typeof ClientState)[keyof typeof ClientState];

const MOVES: Record<ClientState, readonly ClientState[]> = {
  connecting: ['connected', 'reconnecting', 'closed'],
  connected: ['reconnecting', 'closed'],
  reconnecting: ['connected', 'closed'],
  closed: [],
};

export class StateMachine {
  #current: ClientState = ClientState.Connecting;

  readonly #changed: (s: ClientState) => void;

  constructor(changed: (s: ClientState) => void) {
    this.#changed = changed;
  }

  get state(): ClientState {
    return this.#current;
  }

  get closed(): boolean {
    return this.#current === ClientState.Closed;
  }

  /** Moves to `next` where allowed (telling `changed`); false for a move the table does not hold. */
  to(next: ClientState): boolean {
    if (!MOVES[this.#current].includes(next)) return false;
    this.#current = next;
    this.#changed(next);
    return true;
  }
}
