/**
 * `npm run bench`: runs a scenario against each system (baselines and troupe) one after the
 * other on this machine with the same generator, prints a table and writes
 * load-tests/results/latest.json. See load-tests/README.md.
 */
import { parseBenchArgs } from './bench/cli-args';
import { formatTable, machineFacts, writeReport, type SystemRun } from './bench/report';
import { SCENARIO_REGISTRY } from './bench/scenarios';
import { startServer, type RunningServer } from './bench/server-process';
import { selectSystems } from './bench/systems';

const log = (line: string): void => {
  process.stdout.write(line + '\n');
};

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const scenario = SCENARIO_REGISTRY[args.scenario];
  const startedAt = new Date().toISOString();
  const runs: SystemRun[] = [];
  log(
    `bench ${scenario.name}: ${args.subs} subscribers, rates ${args.rates.join(',')} events/s, ${args.stepSeconds} s per step`,
  );
  for (const system of selectSystems(args.only)) {
    const cmd = system.resolve();
    if ('unavailable' in cmd) {
      log(`[${system.name}] skipped: ${cmd.unavailable}`);
      runs.push({ system: system.name, status: 'skipped', reason: cmd.unavailable });
      continue;
    }
    let server: RunningServer | null = null;
    try {
      server = await startServer(cmd, scenario.needs);
      log(
        `[${system.name}] pid ${server.pid}, ${[...server.listeners].map(([n, e]) => `${n} ${e.host}:${e.port}`).join(', ')}`,
      );
      const result = await scenario.run({ system: system.name, server, args, log });
      runs.push({ system: system.name, status: 'ok', result });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log(`[${system.name}] failed: ${reason}`);
      runs.push({ system: system.name, status: 'failed', reason: reason.split('\n')[0] ?? reason });
    } finally {
      await server?.stop();
    }
  }
  log('');
  log(formatTable(runs));
  const file = writeReport(
    {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineFacts(),
      scenario: scenario.name,
      params: args,
      systems: runs,
    },
    args.out,
  );
  log(`\nwrote ${file}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
