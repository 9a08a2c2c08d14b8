#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The `troupe` command.
 *
 *   troupe start [flags]      run a node (standalone by default); see `troupe start --help`
 *   troupe admin <cmd> ...    talk to a running node's admin socket
 *
 * The shebang caps V8's young generation at 4 MiB semi-spaces (default 16): a gateway's heap is
 * mostly long-lived connection state, and a larger nursery only holds RSS that an idle node
 * does not give back for a while (15k idle connections 3 s after the storm: 16 MiB 3.39, 8 MiB
 * 2.64 then 2.00, 4 MiB 1.62 KB RSS per connection, medians of 3), while the hot path was no
 * slower with 4 (load-tests/profiles/RESULTS.md).
 */
import { runAdminCommand } from '../admin/admin-client';
import { AuthConfigError } from '../auth';
import { jwtVerifierOf } from '../server/client-auth';
import { ConfigError, parseConfig, USAGE, wantsHelp } from '../server/config';
import { createLogger } from '../server/logger';
import { TroupeNode } from '../server/node';
import { tlsConfigProblem } from '../server/tls';
import { MultiProcessNode, workersConfigProblem } from '../workers/multi-process-node';

const TOP_USAGE = `usage: troupe start [flags]     start a node (standalone: gateway + dispatcher)
       troupe admin <cmd> [...]  tree | stats | inspect <path> | stop <path> | drain
       troupe --help`;

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

async function start(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let cfg;
  try {
    cfg = parseConfig(argv, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`troupe: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const problem = workersConfigProblem(cfg) ?? jwtConfigProblem(cfg) ?? tlsConfigProblem(cfg);
  if (problem !== undefined) {
    process.stderr.write(`troupe: ${problem}\n`);
    return 2;
  }
  const log = createLogger(cfg.logLevel);
  const print = (line: string) => process.stdout.write(line + '\n');
  // --workers N: this process becomes the comedy root of N gateway worker processes.
  const node =
    cfg.workers > 1
      ? await MultiProcessNode.start(cfg, log, print)
      : await TroupeNode.start(cfg, log, print);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    node.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: String(e) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return -1; // keep running
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'admin':
      return runAdminCommand(rest, process.stdout, process.env);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(TOP_USAGE + '\n');
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`troupe: unknown command '${cmd}'\n${TOP_USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`troupe: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
