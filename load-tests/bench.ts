/**
 * `npm run bench`: runs every scenario against each system (troupe and the baselines) one after
 * the other on this machine with the same generator, prints a step table per rate-ladder
 * scenario and a summary (capacities, ratios, connect rate, idle memory), and writes
 * load-tests/results/latest.json and latest.svg. See load-tests/README.md.
 *
 * Bounded: each step, connect phase and server start has its own timeout, and a watchdog ends
 * the whole run (killing the servers it started) after MAX_RUN_MS.
 */
import { parseBenchArgs } from './bench/cli-args';
import {
  formatSummary,
  formatTable,
  machineFacts,
  writeReport,
  type ScenarioRun,
  type SystemRun,
} from './bench/report';
import { SCENARIO_REGISTRY } from './bench/scenarios';
import { startServer, type RunningServer } from './bench/server-process';
import { summarize } from './bench/summary';
import { selectSystems } from './bench/systems';

const MAX_RUN_MS = 15 * 60_000;

const log = (line: string): void => {
  process.stdout.write(line + '\n');
};

let current: RunningServer | null = null;

// Whatever way the bench ends, the server it started ends with it (the cross-node cluster has
// its own exit hook, bench/cluster.ts); a signal becomes an exit so those hooks run.
process.on('exit', () => current?.killNow());
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv);
  const systems = selectSystems(args.only);
  const startedAt = new Date();
  // Scenarios whose own bounds add up to more (linkedin-node's connect phase and flow) get it.
  const maxRunMs =
    MAX_RUN_MS +
    args.scenarios.reduce((ms, name) => {
      const sc = SCENARIO_REGISTRY[name];
      const runs = systems.filter((s) => (sc.skip?.(s) ?? null) === null).length;
      return ms + (sc.extraRunMs?.(args) ?? 0) * runs;
    }, 0);
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `bench: still running after ${Math.round(maxRunMs / 60000)} min, giving up\n`,
    );
    void current?.stop().finally(() => process.exit(2));
  }, maxRunMs);
  watchdog.unref();
  log(
    `bench ${args.quick ? '(quick) ' : ''}scenarios ${args.scenarios.join(', ')} on ${systems.map((s) => s.name).join(', ')}`,
  );
  const scenarios: ScenarioRun[] = [];
  for (const name of args.scenarios) {
    const scenario = SCENARIO_REGISTRY[name];
    log(`\n=== ${name} ===`);
    const runs: SystemRun[] = [];
    for (const system of systems) {
      const skip = scenario.skip?.(system) ?? null;
      const cmd = system.resolve();
      const why = skip ?? ('unavailable' in cmd ? cmd.unavailable : null);
      if (why !== null || 'unavailable' in cmd) {
        log(`[${system.name}] ${name} skipped: ${why}`);
        runs.push({ system: system.name, status: 'skipped', reason: why ?? '' });
        continue;
      }
      try {
        const extra = scenario.serverArgs?.(system, args) ?? [];
        current = await startServer({ ...cmd, args: [...cmd.args, ...extra] }, scenario.needs);
        log(
          `[${system.name}] pid ${current.pid}, ${[...current.listeners].map(([n, e]) => `${n} ${e.host}:${e.port}`).join(', ')}`,
        );
        const result = await scenario.run({
          system,
          server: current,
          args,
          log,
          earlier: scenarios,
        });
        runs.push({ system: system.name, status: 'ok', result });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        log(`[${system.name}] ${name} failed: ${reason}`);
        runs.push({
          system: system.name,
          status: 'failed',
          reason: reason.split('\n')[0] ?? reason,
        });
      } finally {
        await current?.stop();
        current = null;
      }
    }
    scenarios.push({ scenario: name, systems: runs });
    if (runs.some((r) => (r.result?.steps.length ?? 0) > 0)) log('\n' + formatTable(runs));
  }
  const summary = summarize(scenarios);
  const finishedAt = new Date();
  log('\n=== summary ===');
  log(formatSummary(summary));
  const files = writeReport(
    {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      machine: machineFacts(),
      params: args,
      summary,
      scenarios,
    },
    args.out,
  );
  log(
    `\nwrote ${files.json} and ${files.svg} (${Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000)} s)`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
