/**
 * cross-node (slot): publishes to one dispatcher, subscribers on two gateways, to measure the
 * link hop. It needs `troupe start --role dispatcher|gateway`; until that starts, the bench
 * records the scenario as skipped with the reason the probe got. The baselines have no
 * multi-node mode, so there it is always skipped.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { System } from '../systems';
import type { Scenario } from './scenario';

let probed: string | null | undefined;

/** Why `troupe start --role dispatcher` cannot serve here, or null when it starts. */
function probeDispatcherRole(bin: string): string | null {
  const admin = path.join(os.tmpdir(), `troupe-bench-probe-${process.pid}.sock`);
  const r = spawnSync(
    process.execPath,
    [bin, 'start', '--role', 'dispatcher', '--publish-port', '0', '--link-port', '0'].concat([
      '--admin',
      admin,
      '--log-level',
      'warn',
    ]),
    { timeout: 4000, encoding: 'utf8' },
  );
  // Still serving when the probe stopped it (troupe exits 0 on SIGTERM): the role starts.
  if (/^listening (publish|link) /m.test(r.stdout ?? '')) return null;
  const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n')[0] ?? '';
  return `needs --role dispatcher/gateway (probe exited ${r.status}: ${why})`;
}

export const crossNode: Scenario = {
  name: 'cross-node',
  needs: ['ws', 'publish'],
  skip(system: System): string | null {
    if (system.kind !== 'troupe') return 'no multi-node mode in this baseline';
    const bin = system.troupeBin?.();
    if (bin === undefined || bin === null) return 'troupe is not built';
    probed ??= probeDispatcherRole(bin);
    return probed ?? '--role dispatcher starts now; the cross-node measurement is not written yet';
  },
  run() {
    return Promise.reject(new Error('cross-node is not implemented yet'));
  },
};
