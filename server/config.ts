/**
 * Node configuration: CLI flags and environment of PROTOCOL.md section 1, plus troupe's own
 * settings (auth token, client JWTs, HTTP publish, history, heartbeat, outbound bound, node id).
 *
 * Every setting `fooBar` has the flag `--foo-bar` and the env var `TROUPE_FOO_BAR`; a flag
 * overrides its env var, which overrides the default. Names are derived from one table so the
 * parser, the env lookup and USAGE can never disagree.
 *
 *   argv, env --> raw strings (flag ?? env) --> parse + validate per option --> cross-checks
 *
 * Any problem throws ConfigError naming the flag (and the env var when the value came from it).
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { parseOrigin } from '../gateway/origins';
import { TransportKind } from '../gateway/transport';
import { Limits } from './limits';
import { defaultMaxConnections } from './open-file-limit';

export const Role = {
  Standalone: 'standalone',
  Gateway: 'gateway',
  Dispatcher: 'dispatcher',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HostPort {
  host: string;
  port: number;
}

export interface PeerDc {
  dc: string;
  addr: HostPort;
}

export interface TroupeConfig {
  role: Role;
  host: string;
  port: number;
  publishPort: number;
  linkPort: number;
  /** A separate port for the HTTP endpoints; unset means they share the client port. */
  httpPort?: number;
  /** A port serving `GET /metrics` alone; then no other port serves it. */
  metricsPort?: number;
  /** Unix socket path of the admin socket. */
  admin: string;
  dispatchers: HostPort[];
  peers: HostPort[];
  dc: string;
  peerDcs: PeerDc[];
  clusterSecret?: string;
  /** Dispatcher and gateway roles without --cluster-secret: links to loopback peers only. */
  insecureLoopbackLinks: boolean;
  workers: number;
  transport: TransportKind;
  logLevel: LogLevel;
  maxFrame: number;
  maxPublishFrame: number;
  /** When set, clients and publishers must present this token. */
  authToken?: string;
  /** When set, publishers presenting it may publish to any topic (PROTOCOL.md §6). */
  publisherToken?: string;
  /** Browser origins allowed on the client and HTTP ports; unset: see allowedOriginsOf. */
  allowedOrigins?: string[];
  /** When set, `GET /metrics` needs `Authorization: Bearer` with it. */
  metricsToken?: string;
  /** HMAC key: clients may present HS256/384/512 JWTs (PROTOCOL.md §6). */
  jwtSecret?: string;
  /** A PEM file of one or more public keys: RS/PS/ES/EdDSA JWTs. */
  jwtPublicKey?: string;
  /** A JWKS document; tokens pick a key by `kid`; re-read when it changes. */
  jwksFile?: string;
  /** When set, a JWT's `iss` must equal it. */
  jwtIssuer?: string;
  /** When set, a JWT's `aud` must hold it. */
  jwtAudience?: string;
  /** Clients may `pub` without a `pub` claim where client auth is configured. */
  clientPublish: boolean;
  httpPublish: boolean;
  historySize: number;
  historyTtlMs: number;
  /** All history of the node together (estimated heap bytes); past it the oldest events go. */
  historyMaxBytes: number;
  /** The `hb` sent in `hello`; a connection idle for 2.5x this is closed. */
  heartbeatMs: number;
  /** Bytes queued towards one connection before it is closed with 4008. */
  outboundLimit: number;
  /** PEM certificate (chain) file: the client and HTTP ports serve HTTPS/WSS; with tlsKey. */
  tlsCert?: string;
  /** Its unencrypted PEM private key file. */
  tlsKey?: string;
  /** Client connections of a process; past it an upgrade gets HTTP 503. */
  maxConnections: number;
  /** A publisher that has not authenticated (where required) by then is closed. */
  publisherAuthTimeoutMs: number;
  /** A publisher frame started and not finished within it closes the connection. */
  publisherFrameTimeoutMs: number;
  /** A publisher connection with no frame for this long is closed; 0: never. */
  publisherIdleTimeoutMs: number;
  /** `d` (PROTOCOL.md §7): how often a gateway heartbeats each of its online members. */
  presenceIntervalMs: number;
  /** `ε`: an entry lives d + ε; the offline trigger fires at d + 2ε. */
  presenceGraceMs: number;
  /** Where presence entries live: `memory` or a `redis://host:port[/db]` URL. */
  store: string;
  /** Presence topics need a `topics` claim like any other topic. */
  presencePrivate: boolean;
  /** Counts (PROTOCOL.md §8): reported and published at most once per this. */
  countIntervalMs: number;
  /** `GET /` serves the demo page; `--no-demo` turns it off, and it is false for other roles than standalone. */
  demo: boolean;
  nodeId: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The flag at fault (e.g. `--port`), or undefined for a stray argument. */
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.flag = flag;
  }
}

