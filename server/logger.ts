/**
 * Structured logs (pino) on stderr: stdout is reserved for the `listening ...` lines that
 * tools and tests read.
 */
import pino from 'pino';
import type { LogLevel } from './config';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
