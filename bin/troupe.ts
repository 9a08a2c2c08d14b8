#!/usr/bin/env -S node --max-semi-space-size=4 --no-allocation-site-pretenuring
/**
 * The `troupe` command.
 *
 *   troupe start [flags]      run a node (standalone by default); see `troupe start --help`
 *   troupe admin <cmd> ...    talk to a running node's admin socket
 *   troupe --version          the package version
 *
 * Each command loads its modules when it runs (`troupe --version` loads none of the server's).
 *
 * The shebang caps V8's young generation at 4 MiB semi-spaces (default 16): a gateway's heap is
 * mostly long-lived connection state, and a larger nursery only holds RSS that an idle node
 * does not give back for a while (15k idle connections 3 s after the storm: 16 MiB 3.39, 8 MiB
 * 2.64 then 2.00, 4 MiB 1.62 KB RSS per connection, medians of 3), while the hot path was no
 * slower with 4 (load-tests/profiles/RESULTS.md).
 *
 * It also turns off V8's allocation-site pretenuring. V8 sends every later object of an
 * allocation site straight to the old generation once enough of its objects survived a young
 * collection; a connect storm (frames and requests waiting a turn or two in mailboxes) makes
 * sites of short-lived objects look long-lived, and their garbage then stays in RSS: 14,000
 * idle connections 1.65 -> 1.51 KB per connection (medians of 4, interleaved), with the same
 * CPU for many-topics and hot-topic traffic (RESULTS.md, session of 2026-12-03, second).
 * Gateway workers are forked with the same flags.
 */
import { packageVersion } from '../server/version';

const TOP_USAGE = `usage: troupe start [flags]     start a node (standalone: gateway + dispatcher)
       troupe admin <cmd> [...]  tree | stats | inspect <path> | stop <path> | drain | undrain
       troupe --version
       troupe --help`;

// A reader that went away (`troupe admin tree | head -3`) is not our failure: stop writing to it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return (await import('../server/start-command')).runStartCommand(rest);
    case 'admin':
      return (await import('../admin/admin-command')).runAdminCommand(
        rest,
        process.stdout,
        process.env,
      );
    case '-v':
    case '--version':
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
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
