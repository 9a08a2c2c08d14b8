/**
 * `troupe admin <command>`: the admin socket for people (and, with --json, for scripts).
 *
 * Exit codes: 0 done, 1 the node is unreachable or refused the request, 2 usage error.
 */
import {
  AdminCmd,
  DEFAULT_TOPICS_TOP,
  DEFAULT_TREE_LIMIT,
  MAX_TOPICS_TOP,
  MAX_TREE_DEPTH,
  MAX_TREE_LIMIT,
  MAX_TREE_PAGE,
  isAdminCmd,
  type AdminAnswer,
} from './admin-protocol';
import { formatStats, formatTree } from './admin-format';
import { formatTopics } from './topics-format';
import { AdminClientError, DEFAULT_ADMIN_TIMEOUT_MS, adminRequest } from './admin-request';
import type { TreeNode } from './admin-target';
import { DEFAULT_DRAIN_WAIT_MS, clientsLeft, drainUntilEmpty } from './drain-wait';
import { readAllPages } from './tree-pages';

export const DEFAULT_ADMIN_PATH = './.troupe/admin.sock';

export const ADMIN_USAGE = `Usage: troupe admin <command> [options]

Commands:
  tree [--path P] [--depth N]   the actor tree (default path /user, depth 3); a node with more
       [--limit N] [--page P]   than N children (default ${DEFAULT_TREE_LIMIT}) lists kind counts, the
       [--all]                  first N and how many more; --page P shows the path's Pth page
                                of children, --all every one of them
  stats                         node statistics
  inspect <path>                one actor's state
  stop <path>                   stop an actor (never / or /user; use drain for the node)
  drain                         drain the node: readyz 503, every client told bye, new ones
                                refused; waits until no client is left (exit 0) or the timeout
                                passes (exit 1; the node keeps draining)
  undrain                       end a drain: readyz 200, new clients accepted
  topics [--top N]              the node's topics, most subscribers (then held events) first,
                                N of them [default ${DEFAULT_TOPICS_TOP}, at most ${MAX_TOPICS_TOP}]
  topic <name>                  one topic: owner, seq, epoch, history events and bytes,
                                subscribers per gateway, cluster-wide count where known

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
  /** tree --all: read every page of the path's children. */
  all: boolean;
}

class UsageError extends Error {}

const VALUE_FLAGS = ['--admin', '--path', '--depth', '--page', '--limit', '--top', '--timeout-ms'];
const SWITCHES = ['--json', '--all'];
/** Tree flags and the integers they take (--path takes a string). */
const TREE_INTEGERS = {
  '--depth': [0, MAX_TREE_DEPTH],
  '--page': [1, MAX_TREE_PAGE],
  '--limit': [1, MAX_TREE_LIMIT],
} as const;

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
    if (SWITCHES.includes(name) && eq < 0) {
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
  const needsName = cmd === AdminCmd.Topic;
  if (rest.length !== (needsPath || needsName ? 1 : 0)) {
    const what = needsPath ? 'one actor path' : needsName ? 'one topic name' : 'no arguments';
    throw new UsageError(`${cmd} takes ${what}`);
  }
  if (needsPath) request.path = rest[0];
  if (needsName) request.name = rest[0];
  const top = flags.get('--top');
  if (top !== undefined) {
    if (cmd !== AdminCmd.Topics) throw new UsageError('--top applies to topics only');
    request.top = readInteger('--top', top, 1, MAX_TOPICS_TOP);
  }
  for (const flag of ['--path', '--depth', '--page', '--limit', '--all'] as const) {
    const value = flags.get(flag);
    if (value === undefined) continue;
    if (cmd !== AdminCmd.Tree) throw new UsageError(`${flag} applies to tree only`);
    if (flag === '--all') continue;
    const range = flag === '--path' ? undefined : TREE_INTEGERS[flag];
    request[flag.slice(2)] = range ? readInteger(flag, value, range[0], range[1]) : value;
  }
  const all = flags.has('--all');
  if (all && (flags.has('--page') || flags.has('--limit'))) {
    throw new UsageError('--all reads every page; leave out --page and --limit');
  }
  const timeout = flags.get('--timeout-ms');
  const defaultTimeout = cmd === AdminCmd.Drain ? DEFAULT_DRAIN_WAIT_MS : DEFAULT_ADMIN_TIMEOUT_MS;
  return {
    request,
    admin: flags.get('--admin') || env.TROUPE_ADMIN || DEFAULT_ADMIN_PATH,
    timeoutMs:
      timeout === undefined ? defaultTimeout : readInteger('--timeout-ms', timeout, 1, 3_600_000),
    json: flags.has('--json'),
    all,
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
    case AdminCmd.Topics:
      return formatTopics(answer.topics as Record<string, unknown>[], Number(answer.total));
    case AdminCmd.Topic:
      return formatStats(answer.topic as Record<string, unknown>);
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
    if (inv.request.cmd === AdminCmd.Drain)
      answer = await drainUntilEmpty(inv.admin, inv.timeoutMs);
    else if (inv.all) answer = await readAllPages(inv.admin, inv.request, inv.timeoutMs);
    else answer = await adminRequest(inv.admin, inv.request, inv.timeoutMs);
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
