/**
 * `troupe start`: flags, env and config file to a running node.
 *
 * The `listening <name> <host>:<port>` lines go to stdout once every listener is bound, so a
 * supervisor reading stdout never sees them from a node that then fails; a start-up failure is
 * one line on stderr naming the cause and the flag to change, and exit 1 (exit 2: bad flags or
 * settings). SIGTERM or SIGINT drains, stops and logs `stopped` last.
 */
import { AuthConfigError } from '../auth';
import { MultiProcessNode, workersConfigProblem } from '../workers/multi-process-node';
import { tlsConfigProblem } from './tls';
import { jwtVerifierOf } from './client-auth';
import { ConfigError, USAGE, wantsHelp, type TroupeConfig } from './config';
import { loadConfig, printableConfig } from './config-file';
import { createLogger, type Logger } from './logger';
import { TroupeNode } from './node';
import { StartupError } from './startup-error';

/**
 * Reads the JWT key files once before starting, so an unusable key stops the command with a
 * message (worker processes build their own verifier and would only crash-loop on it).
 */
function jwtConfigProblem(cfg: Parameters<typeof jwtVerifierOf>[0]): string | undefined {
  try {
    jwtVerifierOf(cfg);
    return undefined;
  } catch (e) {
    if (e instanceof AuthConfigError) return `JWT configuration: ${e.message}`;
    throw e;
  }
}

/** Starts the node; its `listening` lines are held until every listener is bound. */
async function startNode(
  cfg: TroupeConfig,
  log: Logger,
): Promise<{ node: TroupeNode | MultiProcessNode; listening: string[] }> {
  const listening: string[] = [];
  const hold = (line: string) => void listening.push(line);
  // --workers N: this process becomes the comedy root of N gateway worker processes.
  const node =
    cfg.workers > 1
      ? await MultiProcessNode.start(cfg, log, hold)
      : await TroupeNode.start(cfg, log, hold);
  return { node, listening };
}

/**
 * Runs `troupe start` (argv without `troupe start`): resolves with an exit code for a command
 * that ends (help, print-config, bad settings), -1 while the node runs; a failed start exits.
 */
export async function runStartCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let loaded;
  try {
    loaded = loadConfig(argv, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`troupe: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { cfg, printConfig } = loaded;
  if (printConfig) {
    process.stdout.write(`${JSON.stringify(printableConfig(cfg), null, 2)}\n`);
    return 0;
  }
  const problem = workersConfigProblem(cfg) ?? jwtConfigProblem(cfg) ?? tlsConfigProblem(cfg);
  if (problem !== undefined) {
    process.stderr.write(`troupe: ${problem}\n`);
    return 2;
  }
  const log = createLogger(cfg.logLevel);
  // Signals are ours before anything is printed: a supervisor may send SIGTERM the moment it
  // reads the `listening` lines. One that comes during the start stops the node once started.
  let node: TroupeNode | MultiProcessNode | undefined = undefined;
  let signalled: NodeJS.Signals | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (node === undefined || signalled !== undefined) {
      signalled ??= signal;
      return;
    }
    signalled = signal;
    log.info({ signal }, 'shutting down');
    node.stop().then(
      () => {
        log.info({ signal }, 'stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: String(e) }, 'shutdown failed; stopped');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  let started;
  try {
    started = await startNode(cfg, log);
  } catch (e) {
    // One line an operator can act on; the stack only for a developer who asks for it.
    const why =
      e instanceof StartupError
        ? e.message
        : `cannot start: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`troupe: ${why}\n`);
    log.debug({ err: e }, 'start failed');
    process.exit(1);
  }
  node = started.node;
  const during = signalled;
  if (during !== undefined) {
    signalled = undefined;
    shutdown(during);
  } else {
    for (const line of started.listening) process.stdout.write(`${line}\n`);
  }
  return -1; // keep running
}
