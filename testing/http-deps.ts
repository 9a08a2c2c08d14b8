/**
 * The HTTP routes' dependencies with harmless defaults (ready, no metrics, a stub dispatcher,
 * any origin), for tests of one route: each passes only what its route reads.
 */
import { AuthThrottle, PublisherAuth } from '../auth';
import type { HttpDeps } from '../gateway/http-routes';
import { OriginPolicy } from '../gateway/origins';
import { stubDispatcher } from './doubles';

export function httpDeps(over: Partial<HttpDeps> = {}): HttpDeps {
  return {
    ready: () => true,
    metrics: () => Promise.resolve(''),
    dispatcher: stubDispatcher,
    httpPublish: true,
    publisherAuth: new PublisherAuth({ throttle: new AuthThrottle() }),
    origins: new OriginPolicy(['*']),
    ...over,
  };
}
