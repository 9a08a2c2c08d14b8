/**
 * The node's admin socket (PROTOCOL.md section 4): a Unix socket, mode 0600, speaking
 * newline-delimited JSON. It turns requests into calls on an AdminTarget and never lets a bad
 * request or a failing target take the node down.
 *
 *   idle --listen()--> listening --close()--> closed        (close is idle-safe and idempotent)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { AdminConnection } from './admin-connection';
import {
  AdminCmd,
  DEFAULT_TREE_DEPTH,
  DEFAULT_TREE_LIMIT,
  DEFAULT_TOPICS_TOP,
  DEFAULT_TREE_PATH,
  parseAdminRequest,
  type AdminAnswer,
  type AdminRequest,
} from './admin-protocol';
import type { AdminTarget } from './admin-target';
import { pageTree } from './page-tree';
import { pruneTree } from './prune-tree';
import {
  AdminSocketError,
  listenPrivate,
  prepareSocketPath,
  removeSocketFile,
} from './socket-file';

/** The part of a pino logger the admin server uses. */
export interface AdminLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AdminServerOptions {
  /** Socket path; its parent directory is created (0700) if missing. */
  path: string;
  log?: AdminLog;
  /** A target call slower than this is answered with an internal error. Default 10 s. */
  requestTimeoutMs?: number;
}

const State = {
  Idle: 'idle',
  Starting: 'starting',
  Listening: 'listening',
  Closed: 'closed',
} as const;
type State = (typeof State)[keyof typeof State];

const SILENT: AdminLog = { info: () => {}, warn: () => {}, error: () => {} };
/** Paths whose stop would stop the node itself; `drain` is the way to do that. */
const UNSTOPPABLE = ['/', DEFAULT_TREE_PATH];

export class AdminServer {
  private state: State = State.Idle;
  private server: Server | undefined;
  private ino = -1;
  private starting: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly connections = new Set<AdminConnection>();
  private readonly log: AdminLog;
  private readonly timeoutMs: number;

  constructor(
    private readonly target: AdminTarget,
    private readonly opts: AdminServerOptions,
  ) {
    this.log = opts.log ?? SILENT;
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  /** Binds the socket and resolves with its absolute path, ready for `listening admin <path>`. */
  async listen(): Promise<string> {
    if (this.state !== State.Idle) {
      throw new AdminSocketError(`admin server cannot listen: it is ${this.state}`);
    }
    this.state = State.Starting;
    const started = this.start();
    this.starting = started.catch(() => undefined);
    return started;
  }

  /** Stops accepting, ends every admin connection and removes the socket file. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async start(): Promise<string> {
    const { path } = this.opts;
    try {
      await prepareSocketPath(path);
      const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
      this.ino = await listenPrivate(server, path);
      this.server = server;
      server.on('error', (err) => this.log.error({ err }, 'admin socket error'));
    } catch (err) {
      this.state = State.Idle;
      throw err;
    }
    // No log line: the node prints `listening admin <path>` and logs `troupe ready` once.
    this.state = State.Listening;
    return resolve(path);
  }

  private async shutdown(): Promise<void> {
    await this.starting;
    this.state = State.Closed;
    const server = this.server;
    if (server === undefined) return;
    const closed = new Promise<void>((done) => server.close(() => done()));
    for (const connection of this.connections) connection.close();
    await closed;
    await removeSocketFile(this.opts.path, this.ino).catch((err: unknown) =>
      this.log.warn({ err }, 'could not remove the admin socket file'),
    );
  }

  private accept(socket: Socket): void {
    if (this.state !== State.Listening) {
      socket.destroy();
      return;
    }
    const connection = new AdminConnection(socket, (line) => this.answer(line));
    this.connections.add(connection);
    socket.on('error', (err) => this.log.warn({ err }, 'admin connection error'));
    socket.on('close', () => this.connections.delete(connection));
  }

  private async answer(line: string): Promise<AdminAnswer> {
    const req = parseAdminRequest(line);
    if (typeof req === 'string') return { ok: false, error: req };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${req.cmd} took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.run(req), timeout]);
    } catch (err) {
      this.log.error({ err, cmd: req.cmd }, 'admin command failed');
      return { ok: false, error: `internal: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(req: AdminRequest): Promise<AdminAnswer> {
    const { target } = this;
    switch (req.cmd) {
      case AdminCmd.Tree: {
        const path = req.path ?? DEFAULT_TREE_PATH;
        const depth = req.depth ?? DEFAULT_TREE_DEPTH;
        const node = await target.tree(path, depth);
        if (node === undefined) return noActor(path);
        const page = { limit: req.limit ?? DEFAULT_TREE_LIMIT, page: req.page ?? 1 };
        return { ok: true, tree: pageTree(pruneTree(node, depth), page) };
      }
      case AdminCmd.Stats:
        return { ok: true, stats: await target.stats() };
      case AdminCmd.Inspect: {
        const actor = await target.inspect(req.path);
        return actor ? { ok: true, actor } : noActor(req.path);
      }
      case AdminCmd.Stop: {
        if (UNSTOPPABLE.includes(req.path)) {
          return { ok: false, error: `refusing to stop ${req.path}; use drain to stop the node` };
        }
        this.log.info({ path: req.path }, 'admin: stop');
        return (await target.stop(req.path)) ? { ok: true, stopped: req.path } : noActor(req.path);
      }
      // The node logs the start and end of a drain; `troupe admin drain` polls with repeats.
      case AdminCmd.Drain:
        return { ok: true, draining: true, ...(await target.drain()) };
      case AdminCmd.Undrain:
        return { ok: true, draining: false, undrained: await target.undrain() };
      case AdminCmd.Topics: {
        if (target.topics === undefined) return notHere(req.cmd);
        const top = req.top ?? DEFAULT_TOPICS_TOP;
        const { total, topics } = await target.topics(top);
        // Bounded whatever the target returns.
        return { ok: true, top, total, topics: topics.slice(0, top) };
      }
      case AdminCmd.Topic: {
        if (target.topic === undefined) return notHere(req.cmd);
        const topic = await target.topic(req.name);
        return topic ? { ok: true, topic } : { ok: false, error: `no topic ${req.name} here` };
      }
    }
  }
}

function notHere(cmd: AdminCmd): AdminAnswer {
  return { ok: false, error: `${cmd} is not available on this node` };
}

function noActor(path: string): AdminAnswer {
  return { ok: false, error: `no actor at ${path}` };
}
