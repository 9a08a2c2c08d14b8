/**
 * Link counters for /metrics. The node owns one set and hands it to every link through
 * `LinkOptions.stats`: links of both sides add to the same counters, because a process is one
 * node and its operators want one number per question.
 */
export interface LinkStats {
  /** Links up right now (gauge). */
  up: number;
  /** Client connection attempts after the first one of each actor. */
  reconnects: number;
  /** Handshakes refused for a wrong or missing mac, or a non-loopback peer without a secret. */
  authFailures: number;
  /** Connections refused at accept: too many handshakes in flight from their address, or overall. */
  refused: number;
  /** Links dropped for anything else the peer did wrong (garbage, oversize, silence, timeout). */
  protocolDrops: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** `send` calls that returned false on a link that was up (queue full or frame too large). */
  droppedSends: number;
}

export function newLinkStats(): LinkStats {
  return {
    up: 0,
    reconnects: 0,
    authFailures: 0,
    refused: 0,
    protocolDrops: 0,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    droppedSends: 0,
  };
}