type Key = keyof TroupeConfig;
export type ConfigKey = Key;

interface Option<T> {
  /** Placeholder shown in USAGE, e.g. `N` or `h:p,h:p`. */
  arg: string;
  help: string;
  /** Raw default, parsed like a flag value; undefined = unset or computed. */
  def: string | undefined;
  /** Default as shown in USAGE when it is not `def`. */
  shown?: string;
  /** Boolean flags may stand alone (`--x`) and have a `--no-x` form. */
  boolean?: true;
  /** A comma-separated list; a config file may give it as a JSON array. */
  list?: true;
  /** Throws an Error whose message says what was expected. */
  parse(raw: string): T;
}

const q = (s: string): string => JSON.stringify(s);

function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
    throw new Error(`expected an integer ${range}, got ${q(raw)}`);
  }
  return n;
}

const parsePort = (raw: string): number => parseInteger(raw, 0, 65535);

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/** Plain bytes, or a number with a unit: `65536`, `64KiB`, `1MiB`, `1.5MiB`, `2MB`. */
export function parseSize(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`expected a size in bytes such as 65536, 64KiB or 1MiB, got ${q(raw)}`);
  }
  return n;
}

function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    const found = values.find((v) => v === raw);
    if (found === undefined) throw new Error(`expected one of ${values.join('|')}, got ${q(raw)}`);
    return found;
  };
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A DNS name; all-numeric names are rejected so `300.1.1.1` is not taken for one. */
const isHostName = (s: string): boolean => HOSTNAME.test(s) && !/^[\d.]+$/.test(s);

function parseHost(raw: string): string {
  if (isIP(raw) === 0 && !isHostName(raw)) {
    throw new Error(`expected an IP address or host name, got ${q(raw)}`);
  }
  return raw;
}

/** `host:port` or `[v6]:port`; a remote port must not be 0. */
export function parseHostPort(raw: string): HostPort {
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(raw);
  const plain = /^([^:]+):(\d{1,5})$/.exec(raw);
  const host = (v6 ?? plain)?.[1] ?? '';
  const port = Number((v6 ?? plain)?.[2]);
  const hostOk = v6 ? isIP(host) === 6 : isIP(host) === 4 || isHostName(host);
  if (!hostOk || !(port >= 1 && port <= 65535)) {
    throw new Error(`expected host:port with a port 1..65535, got ${q(raw)}`);
  }
  return { host, port };
}

function listOf<T>(parseItem: (item: string) => T): (raw: string) => T[] {
  return (raw) =>
    raw.trim() === ''
      ? []
      : raw.split(',').map((item, i) => {
          const trimmed = item.trim();
          if (trimmed === '') throw new Error(`empty item ${i + 1} in ${q(raw)}`);
          return parseItem(trimmed);
        });
}

const DC_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function parseDcName(raw: string): string {
  if (!DC_NAME.test(raw)) {
    throw new Error(`expected a datacenter name of letters, digits, _ . - (max 63), got ${q(raw)}`);
  }
  return raw;
}

function parsePeerDc(item: string): PeerDc {
  const eq = item.indexOf('=');
  if (eq < 0) throw new Error(`expected NAME=host:port, got ${q(item)}`);
  return { dc: parseDcName(item.slice(0, eq)), addr: parseHostPort(item.slice(eq + 1)) };
}

function parseSecret(raw: string): string {
  if (raw === '') throw new Error('must not be empty');
  return raw;
}

function parsePath(raw: string): string {
  if (raw === '' || raw.includes('\0')) throw new Error(`expected a file path, got ${q(raw)}`);
  return raw;
}

function parseAdmin(raw: string): string {
  if (raw.startsWith('tcp://')) {
    throw new Error('a TCP admin endpoint is not supported yet; give a Unix socket path');
  }
  if (raw === '' || raw.includes('\0')) throw new Error(`expected a socket path, got ${q(raw)}`);
  return raw;
}

