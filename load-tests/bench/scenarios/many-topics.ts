/**
 * many-topics: thousands of topics with a few subscribers each (default 2,000 x 3), publishes
 * spread round-robin over the topics at a rising rate. Measures routing cost per event rather
 * than fan-out: each event reaches only `topicSubs` connections.
 *
 * Connections = topics (one per topic), each subscribed to `topicSubs` consecutive topics, so
 * every topic ends up with exactly `topicSubs` subscribers on different connections.
 */
import type { Scenario } from './scenario';
import { runLadder } from './step-ladder';

export const manyTopics: Scenario = {
  name: 'many-topics',
  needs: ['ws', 'publish'],
  run: (ctx) =>
    runLadder(
      ctx,
      {
        subscribers: ctx.args.topics,
        topicPrefix: 'mt.',
        topicCount: ctx.args.topics,
        topicsPerConnection: ctx.args.topicSubs,
        workers: ctx.args.workers,
        sampleEvery: ctx.args.sampleEvery,
      },
      ctx.args.topicRates,
      // One bisection step: its ladder doubles, and the run has to stay within 10 minutes.
      { refineSteps: Math.min(1, ctx.args.refineSteps) },
    ),
};
