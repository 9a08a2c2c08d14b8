/** The WebSocket constructor in a browser: its own (swapped in for `websocket-node.ts` by `bundle.mjs`). */
import type { WebSocketCtor } from './websocket-transport';

export function defaultWebSocket(): WebSocketCtor | undefined {
  return (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
}
