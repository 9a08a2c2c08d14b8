/**
 * What the main process and a gateway worker say to each other over comedy (IPC, JSON).
 * One topic per request; every payload is an object (comedy drops a bare `undefined`).
 */
import type { TreeNode } from '../admin/admin-target';
import type { TroupeConfig } from '../server/config';
import type { MetricsJson } from '../server/metrics';

export const WorkerTopic = {
  Info: 'info',
  Tree: 'tree',
  Stats: 'stats',
  Inspect: 'inspect',
  StopActor: 'stopActor',
  Drain: 'drain',
  Undrain: 'undrain',
  /** The worker's own registry as JSON (not `metrics`: comedy calls that on its own). */
  LocalMetrics: 'localMetrics',
} as const;
export type WorkerTopic = (typeof WorkerTopic)[keyof typeof WorkerTopic];

/** comedy `customParameters` of a worker; the same on every respawn. */
export interface WorkerParams {
  index: number;
  /** The worker's complete gateway config (role gateway, shared explicit port, admin none). */
  cfg: TroupeConfig;
}

export interface WorkerInfo {
  index: number;
  pid: number;
  port: number;
  nodeId: string;
}

export interface TreeRequest {
  path: string;
  depth: number;
}

export interface PathRequest {
  path: string;
}

/** Answers per topic, for the main's typed `ask`. */
export interface WorkerAnswers {
  [WorkerTopic.Info]: WorkerInfo;
  [WorkerTopic.Tree]: TreeNode | null;
  [WorkerTopic.Stats]: Record<string, unknown>;
  [WorkerTopic.Inspect]: Record<string, unknown> | null;
  [WorkerTopic.StopActor]: boolean;
  [WorkerTopic.Drain]: boolean;
  [WorkerTopic.Undrain]: boolean;
  [WorkerTopic.LocalMetrics]: MetricsJson;
}

/** What a worker asks the main (comedy `askParent`). */
export const MainTopic = {
  /** The whole node's /metrics text, for a scrape that reached this worker. */
  NodeMetrics: 'nodeMetrics',
} as const;
export type MainTopic = (typeof MainTopic)[keyof typeof MainTopic];

export interface NodeMetricsAnswer {
  text: string;
}
