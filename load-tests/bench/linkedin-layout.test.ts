import { topicsOf } from '../generator/worker-messages';
import {
  connectBoundMs,
  deliveriesBetween,
  generatorSpread,
  HOT_TOPIC,
  linkedinBoundMs,
  linkedinLayout,
  parsePortRange,
  serverProcessesFor,
  warmupSecondsFor,
} from './linkedin-layout';

/** Subscribers per topic when every connection i < n subscribes to topicsOf(plan, i). */
function countSubscribers(n: number): Map<string, number> {
  const l = linkedinLayout(n);
  const plan = {
    topicPrefix: 'li.',
    topicCount: l.topics,
    topicsPerConnection: 1,
    alsoTopic: l.alsoTopic,
  };
  const subs = new Map<string, number>();
  for (let i = 0; i < n; i++)
    for (const t of topicsOf(plan, i)) subs.set(t, (subs.get(t) ?? 0) + 1);
  return subs;
}

describe('linkedinLayout', () => {
  it('is issue 14 shape at 100,000: 10,000 topics x 10 and a hot topic of 10,000', () => {
    const l = linkedinLayout(100_000);
    expect(l).toMatchObject({
      topics: 10_000,
      hotSubscribers: 10_000,
      subscriptions: 110_000,
      hotPublishEvery: 1000,
    });
    expect(l.publishTopics).toHaveLength(10_010);
    expect(l.publishTopics.filter((t) => t === HOT_TOPIC)).toHaveLength(10);
    expect(l.publishTopics[1000]).toBe(HOT_TOPIC);
    expect(l.publishTopics[999]).toBe('li.999');
  });

  it('gives every connection its personal topic and one in ten the hot topic too', () => {
    const subs = countSubscribers(2000);
    expect(subs.size).toBe(201);
    expect(subs.get(HOT_TOPIC)).toBe(200);
    for (const [t, n] of subs) if (t !== HOT_TOPIC) expect(n).toBe(10);
  });

  it('owes per publish exactly the subscribers the plan gives each topic, also when N is not a multiple of 10', () => {
    for (const n of [2000, 2345, 7]) {
      const l = linkedinLayout(n);
      const subs = countSubscribers(n);
      l.publishTopics.forEach((t, i) => expect(l.fanouts[i]).toBe(subs.get(t)));
      // A round of the round-robin reaches every personal subscription once, the hot ones per hot publish.
      const hot = l.publishTopics.filter((t) => t === HOT_TOPIC).length;
      const sum = l.fanouts.reduce((a, b) => a + b, 0);
      expect(sum).toBe(n + hot * l.hotSubscribers);
    }
  });

  it('sends about half of the deliveries to the hot topic', () => {
    const l = linkedinLayout(100_000);
    const hot = l.fanouts.filter((_, i) => l.publishTopics[i] === HOT_TOPIC);
    const all = l.fanouts.reduce((a, b) => a + b, 0);
    expect(hot.reduce((a, b) => a + b, 0) / all).toBe(0.5);
  });
});

describe('deliveriesBetween', () => {
  const owed = deliveriesBetween([10, 10, 1000]);

  it('sums the fan-out of the positions in [from, to), wrapping round the list', () => {
    expect(owed(0, 3)).toBe(1020);
    expect(owed(2, 4)).toBe(1010);
    expect(owed(1, 1 + 3 * 7)).toBe(7 * 1020);
    expect(owed(5, 8)).toBe(1020);
  });

  it('counts a step that misses the hot topic as owing only the small ones', () => {
    expect(owed(3, 5)).toBe(20);
    expect(owed(4, 4)).toBe(0);
    expect(owed(9, 4)).toBe(0);
  });

  it('owes nothing for an empty list', () => {
    expect(deliveriesBetween([])(0, 10)).toBe(0);
  });
});

describe('warmupSecondsFor', () => {
  it('covers one round of the topics at the first rate, within 1 to 10 s', () => {
    expect(warmupSecondsFor(10_010, 2000)).toBe(6);
    expect(warmupSecondsFor(201, 2000)).toBe(1);
    expect(warmupSecondsFor(10_010, 100)).toBe(10);
  });
});

