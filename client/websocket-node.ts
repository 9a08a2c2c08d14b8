/**
 * The WebSocket constructor in Node.js: the `ws` package (Node 20 has no global WebSocket),
 * else a global one. The browser bundle replaces this file with `websocket-browser.ts`
 * (`bundle.mjs`), so `ws` never reaches a browser.
 */
import type { WebSocketCtor } from './websocket-transport';

export function defaultWebSocket(): WebSocketCtor | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ws') as WebSocketCtor;
  } catch {
    return (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  }
}
