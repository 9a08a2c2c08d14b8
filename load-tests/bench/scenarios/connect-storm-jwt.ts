/**
 * connect-storm-jwt: the connect-storm with client JWT auth on (PROTOCOL.md §6). Starts its own
 * troupe with `--jwt-secret` (a random 32-byte hex secret made for the run), signs one HS256
 * token per connection before the storm (distinct `sub`, so the verifier's cache of verified
 * tokens never hits: every upgrade pays a signature check, the worst case), then runs the same
 * storm with each token in `?token=` of its upgrade URL and `topics: ['storm.*']` covering its
 * `sub`. Reports what connect-storm does, the signing time (outside the storm window), and
 * connects/s over the plain connect-storm's of this run when that ran before.
 *
 * troupe only: the baselines have no JWT auth.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SignJWT } from 'jose';
import { startServer, type RunningServer } from '../server-process';
import { ratio, type ScenarioRun } from '../summary';
import type { System, SystemCommand } from '../systems';
import { runStorm, STORM_TOPIC_PREFIX } from './connect-storm';
import type { Scenario } from './scenario';

/** Token lifetime: far beyond the storm's 60 s bound, so none expires while measured. */
const TOKEN_TTL_SEC = 600;

/**
 * troupe's bench command with `--jwt-secret secret` and its own admin socket (the server the
 * bench started for this scenario still holds the default one).
 */
export function withJwtSecret(cmd: SystemCommand, secret: string, admin: string): SystemCommand {
  const args = [...cmd.args];
  const i = args.indexOf('--admin');
  if (i >= 0 && i + 1 < args.length) args[i + 1] = admin;
  else args.push('--admin', admin);
  return { command: cmd.command, args: [...args, '--jwt-secret', secret] };
}

/** `n` HS256 tokens, all different (sub `storm-<i>`), each allowed the storm's topics. */
export async function signStormTokens(
  secret: string,
  n: number,
  nowMs = Date.now(),
): Promise<string[]> {
  const key = Buffer.from(secret);
  const exp = Math.floor(nowMs / 1000) + TOKEN_TTL_SEC;
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await new SignJWT({ sub: `storm-${i}`, exp, topics: [`${STORM_TOPIC_PREFIX}*`] })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key),
    );
  return out;
}

/** connects/s of this system's plain connect-storm earlier in the run, or null. */
export function earlierConnectRate(
  earlier: readonly ScenarioRun[] | undefined,
  system: string,
): number | null {
  const r = earlier
    ?.find((s) => s.scenario === 'connect-storm')
    ?.systems.find((s) => s.system === system);
  const v = r?.status === 'ok' ? r.result?.metrics['acceptedPerSec'] : null;
  return typeof v === 'number' ? v : null;
}

export const connectStormJwt: Scenario = {
  name: 'connect-storm-jwt',
  needs: ['ws'],
  skip(system: System): string | null {
    if (system.kind !== 'troupe') return 'no JWT auth in this baseline';
    return system.troupeBin?.() ? null : 'troupe is not built';
  },
  async run(ctx) {
    const { args, log } = ctx;
    const label = `${ctx.system.name} connect-storm-jwt`;
    const cmd = ctx.system.resolve();
    if ('unavailable' in cmd) throw new Error(cmd.unavailable);
    const secret = randomBytes(32).toString('hex');

    const t0 = performance.now();
    const tokens = await signStormTokens(secret, args.stormConns);
    const signMs = Math.round(performance.now() - t0);
    log(
      `[${label}] signed ${tokens.length} distinct HS256 tokens in ${signMs} ms (before the storm)`,
    );

    const admin = path.join(os.tmpdir(), `troupe-bench-${process.pid}-jwt.sock`);
    let server: RunningServer | null = null;
    const kill = (): void => {
      server?.killNow();
      rmSync(admin, { force: true });
    };
    process.on('exit', kill);
    try {
      server = await startServer(withJwtSecret(cmd, secret, admin), ['ws']);
      const ws = server.endpoint('ws');
      log(`[${label}] pid ${server.pid} with --jwt-secret, ws ${ws.host}:${ws.port}`);
      const storm = await runStorm(ctx, { label, ws, tokens });
      const plain = earlierConnectRate(ctx.earlier, ctx.system.name);
      const over = ratio(storm.metrics['acceptedPerSec'], plain);
      log(
        plain === null
          ? `[${label}] no connect-storm earlier in this run: no ratio (run --scenario connect-storm,connect-storm-jwt)`
          : `[${label}] ${storm.metrics['acceptedPerSec'] ?? '-'}/s with JWT vs ${plain}/s without = ${over ?? '-'}x`,
      );
      return {
        ...storm,
        metrics: { ...storm.metrics, plainAcceptedPerSec: plain, jwtOverPlain: over },
        notes: { ...storm.notes, signMs, alg: 'HS256', distinctTokens: tokens.length },
      };
    } finally {
      await server?.stop();
      process.off('exit', kill);
      rmSync(admin, { force: true });
    }
  },
};
