/**
 * Presence worker: a child process of the presence scenario holding either members'
 * connections (opened and closed on command) or watcher connections, from one loopback source
 * address. What happened goes to the coordinator twice a second and on request; the start ends
 * with a `ready` report.
 *
 * Runs until told to stop, or until its parent goes away (IPC disconnect): it never outlives
 * the coordinator.
 */
import { Keepalive } from './keepalive';
import { PresenceMembers } from './presence-members';
import {
  newPresenceCounters,
  type FromPresenceWorker,
  type PresencePlan,
  type ToPresenceWorker,
} from './presence-messages';
import { PresenceWatchers } from './presence-watchers';

const REPORT_MS = 500;

const counters = newPresenceCounters();
const keepalive = new Keepalive();
let members: PresenceMembers | null = null;
let watchers: PresenceWatchers | null = null;
let lastCpu = process.cpuUsage();

function send(msg: FromPresenceWorker): void {
  if (process.connected) process.send?.(msg);
}

function report(reason: 'tick' | 'flush' | 'ready', token = 0): void {
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  send({
    type: 'report',
    reason,
    token,
    actions: members?.takeActions() ?? [],
    seen: watchers?.takeSeen() ?? [],
    counters: {
      ...counters,
      closeReasons: { ...counters.closeReasons },
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: process.memoryUsage.rss(),
    },
  });
}

async function start(plan: PresencePlan): Promise<void> {
  const env = { target: plan.target, prefix: plan.prefix, counters, keepalive };
  if (plan.role === 'members') {
    members = new PresenceMembers(env);
    await members.openAll(plan.members, plan.connectConcurrency);
  } else {
    watchers = new PresenceWatchers(env);
    await watchers.watch(plan.members, plan.perConnection);
  }
  report('ready');
}

function stop(): void {
  keepalive.stop();
  members?.closeAll();
  watchers?.closeAll();
  clearInterval(ticker);
  setTimeout(() => process.exit(0), 200).unref();
}

const ticker = setInterval(() => report('tick'), REPORT_MS);

process.on('message', (msg: ToPresenceWorker) => {
  switch (msg.type) {
    case 'start':
      start(msg.plan).catch((err: unknown) => send({ type: 'fatal', message: String(err) }));
      return;
    case 'churn':
      for (const m of msg.close) members?.close(m);
      for (const m of msg.open) void members?.open(m);
      return;
    case 'flush':
      report('flush', msg.token);
      return;
    case 'stop':
      stop();
      return;
  }
});
process.on('disconnect', stop);
