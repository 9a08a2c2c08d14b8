/**
 * comedy's logger implementation, routed into troupe's pino logger on stderr.
 *
 * comedy's default logger is winston on the console: it would write info lines to stdout, which
 * is reserved for the `listening ...` lines tools read. comedy loads this module by path in the
 * root and in every forked child (hence `export =` and a constructor taking plain JSON params).
 */
import type { LogLevel } from '../server/config';
import { createLogger, type Logger } from '../server/logger';

interface ComedyLogParams {
  level?: LogLevel;
}

const text = (args: unknown[]): string =>
  args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');

class ComedyLog {
  private readonly log: Logger;

  constructor(params: ComedyLogParams = {}) {
    this.log = createLogger(params.level ?? 'info').child({ component: 'comedy' });
  }

  debug(...args: unknown[]): void {
    this.log.debug({}, text(args));
  }

  info(...args: unknown[]): void {
    this.log.info({}, text(args));
  }

  warn(...args: unknown[]): void {
    this.log.warn({}, text(args));
  }

  error(...args: unknown[]): void {
    this.log.error({}, text(args));
  }
}

export = ComedyLog;