/** `memory`, or `redis://[user:pass@]host:port[/db]` (`rediss://` for TLS). */
export function parseStore(raw: string): string {
  if (raw === 'memory') return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`expected memory or redis://host:port[/db], got ${q(raw)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`expected memory or redis://host:port[/db], got ${q(raw)}`);
  }
  if (url.hostname === '') throw new Error(`the Redis URL needs a host, got ${q(raw)}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new Error(`the Redis database is a number 0..99, got ${q(db)}`);
  }
  return raw;
}

function parseNodeId(raw: string): string {
  if (!/^[\x21-\x7e]{1,128}$/.test(raw)) {
    throw new Error(`expected 1..128 printable characters without spaces, got ${q(raw)}`);
  }
  return raw;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

function parseBoolean(raw: string): boolean {
  const v = raw.toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new Error(`expected true or false, got ${q(raw)}`);
}

/** `def` is a raw default that goes through `parse` like any flag; absent = unset or computed. */
function opt<T>(arg: string, parse: (raw: string) => T, help: string, def?: string): Option<T> {
  return { arg, parse, help, def };
}

const OPTIONS: { [K in Key]-?: Option<NonNullable<TroupeConfig[K]>> } = {
  role: opt('ROLE', oneOf(Object.values(Role)), 'standalone|gateway|dispatcher', 'standalone'),
  host: opt('ADDR', parseHost, 'bind address of every listener', '127.0.0.1'),
  port: opt('PORT', parsePort, 'client HTTP/WebSocket port (0: any free)', '7070'),
  publishPort: opt('PORT', parsePort, 'publisher TCP port', '7071'),
  linkPort: opt('PORT', parsePort, 'inter-node link port', '7072'),
  httpPort: { ...opt('PORT', parsePort, 'HTTP endpoints on their own port'), shown: 'client port' },
  metricsPort: {
    ...opt('PORT', parsePort, 'GET /metrics alone, on a port of its own'),
    shown: 'none: /metrics on the client or http port',
  },
  admin: opt('PATH', parseAdmin, 'admin Unix socket, mode 0600', './.troupe/admin.sock'),
  dispatchers: {
    ...opt('h:p,h:p', listOf(parseHostPort), 'dispatcher link addresses', ''),
    list: true,
  },
  peers: {
    ...opt('h:p,h:p', listOf(parseHostPort), 'other dispatchers of this datacenter', ''),
    list: true,
  },
  dc: opt('NAME', parseDcName, "this node's datacenter", 'local'),
  peerDcs: {
    ...opt('NAME=h:p,...', listOf(parsePeerDc), 'a dispatcher per other datacenter', ''),
    list: true,
  },
  clusterSecret: {
    ...opt('S', parseSecret, 'authenticates inter-node links'),
    shown: 'none (dispatcher and gateway need one, or --insecure-loopback-links)',
  },
  insecureLoopbackLinks: {
    ...opt(
      '[true|false]',
      parseBoolean,
      'dispatcher/gateway without a secret: loopback links only',
      'false',
    ),
    boolean: true,
  },
  workers: opt('N', (raw) => parseInteger(raw, 1, 1024), 'gateway worker processes', '1'),
  transport: opt('uws|ws', oneOf(Object.values(TransportKind)), 'client WebSocket library', 'uws'),
  logLevel: opt('LEVEL', oneOf(LOG_LEVELS), LOG_LEVELS.join('|'), 'info'),
  maxFrame: opt('SIZE', parseSize, 'largest client frame', '64KiB'),
  maxPublishFrame: opt('SIZE', parseSize, 'largest publisher or link frame', '1MiB'),
  authToken: {
    ...opt('TOKEN', parseSecret, 'token clients and publishers need'),
    shown: 'none: open',
  },
  publisherToken: {
    ...opt('TOKEN', parseSecret, 'token publishers need (any topic)'),
    shown: 'none',
  },
  allowedOrigins: {
    ...opt('O,O', listOf(parseOrigin), "browser origins allowed ('*': any)"),
    shown: '* without auth, none with auth',
    list: true,
  },
  metricsToken: {
    ...opt('TOKEN', parseSecret, 'bearer token GET /metrics needs'),
    shown: 'none: open',
  },
  jwtSecret: { ...opt('S', parseSecret, 'HMAC key of client JWTs (HS256/384/512)'), shown: 'none' },
  jwtPublicKey: {
    ...opt('FILE', parsePath, 'PEM public key(s) of client JWTs (RS/PS/ES/EdDSA)'),
    shown: 'none',
  },
  jwksFile: {
    ...opt('FILE', parsePath, 'JWKS of client JWTs (key by kid, re-read)'),
    shown: 'none',
  },
  jwtIssuer: { ...opt('I', parseSecret, "a JWT's iss must equal it"), shown: 'any' },
  jwtAudience: { ...opt('A', parseSecret, "a JWT's aud must hold it"), shown: 'any' },
  clientPublish: {
    ...opt(
      '[true|false]',
      parseBoolean,
      'clients pub without a pub claim where auth is on',
      'false',
    ),
    boolean: true,
  },
  httpPublish: {
    ...opt('[true|false]', parseBoolean, 'POST /v1/publish; --no-http-publish disables'),
    shown: 'true in standalone, else false',
    boolean: true,
  },
  historySize: opt('N', (raw) => parseInteger(raw, 0), 'events kept per topic for resume', '1000'),
  historyTtlMs: opt('MS', (raw) => parseInteger(raw, 0), 'how long kept events last', '300000'),
  historyMaxBytes: opt('SIZE', parseSize, "all of the node's history, oldest out first", '256MiB'),
  heartbeatMs: opt(
    'MS',
    (raw) => parseInteger(raw, 1),
    'client ping interval (hello hb)',
    String(Limits.heartbeatMs),
  ),
  outboundLimit: opt('SIZE', parseSize, 'queued bytes per connection before 4008', '1MiB'),
  tlsCert: {
    ...opt('FILE', parsePath, 'PEM certificate: client/HTTP ports serve HTTPS, WSS'),
    shown: 'none: plain HTTP, WS',
  },
  tlsKey: {
    ...opt('FILE', parsePath, 'PEM private key of --tls-cert (unencrypted)'),
    shown: 'none',
  },
  maxConnections: {
    ...opt('N', (raw) => parseInteger(raw, 1), 'client connections per process, then 503'),
    shown: 'open-file limit minus max(256, 10%)',
  },
  publisherAuthTimeoutMs: opt(
    'MS',
    (raw) => parseInteger(raw, 1),
    'publisher auth deadline (where auth is required)',
    '5000',
  ),
  publisherFrameTimeoutMs: opt(
    'MS',
    (raw) => parseInteger(raw, 1, 30000),
    'deadline of a started publisher frame',
    '10000',
  ),
  publisherIdleTimeoutMs: opt(
    'MS',
    (raw) => parseInteger(raw, 0),
    'publisher connection without a frame (0: never)',
    '300000',
  ),
  presenceIntervalMs: opt(
    'MS',
    (raw) => parseInteger(raw, 100, 3_600_000),
    'd: presence heartbeat per online member',
    '10000',
  ),
  presenceGraceMs: opt(
    'MS',
    (raw) => parseInteger(raw, 10, 600_000),
    'e: entry lives d+e, offline fires at d+2e',
    '3000',
  ),
  store: opt(
    'memory|URL',
    parseStore,
    'presence store: memory or redis://host:port[/db]',
    'memory',
  ),
  presencePrivate: {
    ...opt('[true|false]', parseBoolean, 'presence topics need a topics claim', 'false'),
    boolean: true,
  },
  countIntervalMs: opt(
    'MS',
    (raw) => parseInteger(raw, 10, 600_000),
    'viewer counts: at most one per topic per this',
    '1000',
  ),
  demo: {
    ...opt('[true|false]', parseBoolean, 'GET / serves the demo page (standalone)', 'true'),
    boolean: true,
  },
  nodeId: { ...opt('ID', parseNodeId, 'node name in hello and logs'), shown: 'hostname-pid' },
};

const KEYS = Object.keys(OPTIONS) as Key[];

/** Whether any JWT flag is set: then every client connection needs a valid token (§6). */
export const jwtConfigured = (
  c: Pick<TroupeConfig, 'jwtSecret' | 'jwtPublicKey' | 'jwksFile' | 'jwtIssuer' | 'jwtAudience'>,
): boolean =>
  c.jwtSecret !== undefined ||
  c.jwtPublicKey !== undefined ||
  c.jwksFile !== undefined ||
  c.jwtIssuer !== undefined ||
  c.jwtAudience !== undefined;
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const flagOf = (key: Key): string => `--${kebab(key)}`;
export const envOf = (key: Key): string => `TROUPE_${kebab(key).replace(/-/g, '_').toUpperCase()}`;
const KEY_BY_FLAG = new Map<string, Key>(KEYS.map((k) => [flagOf(k), k]));

/** Every setting, in USAGE order. */
export const CONFIG_KEYS: readonly Key[] = KEYS;
/** A setting's name in a config file: its flag without the dashes (`publish-port`). */
export const nameOf = (key: Key): string => kebab(key);
/** The setting a config-file name stands for, or undefined. */
export const keyOfName = (name: string): Key | undefined => KEY_BY_FLAG.get(`--${name}`);
/** Whether a setting takes a comma-separated list (a JSON array in a config file). */
export const isListKey = (key: Key): boolean => OPTIONS[key].list === true;

/** Settings read from a config file (server/config-file.ts) as raw strings, like flag values. */
export interface ConfigSource {
  /** The file, as named in error messages. */
  readonly name: string;
  readonly values: ReadonlyMap<Key, string>;
}

/** True when argv asks for USAGE (`--help` or `-h`); check it before parseConfig. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Reads flags into raw strings; last occurrence wins. */
function readFlags(argv: readonly string[]): Map<Key, string> {
  const raw = new Map<Key, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new ConfigError(`unexpected argument ${q(arg)}; flags look like --name value`);
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const negated = name.startsWith('--no-') ? KEY_BY_FLAG.get(`--${name.slice(5)}`) : undefined;
    if (negated !== undefined && OPTIONS[negated].boolean && inline === undefined) {
      raw.set(negated, 'false');
      continue;
    }
    const key = KEY_BY_FLAG.get(name);
    if (key === undefined)
      throw new ConfigError(`unknown flag ${name}; see troupe start --help`, name);
    if (inline !== undefined) {
      raw.set(key, inline);
      continue;
    }
    const next = argv[i + 1];
    if (OPTIONS[key].boolean) {
      const isBool = next !== undefined && [...TRUE, ...FALSE].includes(next.toLowerCase());
      raw.set(key, isBool ? next : 'true');
      if (isBool) i++;
      continue;
    }
    if (next === undefined || next.startsWith('--')) {
      throw new ConfigError(`${name} needs a value (${OPTIONS[key].arg})`, name);
    }
    raw.set(key, next);
    i++;
  }
  return raw;
}

/**
 * Builds the node's configuration. Flags: `--flag value`, `--flag=value`, `--no-<boolean>`.
 * A flag beats its env var, which beats `file`, which beats the default. An env var set to the
 * empty string counts as unset.
 */
export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  file?: ConfigSource,
): TroupeConfig {
  const fromFlags = readFlags(argv);
  const values: Partial<Record<Key, unknown>> = {};
  for (const key of KEYS) {
    const flagged = fromFlags.get(key);
    const envValue = env[envOf(key)] === '' ? undefined : env[envOf(key)];
    const filed = file?.values.get(key);
    const raw = flagged ?? envValue ?? filed ?? OPTIONS[key].def;
    if (raw === undefined) continue;
    try {
      values[key] = OPTIONS[key].parse(raw);
    } catch (err) {
      const from =
        flagged !== undefined
          ? ''
          : envValue !== undefined
            ? ` (from ${envOf(key)})`
            : filed !== undefined
              ? ` (from ${file!.name})`
              : '';
      throw new ConfigError(`${flagOf(key)}${from}: ${(err as Error).message}`, flagOf(key));
    }
  }
  values.httpPublish ??= values.role === Role.Standalone;
  // Other roles never serve it; a standalone node's --workers inherit it with this config.
  values.demo = values.demo === true && values.role === Role.Standalone;
  values.nodeId ??= `${hostname()}-${process.pid}`;
  values.maxConnections ??= defaultMaxConnections();
  const config = values as TroupeConfig;
  checkConsistency(config);
  return config;
}

/** Listener ports of this role, by flag. */
function listeners(c: TroupeConfig): [string, number | undefined][] {
  const metrics: [string, number | undefined] = ['--metrics-port', c.metricsPort];
  const ws: [string, number | undefined][] = [
    ['--port', c.port],
    ['--http-port', c.httpPort],
    metrics,
  ];
  if (c.role === Role.Gateway) return ws;
  const publish: [string, number][] = [['--publish-port', c.publishPort]];
  if (c.role === Role.Standalone) return [...ws, ...publish];
  return [...publish, ['--link-port', c.linkPort], ['--http-port', c.httpPort], metrics];
}

/**
 * Why `c` may not run its links as configured (`undefined` when it may): a dispatcher or gateway
 * without a secret would let any local process link in and claim any node id or role.
 * Standalone has no link port; a standalone `--workers` node makes its own secret at start.
 */
export function linkSecurityProblem(
  c: Pick<TroupeConfig, 'role' | 'clusterSecret' | 'insecureLoopbackLinks'>,
): string | undefined {
  if (c.role === Role.Standalone || c.clusterSecret !== undefined || c.insecureLoopbackLinks) {
    return undefined;
  }
  return (
    `--cluster-secret: a ${c.role} needs --cluster-secret (${envOf('clusterSecret')}) to ` +
    'authenticate its links; --insecure-loopback-links runs without one, loopback peers only'
  );
}

function checkConsistency(c: TroupeConfig): void {
  const seen = new Map<number, string>();
  for (const [flag, port] of listeners(c)) {
    if (port === undefined || port === 0) continue;
    const other = seen.get(port);
    if (other !== undefined)
      throw new ConfigError(`${flag}: port ${port} is already used by ${other}`, flag);
    seen.set(port, flag);
  }
  if (
    (c.jwtIssuer !== undefined || c.jwtAudience !== undefined) &&
    c.jwtSecret === undefined &&
    c.jwtPublicKey === undefined &&
    c.jwksFile === undefined
  ) {
    const flag = c.jwtIssuer !== undefined ? '--jwt-issuer' : '--jwt-audience';
    throw new ConfigError(
      `${flag}: needs a key to verify tokens with (--jwt-secret, --jwt-public-key or --jwks-file)`,
      flag,
    );
  }
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    const [missing, given]: Key[] =
      c.tlsCert === undefined ? ['tlsCert', 'tlsKey'] : ['tlsKey', 'tlsCert'];
    throw new ConfigError(
      `${flagOf(missing)}: ${flagOf(given)} needs ${flagOf(missing)} (${envOf(missing)}) too`,
      flagOf(missing),
    );
  }
  const problem = linkSecurityProblem(c);
  if (problem !== undefined) throw new ConfigError(problem, '--cluster-secret');
  if (c.role === Role.Gateway && c.dispatchers.length === 0) {
    throw new ConfigError(
      '--dispatchers: a gateway needs at least one dispatcher (h:p,h:p)',
      '--dispatchers',
    );
  }
  const dcs = new Set<string>([c.dc]);
  for (const { dc } of c.peerDcs) {
    if (dcs.has(dc)) {
      const why = dc === c.dc ? "is this node's own (--dc)" : 'is listed twice';
      throw new ConfigError(`--peer-dcs: datacenter ${q(dc)} ${why}`, '--peer-dcs');
    }
    dcs.add(dc);
  }
}

function usage(): string {
  const width = 30;
  const rows = KEYS.flatMap((key) => {
    const o = OPTIONS[key];
    const left = `--${kebab(key)} ${o.arg}`.padEnd(width - 3);
    const dflt = o.shown ?? (o.def || 'none');
    return [`  ${left} ${o.help}`, `${' '.repeat(width)}default ${dflt}; env ${envOf(key)}`];
  });
  const meta = (left: string, help: string, below?: string) => [
    `  ${left.padEnd(width - 3)} ${help}`,
    ...(below === undefined ? [] : [`${' '.repeat(width)}${below}`]),
  ];
  return [
    'Usage: troupe start [flags]',
    '',
    'Flags take --flag value or --flag=value. A flag overrides its env var, which overrides',
    'the config file, which overrides the default. Sizes are bytes or a number with a unit:',
    '65536, 64KiB, 1MiB.',
    '',
    ...rows,
    ...meta(
      '--config FILE',
      'settings from a JSON file: {"port": 7070, ...}',
      'keys are the flag names without --; env TROUPE_CONFIG',
    ),
    ...meta(
      '--print-config',
      'print the effective settings as JSON (secrets',
      'redacted) and exit',
    ),
    ...meta('--help', 'print this text'),
    '',
  ].join('\n');
}

export const USAGE: string = usage();