describe('connectBoundMs', () => {
  it('gives the connect phase a second per 1,000 connections, and at least a minute', () => {
    expect(connectBoundMs(100_000)).toBe(100_000);
    expect(connectBoundMs(2000)).toBe(60_000);
  });
});

describe('linkedinBoundMs', () => {
  it('adds the connect bound, warm-up, every step with its drain and pause, the flow and a minute', () => {
    const full = {
      connections: 100_000,
      rates: 5,
      refineSteps: 2,
      stepSeconds: 4,
      flowSeconds: 60,
    };
    expect(linkedinBoundMs(full)).toBe(100_000 + (10 + 7 * 8.5 + 60 + 3 + 60) * 1000);
    expect(linkedinBoundMs({ ...full, flowSeconds: 10 })).toBe(linkedinBoundMs(full) - 50_000);
  });
});

describe('serverProcessesFor', () => {
  it('keeps every process at 15,000 connections or fewer, and uses at least two', () => {
    expect(serverProcessesFor(100_000)).toBe(7);
    expect(serverProcessesFor(20_000)).toBe(2);
    expect(serverProcessesFor(2000)).toBe(2);
    expect(serverProcessesFor(45_001)).toBe(4);
  });
});

describe('generatorSpread', () => {
  const machine = { fdLimit: 20_000, portsPerSource: 28_232 };

  it('spreads 100,000 over 7 processes of at most 15,000, each from its own loopback addresses', () => {
    const g = generatorSpread(100_000, machine);
    expect(g.perProcess).toBe(15_000);
    expect(g.processes).toBe(7);
    expect(g.shares.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(Math.max(...g.shares) - Math.min(...g.shares)).toBeLessThanOrEqual(1);
    // 14,286 or 14,285 connections each: four addresses of at most 4,000 per process.
    expect(g.sources.map((b) => b.length)).toEqual([4, 4, 4, 4, 4, 4, 4]);
    expect(g.sources[0]).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    expect(g.sources[6]![3]).toBe('127.0.0.29');
    expect(new Set(g.sources.flat()).size).toBe(28);
  });

  it('stays under a lower open-file limit, less the reserve the server keeps too', () => {
    const g = generatorSpread(100_000, { fdLimit: 4096, portsPerSource: 28_232 });
    expect(g.perProcess).toBe(4096 - 410);
    expect(g.processes).toBe(28);
  });

  it('takes one source address per 4,000 connections where the port range allows it', () => {
    const g = generatorSpread(100_000, { fdLimit: 1_048_576, portsPerSource: 10_000 });
    expect(g.perSource).toBe(4000);
    expect(g.perProcess).toBe(15_000);
    expect(g.processes).toBe(7);
  });

  it('stays under 90% of the ephemeral ports of one source address on a narrow port range', () => {
    const g = generatorSpread(100_000, { fdLimit: 1_048_576, portsPerSource: 3000 });
    expect(g.perSource).toBe(2700);
    expect(g.processes).toBe(7);
    // 14,286 or 14,285 connections each: six addresses of at most 2,700 per process.
    expect(g.sources.map((b) => b.length)).toEqual([6, 6, 6, 6, 6, 6, 6]);
    for (let i = 0; i < g.processes; i++) {
      expect(g.shares[i]! / g.sources[i]!.length).toBeLessThanOrEqual(g.perSource);
    }
  });

  it('uses at least the processes asked for', () => {
    expect(generatorSpread(2000, machine, 3).shares).toEqual([667, 667, 666]);
  });
});

describe('parsePortRange', () => {
  it('counts the ports of the kernel range, bounds included', () => {
    expect(parsePortRange('32768\t60999\n')).toBe(28_232);
    expect(parsePortRange('1024 1024')).toBe(1);
  });

  it('gives null for text that is not a range', () => {
    expect(parsePortRange('')).toBeNull();
    expect(parsePortRange('60999 32768')).toBeNull();
    expect(parsePortRange('a b')).toBeNull();
  });
});
