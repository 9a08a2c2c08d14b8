/**
 * `troupe admin <command>`: the admin socket for people (and, with --json, for scripts).
 *
 * Exit codes: 0 done, 1 the node is unreachable or refused the request, 2 usage error.
 */
import { AdminCmd, MAX_TREE_DEPTH, isAdminCmd, type AdminAnswer } from './admin-protocol';
import { formatStats, formatTree } from './admin-format';
import { AdminClientError, DEFAULT_ADMIN_TIMEOUT_MS, adminRequest } from './admin-request';
import type { TreeNode } from './admin-target';
import { DEFAULT_DRAIN_WAIT_MS, clientsLeft, drainUntilEmpty } from './drain-wait';

export const DEFAULT_ADMIN_PATH = './.troupe/admin.sock';

export const ADMIN_USAGE = `Usage: troupe admin <command> [options]

Commands:
  tree [--path P] [--depth N]   the actor tree (default path /user, depth 3)
  stats                         node statistics
  inspect <path>                one actor's state
  stop <path>                   stop an actor (never / or /user; use drain for the node)
  drain                         drain the node: readyz 503, every client told bye, new ones
                                refused; waits until no client is left (exit 0) or the timeout
                                passes (exit 1; the node keeps draining)
  undrain                       end a drain: readyz 200, new clients accepted

Options:
  --admin SOCKET                admin socket [default ${DEFAULT_ADMIN_PATH}; env TROUPE_ADMIN]
  --timeout-ms MS               how long to wait for the answer [default ${DEFAULT_ADMIN_TIMEOUT_MS}];
                                for drain, for the last client to leave [default ${DEFAULT_DRAIN_WAIT_MS}]
  --json                        print the answer as one JSON line
  --help                        print this text
`;

export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

interface Invocation {
  request: Record<string, unknown> & { cmd: AdminCmd };
  admin: string;
  timeoutMs: number;
  json: boolean;
}

class UsageError extends Error {}

const VALUE_FLAGS = ['--admin', '--path', '--depth', '--timeout-ms'];

function readInteger(flag: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${flag} expects an integer ${min}..${max}, got "${raw}"`);
  return n;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation | 'help' {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (name === '--json' && eq < 0) {
      flags.set(name, 'true');
    } else if (!VALUE_FLAGS.includes(name)) {
      throw new UsageError(`unknown option ${name}`);
    } else if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    }
  }
  const [cmd, ...rest] = positional;
  if (cmd === undefined) throw new UsageError('missing command');
  if (!isAdminCmd(cmd)) throw new UsageError(`unknown command "${cmd}"`);
  const request: Invocation['request'] = { cmd };
  const needsPath = cmd === AdminCmd.Inspect || cmd === AdminCmd.Stop;
  if (rest.length !== (needsPath ? 1 : 0)) {
    throw new UsageError(needsPath ? `${cmd} takes one actor path` : `${cmd} takes no arguments`);
  }
  if (needsPath) request.path = rest[0];
  for (const flag of ['--path', '--depth'] as const) {
    const value = flags.get(flag);
    if (value === undefined) continue;
    if (cmd !== AdminCmd.Tree) throw new UsageError(`${flag} applies to tree only`);
    request[flag.slice(2)] =
      flag === '--depth' ? readInteger(flag, value, 0, MAX_TREE_DEPTH) : value;
  }
  const timeout = flags.get('--timeout-ms');
  const defaultTimeout = cmd === AdminCmd.Drain ? DEFAULT_DRAIN_WAIT_MS : DEFAULT_ADMIN_TIMEOUT_MS;
  return {
    request,
    admin: flags.get('--admin') || env.TROUPE_ADMIN || DEFAULT_ADMIN_PATH,
    timeoutMs:
      timeout === undefined ? defaultTimeout : readInteger('--timeout-ms', timeout, 1, 3_600_000),
    json: flags.has('--json'),
  };
}

function forPeople(cmd: AdminCmd, answer: AdminAnswer & { ok: true }): string {
  switch (cmd) {
    case AdminCmd.Tree:
      return formatTree(answer.tree as TreeNode);
    case AdminCmd.Stats:
      return formatStats(answer.stats as Record<string, unknown>);
    case AdminCmd.Inspect:
      return formatStats(answer.actor as Record<string, unknown>);
    case AdminCmd.Stop:
      return `stopped ${String(answer.stopped)}`;
    case AdminCmd.Drain:
      return 'drained: no client left';
    case AdminCmd.Undrain:
      return answer.undrained === true ? 'serving again' : 'was not draining';
  }
}

/**
 * Runs `troupe admin ...` (argv without `troupe admin`), printing results to `out` and problems
 * to `err`; resolves with the process exit code.
 */
export async function runAdminCommand(
  argv: readonly string[],
  out: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv,
  err: NodeJS.WritableStream = process.stderr,
): Promise<ExitCode> {
  let inv: Invocation | 'help';
  try {
    inv = parseArgs(argv, env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`troupe admin: ${e.message}\n\n${ADMIN_USAGE}`);
    return ExitCode.Usage;
  }
  if (inv === 'help') {
    out.write(ADMIN_USAGE);
    return ExitCode.Ok;
  }
  let answer: AdminAnswer;
  try {
    answer =
      inv.request.cmd === AdminCmd.Drain
        ? await drainUntilEmpty(inv.admin, inv.timeoutMs)
        : await adminRequest(inv.admin, inv.request, inv.timeoutMs);
  } catch (e) {
    if (!(e instanceof AdminClientError)) throw e;
    err.write(`troupe admin: ${e.message}\n`);
    return ExitCode.Failed;
  }
  const left = clientsLeft(answer);
  if (inv.json) {
    out.write(`${JSON.stringify(answer)}\n`);
  } else if (!answer.ok) {
    err.write(`troupe admin: ${answer.error}\n`);
  } else if (left > 0) {
    err.write(
      `troupe admin: ${left} client${left === 1 ? '' : 's'} still connected after ` +
        `${inv.timeoutMs} ms; the node keeps draining (troupe admin undrain ends it)\n`,
    );
  } else {
    out.write(`${forPeople(inv.request.cmd, answer)}\n`);
  }
  return answer.ok && left === 0 ? ExitCode.Ok : ExitCode.Failed;
}
