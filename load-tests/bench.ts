/**
 * `npm run bench`: runs every scenario against each system (troupe and the baselines) one after
 * the other on this machine with the same generator, prints a step table per rate-ladder
 * scenario and a summary (capacities, ratios, connect rate, idle memory), and writes
 * load-tests/results/latest.json and latest.svg. See load-tests/README.md.
 *
 * Bounded: each step, connect phase and server start has its own timeout, and a watchdog ends
 * the whole run (killing the servers it started) after MAX_RUN_MS.
 */
import { parseBenchArgs, type BenchArgs } from './bench/cli-args';
import {
  formatSummary,
  formatTable,
  machineFacts,
  writeReport,
  type ScenarioRun,
  type SystemRun,
} from './bench/report';
import { SCENARIO_REGISTRY } from './bench/scenarios';
import { serialized, type Exclusive, type Scenario } from './bench/scenarios/scenario';
import { startServer, type RunningServer } from './bench/server-process';
import { summarize } from './bench/summary';
import { selectSystems, type System } from './bench/systems';
import { budgetOf, formatWallTime, secondsSince } from './bench/wall-time';

const MAX_RUN_MS = 15 * 60_000;

const log = (line: string): void => {
  process.stdout.write(line + '\n');
};

/** Servers this run started and has not stopped (several while a `together` scenario runs). */
const running = new Set<RunningServer>();

// Whatever way the bench ends, the servers it started end with it (the cross-node cluster has
// its own exit hook, bench/cluster.ts); a signal becomes an exit so those hooks run.
process.on('exit', () => {
  for (const s of running) s.killNow();
});
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** One system's run of one scenario, from its server's start to its stop. */
async function runSystem(
  scenario: Scenario,
  system: System,
  args: BenchArgs,
  earlier: readonly ScenarioRun[],
  exclusive: Exclusive,
): Promise<SystemRun> {
  const t0 = performance.now();
  const name = scenario.name;
  const skip = scenario.skip?.(system) ?? null;
  const cmd = system.resolve();
  const why = skip ?? ('unavailable' in cmd ? cmd.unavailable : null);
  if (why !== null || 'unavailable' in cmd) {
    log(`[${system.name}] ${name} skipped: ${why}`);
    return { system: system.name, status: 'skipped', reason: why ?? '' };
  }
  let server: RunningServer | null = null;
  let run: SystemRun;
  try {
    const extra = scenario.serverArgs?.(system, args) ?? [];
    server = await startServer({ ...cmd, args: [...cmd.args, ...extra] }, scenario.needs);
    running.add(server);
    log(
      `[${system.name}] pid ${server.pid}, ${[...server.listeners].map(([n, e]) => `${n} ${e.host}:${e.port}`).join(', ')}`,
    );
    const result = await scenario.run({ system, server, args, log, earlier, exclusive });
    run = { system: system.name, status: 'ok', result };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log(`[${system.name}] ${name} failed: ${reason}`);
    run = { system: system.name, status: 'failed', reason: reason.split('\n')[0] ?? reason };
  } finally {
    await server?.stop();
    if (server !== null) running.delete(server);
  }
  return { ...run, seconds: secondsSince(t0) };
}

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
    void Promise.all([...running].map((s) => s.stop())).finally(() => process.exit(2));
  }, maxRunMs);
  watchdog.unref();
  log(
    `bench ${args.quick ? '(quick) ' : ''}scenarios ${args.scenarios.join(', ')} on ${systems.map((s) => s.name).join(', ')}`,
  );
  const scenarios: ScenarioRun[] = [];
  for (const name of args.scenarios) {
    const scenario = SCENARIO_REGISTRY[name];
    log(`\n=== ${name} ===`);
    // A `together` scenario runs every system at once (each on its own server), its
    // measuring parts taking turns through `exclusive`; the others, one system after another.
    const exclusive = serialized();
    const t0 = performance.now();
    const runs: SystemRun[] = scenario.together
      ? await Promise.all(
          systems.map((sys) => runSystem(scenario, sys, args, scenarios, exclusive)),
        )
      : [];
    if (!scenario.together)
      for (const sys of systems)
        runs.push(await runSystem(scenario, sys, args, scenarios, exclusive));
    scenarios.push({ scenario: name, systems: runs, seconds: secondsSince(t0) });
    if (runs.some((r) => (r.result?.steps.length ?? 0) > 0)) log('\n' + formatTable(runs));
  }
  const summary = summarize(scenarios);
  const finishedAt = new Date();
  const durationSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
  const budget = budgetOf(args.quick, durationSeconds);
  log('\n=== summary ===');
  log(formatSummary(summary));
  log('\n' + formatWallTime(scenarios, budget).join('\n'));
  const files = writeReport(
    {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationSeconds,
      budget,
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      machine: machineFacts(),
      params: args,
      summary,
      scenarios,
    },
    args.out,
  );
  log(
    `\nwrote ${files.json} and ${files.svg} (${durationSeconds} s${budget.over ? ', OVER BUDGET' : ''})`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
