/**
 * What a node exposes to its admin socket. The node implements AdminTarget; AdminServer only
 * consumes it, so the admin layer never reaches into the actor kernel or comedy directly.
 */

/** One actor in the tree; `children` down to the requested depth, `childCount` past it. */
export interface TreeNode {
  path: string;
  name: string;
  kind: string;
  status: string;
  /** Messages queued in the mailbox. */
  mailbox: number;
  processed: number;
  restarts: number;
  children?: TreeNode[];
  /** Number of children, given where `children` is absent or holds only some of them. */
  childCount?: number;
  /** Only on a node with more children than the page size: how many of each kind. */
  childKinds?: Record<string, number>;
  /** Only on a paged node: which page of `limit` children `children` holds (1-based). */
  page?: number;
  limit?: number;
}

/** Where a drain stands: client connections still open (0: drained). */
export interface DrainProgress {
  clients: number;
}

/** `topics` answer: at most `top` rows, and how many topics the node knows. */
export interface AdminTopics {
  total: number;
  topics: readonly object[];
}

export interface AdminTarget {
  /** `undefined` when there is no actor at `path`. */
  tree(
    path: string | undefined,
    depth: number | undefined,
  ): TreeNode | undefined | Promise<TreeNode | undefined>;
  stats(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** `undefined` when there is no actor at `path`. */
  inspect(
    path: string,
  ): Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;
  /** `false` when there is no actor at `path`. */
  stop(path: string): boolean | Promise<boolean>;
  /**
   * Starts the graceful drain (idempotent: asking again only reports progress); resolves once
   * it has started, not once it has finished, with the clients still connected.
   */
  drain(): Promise<DrainProgress>;
  /** Ends a drain: ready again, new clients accepted. `false` when the node was not draining. */
  undrain(): Promise<boolean>;
  /** The node's `top` topics (absent on nodes that cannot tell: answered as an error). */
  topics?(top: number): Promise<AdminTopics>;
  /** One topic; `undefined` when the node knows nothing of it. */
  topic?(name: string): Promise<object | undefined>;
}
