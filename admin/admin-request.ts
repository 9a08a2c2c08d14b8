/**
 * One request to a running node's admin socket: connect, write a line, read a line, hang up.
 * Failures are AdminClientError with a stable `code` so the CLI can pick its message and exit.
 */
import { connect } from 'node:net';
import type { AdminAnswer } from './admin-protocol';
import { LineSplitter } from './line-splitter';

export const AdminClientErrorCode = {
  /** Nothing at the path, or a stale socket: the node is not running. */
  NotRunning: 'not-running',
  Denied: 'denied',
  Timeout: 'timeout',
  BadAnswer: 'bad-answer',
  Io: 'io',
} as const;
export type AdminClientErrorCode = (typeof AdminClientErrorCode)[keyof typeof AdminClientErrorCode];

export class AdminClientError extends Error {
  override readonly name = 'AdminClientError';
  constructor(
    readonly code: AdminClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Answers larger than this (a huge tree) are refused rather than buffered. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
export const DEFAULT_ADMIN_TIMEOUT_MS = 5000;

function connectError(path: string, err: NodeJS.ErrnoException): AdminClientError {
  switch (err.code) {
    case 'ENOENT':
      return new AdminClientError(
        AdminClientErrorCode.NotRunning,
        `is troupe running? no admin socket at ${path}`,
      );
    case 'ECONNREFUSED':
      return new AdminClientError(
        AdminClientErrorCode.NotRunning,
        `is troupe running? nothing answers on the admin socket ${path} (stale socket file)`,
      );
    case 'EACCES':
    case 'EPERM':
      return new AdminClientError(
        AdminClientErrorCode.Denied,
        `permission denied on the admin socket ${path}; run as the user that runs troupe`,
      );
    default:
      return new AdminClientError(AdminClientErrorCode.Io, `admin socket ${path}: ${err.message}`);
  }
}

function parseAnswer(line: string): AdminAnswer {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new AdminClientError(
      AdminClientErrorCode.BadAnswer,
      'the node sent an answer that is not JSON',
    );
  }
  const answer = value as { ok?: unknown; error?: unknown } | null;
  if (typeof answer !== 'object' || answer === null || typeof answer.ok !== 'boolean') {
    throw new AdminClientError(
      AdminClientErrorCode.BadAnswer,
      'the node sent an answer without "ok"',
    );
  }
  if (!answer.ok && typeof answer.error !== 'string') {
    return { ok: false, error: 'unknown error' };
  }
  return value as AdminAnswer;
}

export function adminRequest(
  path: string,
  req: object,
  timeoutMs = DEFAULT_ADMIN_TIMEOUT_MS,
): Promise<AdminAnswer> {
  return new Promise<AdminAnswer>((resolve, reject) => {
    const socket = connect({ path });
    const splitter = new LineSplitter(MAX_ANSWER_BYTES);
    let connected = false;
    const finish = (result: AdminAnswer | Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => {
      const msg = `no answer from the admin socket ${path} within ${timeoutMs} ms`;
      finish(new AdminClientError(AdminClientErrorCode.Timeout, msg));
    }, timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(req)}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = splitter.push(chunk);
      if (overflow) {
        const msg = `the answer is over ${MAX_ANSWER_BYTES} bytes; ask for less (e.g. --depth)`;
        finish(new AdminClientError(AdminClientErrorCode.BadAnswer, msg));
      } else if (lines.length > 0) {
        try {
          finish(parseAnswer(lines[0]!));
        } catch (err) {
          finish(err as Error);
        }
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(
        connected
          ? new AdminClientError(AdminClientErrorCode.Io, err.message)
          : connectError(path, err),
      );
    });
    socket.on('close', () => {
      const msg = `the admin socket ${path} closed without answering`;
      finish(new AdminClientError(AdminClientErrorCode.Io, msg));
    });
  });
}
