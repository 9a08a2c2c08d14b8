/**
 * `transport: 'auto'`: WebSocket, and SSE where WebSocket does not get through (a proxy that
 * refuses upgrades, a network that drops them).
 *
 * _decided_: an attempt whose pipe closes before it delivered anything switches the next
 * attempt to the other transport; a pipe that delivered stays on its transport. So a client
 * behind a proxy that blocks WebSockets settles on SSE after one failed attempt, and while a
 * node is down the attempts alternate, keeping whichever answers first. The endpoint's path
 * and scheme are read just before each `open`, so they follow the switch.
 */
import type { Pipe, PipeHandlers, Transport } from './transport';

export class AutoTransport implements Transport {
  #current: Transport;

  readonly #primary: Transport;
  readonly #fallback: Transport;

  constructor(primary: Transport, fallback: Transport) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#current = primary;
  }

  get path(): string {
    return this.#current.path;
  }

  get secureScheme(): string {
    return this.#current.secureScheme;
  }

  get plainScheme(): string {
    return this.#current.plainScheme;
  }

  /** The transport the next attempt uses. */
  get active(): Transport {
    return this.#current;
  }

  open(url: string, subprotocol: string, h: PipeHandlers): Pipe {
    const used = this.#current;
    let delivered = false;
    return used.open(url, subprotocol, {
      opened: () => h.opened(),
      message: (frame) => {
        delivered = true;
        h.message(frame);
      },
      closed: (code, reason) => {
        if (!delivered && this.#current === used) {
          this.#current = used === this.#primary ? this.#fallback : this.#primary;
        }
        h.closed(code, reason);
      },
    });
  }
}
