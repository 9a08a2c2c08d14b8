import type { ScenarioName } from '../cli-args';
import { connectStorm } from './connect-storm';
import { connectStormJwt } from './connect-storm-jwt';
import { crossNode } from './cross-node';
import { hotTopic } from './hot-topic';
import { hostile } from './hostile';
import { idleMemory } from './idle-memory';
import { linkedinNode } from './linkedin-node';
import { manyTopics } from './many-topics';
import { newcomers } from './newcomers';
import { presence } from './presence';
import type { Scenario } from './scenario';
import { viewerCounts } from './viewer-counts';

export const SCENARIO_REGISTRY: Record<ScenarioName, Scenario> = {
  'hot-topic': hotTopic,
  'many-topics': manyTopics,
  'connect-storm': connectStorm,
  'connect-storm-jwt': connectStormJwt,
  'idle-memory': idleMemory,
  'cross-node': crossNode,
  hostile,
  'viewer-counts': viewerCounts,
  newcomers,
  presence,
  'linkedin-node': linkedinNode,
};
