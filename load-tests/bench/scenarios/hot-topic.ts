/**
 * hot-topic: N subscribers of one topic, publish rate raised step by step. Measures fan-out:
 * every event is delivered N times, so deliveries/s = N x accepted publish rate.
 */
import type { Scenario } from './scenario';
import { runLadder } from './step-ladder';

export const hotTopic: Scenario = {
  name: 'hot-topic',
  needs: ['ws', 'publish'],
  run: (ctx) =>
    runLadder(
      ctx,
      {
        subscribers: ctx.args.subs,
        topicPrefix: 'hot',
        topicCount: 1,
        workers: ctx.args.workers,
        sampleEvery: ctx.args.sampleEvery,
      },
      ctx.args.rates,
      // The latency target is read here: the median of 3 steps, one 4 s step is too noisy.
      { halfRuns: 3 },
    ),
};
