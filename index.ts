/**
 * troupe as a library (`require('troupe')`): run a node inside your own process.
 *
 *   const { startTroupe } = require('troupe');
 *   const troupe = await startTroupe({ port: 0, 'publish-port': 0, admin: 'none' });
 *   console.log(troupe.listening.ws);   // 127.0.0.1:<port>: clients connect to ws://<it>/v1/ws
 *   await troupe.stop();                // drains (clients get bye + 1001), then closes
 *
 * Settings are those of `troupe start`, keyed as in its config file: the flag names without
 * their dashes, values as JSON (docs/protocol.md section 1). The process environment is not
 * read: an embedding app says what it means. For full control, parseConfig and TroupeNode.start
 * are exported too, and so is the client library (`connect`). The `troupe` command is the
 * package's `bin`.
 */
import { parseConfig, type TroupeConfig } from './server/config';
import { settingsSource } from './server/config-file';
import { createLogger, type Logger } from './server/logger';
import { TroupeNode } from './server/node';
import { MultiProcessNode } from './workers/multi-process-node';

export { ConfigError, parseConfig, Role, USAGE } from './server/config';
export type { HostPort, LogLevel, PeerDc, TroupeConfig } from './server/config';
export { printableConfig, readConfigFile, settingsSource } from './server/config-file';
export { createLogger } from './server/logger';
export type { Logger } from './server/logger';
export { TroupeNode } from './server/node';
export type { NodeStartOptions } from './server/node';
export { StartupError } from './server/startup-error';
export { packageVersion } from './server/version';
export { MultiProcessNode } from './workers/multi-process-node';
export { adminRequest, AdminClientError } from './admin/admin-client';
// The client library (client/; PROTOCOL.md section 10): connect(url, options) and its types.
export * from './client';

/** Settings keyed as in a config file: `{ port: 7070, 'publish-port': 7071, ... }`. */
export type TroupeSettings = Readonly<Record<string, string | number | boolean | string[] | null>>;

export interface RunningTroupe {
  /** The configuration the node runs with. */
  readonly config: TroupeConfig;
  /**
   * Where each listener is bound, by name: `ws`, `publish`, `link`, `http`, `metrics` as
   * `host:port`, `admin` as its socket path (the names of the `listening` lines).
   */
  readonly listening: Readonly<Record<string, string>>;
  readonly node: TroupeNode | MultiProcessNode;
  /** Drains (every client gets `bye` and a 1001 close), closes every listener; idempotent. */
  stop(): Promise<void>;
}

export interface StartTroupeOptions {
  /** Where the node logs; default pino JSON on stderr at the `log-level` setting. */
  log?: Logger;
}

/**
 * Starts a node in this process (with `workers` > 1, its worker processes too) and resolves
 * once every listener is bound. Rejects with ConfigError for bad settings and StartupError
 * (one line naming the cause and the setting) when a listener cannot bind.
 */
export async function startTroupe(
  settings: TroupeSettings = {},
  opts: StartTroupeOptions = {},
): Promise<RunningTroupe> {
  const config = parseConfig([], {}, settingsSource(settings, 'startTroupe settings'));
  const log = opts.log ?? createLogger(config.logLevel);
  const listening: Record<string, string> = {};
  const collect = (line: string): void => {
    const m = /^listening (\w+) (.+)$/.exec(line);
    if (m) listening[m[1]!] = m[2]!;
  };
  const node =
    config.workers > 1
      ? await MultiProcessNode.start(config, log, collect)
      : await TroupeNode.start(config, log, collect);
  let stopped: Promise<void> | undefined;
  return {
    config,
    listening,
    node,
    stop: () => (stopped ??= node.stop()),
  };
}
