/**
 * `troupe start --config FILE` and `--print-config`.
 *
 * The file is one JSON object whose keys are the flag names without their dashes:
 *
 *   {"port": 7070, "publish-port": 7071, "dispatchers": ["10.0.0.1:7072", "10.0.0.2:7072"]}
 *
 * A value is a string, number or boolean, read exactly as the flag's value would be; a list
 * setting may be a JSON array (or the comma-separated string); `null` leaves the setting to its
 * default, so `--print-config`'s output is itself a valid file. A flag beats its env var, which
 * beats the file, which beats the default.
 *
 *   argv --splitStartArgs--> --config / --print-config + the node's flags
 *        --readConfigFile--> raw strings by setting --parseConfig(argv, env, file)--> TroupeConfig
 *
 * Every problem is a ConfigError naming the file (and the key, and for bad JSON the line and
 * column); a file over Limits.maxConfigFileBytes is refused before it is parsed.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  CONFIG_KEYS,
  ConfigError,
  isListKey,
  keyOfName,
  nameOf,
  parseConfig,
  type ConfigKey,
  type ConfigSource,
  type TroupeConfig,
} from './config';
import { jsonErrorAt } from './json-error';
import { Limits } from './limits';

const CONFIG_FLAG = '--config';
const PRINT_FLAG = '--print-config';
export const CONFIG_ENV = 'TROUPE_CONFIG';

/** Settings whose values `--print-config` never shows. */
export const SECRET_KEYS: readonly ConfigKey[] = [
  'clusterSecret',
  'authToken',
  'publisherToken',
  'metricsToken',
  'jwtSecret',
];
export const REDACTED = '<redacted>';

export interface StartArgs {
  /** The node's own flags, for parseConfig. */
  argv: string[];
  /** `--config FILE`, else TROUPE_CONFIG. */
  configFile: string | undefined;
  printConfig: boolean;
}

/** Takes `--config FILE` (or `--config=FILE`) and `--print-config` out of `troupe start`'s argv. */
export function splitStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv): StartArgs {
  const rest: string[] = [];
  let configFile: string | undefined;
  let printConfig = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === PRINT_FLAG) {
      printConfig = true;
    } else if (arg === CONFIG_FLAG) {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) {
        throw new ConfigError(`${CONFIG_FLAG} needs a value (FILE)`, CONFIG_FLAG);
      }
      configFile = next;
    } else if (arg.startsWith(`${CONFIG_FLAG}=`)) {
      configFile = arg.slice(CONFIG_FLAG.length + 1);
    } else {
      rest.push(arg);
    }
  }
  configFile ??= env[CONFIG_ENV] === '' ? undefined : env[CONFIG_ENV];
  if (configFile === '') throw new ConfigError(`${CONFIG_FLAG} needs a file path`, CONFIG_FLAG);
  return { argv: rest, configFile, printConfig };
}

/** The file's bytes, refusing anything but a regular file of at most `maxBytes`. */
function readBounded(path: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it';
    throw new ConfigError(
      `${CONFIG_FLAG} ${path}: ${why} (${(err as Error).message})`,
      CONFIG_FLAG,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ConfigError(`${path}: not a regular file`, CONFIG_FLAG);
    // The size is checked on what is read too: the file may grow between fstat and read.
    const buf = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buf.length; length += n) {
      n = readSync(fd, buf, length, buf.length - length, null);
    }
    if (stat.size > maxBytes || length > maxBytes) {
      throw new ConfigError(
        `${path}: too large (over ${maxBytes} bytes); a config file holds settings only`,
        CONFIG_FLAG,
      );
    }
    return buf.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** One JSON value as the flag's raw string, or undefined for null. */
function rawValue(file: string, name: string, key: ConfigKey, value: unknown): string | undefined {
  const bad = (what: string) => new ConfigError(`${file}: "${name}" ${what}`, CONFIG_FLAG);
  if (value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (!isListKey(key)) throw bad('takes one value, not a list');
    return value
      .map((item, i) => {
        if (typeof item !== 'string' && typeof item !== 'number') {
          throw bad(`item ${i + 1} must be a string`);
        }
        const s = String(item);
        if (s.includes(',')) throw bad(`item ${i + 1} holds a comma; give one entry per item`);
        return s;
      })
      .join(',');
  }
  throw bad('must be a string, number, boolean, list or null, not an object');
}

/** Reads `path` into raw settings; throws ConfigError naming the file (and key or position). */
export function readConfigFile(path: string, maxBytes = Limits.maxConfigFileBytes): ConfigSource {
  const text = readBounded(path, maxBytes).replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const at = jsonErrorAt(text);
    throw new ConfigError(
      `${path}: not valid JSON at line ${at.line}, column ${at.column} (${at.what})`,
      CONFIG_FLAG,
    );
  }
  return settingsSource(doc, path);
}

/**
 * Settings keyed as in a config file (`{"port": 7070, "publish-port": 7071}`), checked like
 * one: the file's contents, or what an embedding app passes to startTroupe. `name` is where
 * they came from, for error messages.
 */
export function settingsSource(doc: unknown, name: string): ConfigSource {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`${name}: must hold one JSON object, {"port": 7070, ...}`, CONFIG_FLAG);
  }
  const values = new Map<ConfigKey, string>();
  for (const [key, value] of Object.entries(doc)) {
    const setting = keyOfName(key);
    if (setting === undefined) {
      const hint = keyOfName(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
      const meant = hint === undefined ? '' : ` (did you mean "${nameOf(hint)}"?)`;
      throw new ConfigError(
        `${name}: unknown key ${JSON.stringify(key)}${meant}; keys are the flag names ` +
          'without --, see troupe start --help',
        CONFIG_FLAG,
      );
    }
    const raw = rawValue(name, key, setting, value);
    if (raw !== undefined) values.set(setting, raw);
  }
  return { name, values };
}

/** parseConfig over a `troupe start` argv that may name a config file. */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { cfg: TroupeConfig; printConfig: boolean } {
  const args = splitStartArgs(argv, env);
  const file = args.configFile === undefined ? undefined : readConfigFile(args.configFile);
  return { cfg: parseConfig(args.argv, env, file), printConfig: args.printConfig };
}

function shown(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shown);
  if (typeof value === 'object' && value !== null) {
    const v = value as { host?: string; port?: number; dc?: string; addr?: unknown };
    if (v.dc !== undefined) return `${v.dc}=${String(shown(v.addr))}`;
    if (v.host !== undefined)
      return v.host.includes(':') ? `[${v.host}]:${v.port}` : `${v.host}:${v.port}`;
  }
  return value;
}

/**
 * The effective configuration as a config file would hold it (every setting, unset ones as
 * null), secrets redacted.
 */
export function printableConfig(cfg: TroupeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = cfg[key];
    out[nameOf(key)] =
      value === undefined ? null : SECRET_KEYS.includes(key) ? REDACTED : shown(value);
  }
  return out;
}
