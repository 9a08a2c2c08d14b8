import type { ScenarioName } from '../cli-args';
import { hotTopic } from './hot-topic';
import type { Scenario } from './scenario';

export const SCENARIO_REGISTRY: Record<ScenarioName, Scenario> = {
  'hot-topic': hotTopic,
};
