import { hostname } from 'node:os';
import {
  ConfigError,
  parseConfig,
  parseHostPort,
  parseSize,
  Role,
  USAGE,
  wantsHelp,
  type TroupeConfig,
} from './config';
import { defaultMaxConnections } from './open-file-limit';

const SECRET = ['--cluster-secret', 'cs'];
const GW = ['--role', 'gateway', '--dispatchers', '10.0.0.1:7072', ...SECRET];
const DISPATCHER = ['--role', 'dispatcher', ...SECRET];

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(argv)}`);
}

describe(parseConfig, () => {
  describe('defaults', () => {
    it('gives the PROTOCOL.md section 1 defaults when nothing is set', () => {
      expect(parseConfig([], {})).toEqual<TroupeConfig>({
        role: 'standalone',
        host: '127.0.0.1',
        port: 7070,
        publishPort: 7071,
        linkPort: 7072,
        admin: './.troupe/admin.sock',
        dispatchers: [],
        peers: [],
        dc: 'local',
        peerDcs: [],
        insecureLoopbackLinks: false,
        workers: 1,
        transport: 'uws',
        logLevel: 'info',
        maxFrame: 65536,
        maxPublishFrame: 1048576,
        clientPublish: false,
        historySize: 1000,
        historyTtlMs: 300000,
        historyMaxBytes: 268435456,
        heartbeatMs: 25000,
        outboundLimit: 1048576,
        maxConnections: defaultMaxConnections(),
        publisherAuthTimeoutMs: 5000,
        publisherFrameTimeoutMs: 10000,
        publisherIdleTimeoutMs: 300000,
        presenceIntervalMs: 10000,
        presenceGraceMs: 3000,
        store: 'memory',
        presencePrivate: false,
        countIntervalMs: 1000,
        demo: true,
        httpPublish: true,
        nodeId: `${hostname()}-${process.pid}`,
      });
    });

    it('leaves httpPort, clusterSecret and authToken unset', () => {
      const c = parseConfig([], {});
      expect(c.jwtSecret).toBeUndefined();
      expect(c.clientPublish).toBe(false);
      expect(c.httpPort).toBeUndefined();
      expect(c.metricsPort).toBeUndefined();
      expect(c.clusterSecret).toBeUndefined();
      expect(c.authToken).toBeUndefined();
    });

    it('disables HTTP publish by default outside standalone', () => {
      expect(parseConfig(GW, {}).httpPublish).toBe(false);
      expect(parseConfig(DISPATCHER, {}).httpPublish).toBe(false);
    });
  });

  describe('flags', () => {
    const cases: [string, string, Partial<TroupeConfig>][] = [
      ['--role', 'standalone', { role: Role.Standalone }],
      ['--insecure-loopback-links', 'true', { insecureLoopbackLinks: true }],
      ['--host', '0.0.0.0', { host: '0.0.0.0' }],
      ['--host', '::1', { host: '::1' }],
      ['--host', 'node-1.example.com', { host: 'node-1.example.com' }],
      ['--port', '8080', { port: 8080 }],
      ['--port', '0', { port: 0 }],
      ['--publish-port', '9001', { publishPort: 9001 }],
      ['--link-port', '9002', { linkPort: 9002 }],
      ['--http-port', '9003', { httpPort: 9003 }],
      ['--metrics-port', '9004', { metricsPort: 9004 }],
      ['--admin', '/tmp/x/admin.sock', { admin: '/tmp/x/admin.sock' }],
      [
        '--peers',
        'a:1,b:2',
        {
          peers: [
            { host: 'a', port: 1 },
            { host: 'b', port: 2 },
          ],
        },
      ],
      ['--dc', 'eu-west.1', { dc: 'eu-west.1' }],
      ['--cluster-secret', 's3cret', { clusterSecret: 's3cret' }],
      ['--workers', '8', { workers: 8 }],
      ['--transport', 'ws', { transport: 'ws' }],
      ['--log-level', 'silent', { logLevel: 'silent' }],
      ['--max-frame', '128KiB', { maxFrame: 131072 }],
      ['--max-publish-frame', '2MiB', { maxPublishFrame: 2097152 }],
      ['--auth-token', 'tok', { authToken: 'tok' }],
      ['--publisher-token', 'ptok', { publisherToken: 'ptok' }],
      [
        '--allowed-origins',
        'https://A.example,http://localhost:3000',
        { allowedOrigins: ['https://a.example', 'http://localhost:3000'] },
      ],
      ['--allowed-origins', '*', { allowedOrigins: ['*'] }],
      ['--jwt-secret', 'k'.repeat(32), { jwtSecret: 'k'.repeat(32) }],
      ['--jwt-public-key', '/etc/troupe/jwt.pem', { jwtPublicKey: '/etc/troupe/jwt.pem' }],
      ['--jwks-file', '/etc/troupe/jwks.json', { jwksFile: '/etc/troupe/jwks.json' }],
      ['--client-publish', 'true', { clientPublish: true }],
      ['--http-publish', 'false', { httpPublish: false }],
      ['--history-size', '0', { historySize: 0 }],
      ['--history-ttl-ms', '1500', { historyTtlMs: 1500 }],
      ['--history-max-bytes', '16MiB', { historyMaxBytes: 16777216 }],
      ['--heartbeat-ms', '100', { heartbeatMs: 100 }],
      ['--outbound-limit', '4096', { outboundLimit: 4096 }],
      ['--max-connections', '5', { maxConnections: 5 }],
      ['--publisher-auth-timeout-ms', '100', { publisherAuthTimeoutMs: 100 }],
      ['--publisher-frame-timeout-ms', '30000', { publisherFrameTimeoutMs: 30000 }],
      ['--publisher-idle-timeout-ms', '0', { publisherIdleTimeoutMs: 0 }],
      ['--node-id', 'gw-1', { nodeId: 'gw-1' }],
    ];

    it.each(cases)('reads %s %s', (flag, value, expected) => {
      expect(parseConfig([flag, value], {})).toMatchObject(expected);
      expect(parseConfig([`${flag}=${value}`], {})).toMatchObject(expected);
    });

    it('reads --dispatchers as a host:port list, IPv6 in brackets', () => {
      const c = parseConfig(
        ['--role', 'gateway', '--dispatchers', '10.0.0.1:7072, [::1]:7073', ...SECRET],
        {},
      );
      expect(c.dispatchers).toEqual([
        { host: '10.0.0.1', port: 7072 },
        { host: '::1', port: 7073 },
      ]);
    });

    it('reads --peer-dcs as NAME=host:port pairs', () => {
      const c = parseConfig(['--peer-dcs', 'us=10.1.0.1:7072,ap=ap.example:7072'], {});
      expect(c.peerDcs).toEqual([
        { dc: 'us', addr: { host: '10.1.0.1', port: 7072 } },
        { dc: 'ap', addr: { host: 'ap.example', port: 7072 } },
      ]);
    });

    it('treats a bare boolean flag as true and --no-<flag> as false', () => {
      expect(parseConfig([...GW, '--http-publish'], {}).httpPublish).toBe(true);
      expect(parseConfig(['--http-publish', '--port', '1'], {})).toMatchObject({
        httpPublish: true,
        port: 1,
      });
      expect(parseConfig(['--no-http-publish'], {}).httpPublish).toBe(false);
      expect(parseConfig(['--http-publish=no'], {}).httpPublish).toBe(false);
    });

    it('lets the last occurrence of a flag win', () => {
      expect(parseConfig(['--port', '1', '--port=2'], {}).port).toBe(2);
    });

    it('keeps "=" inside a value given with --flag=value', () => {
      expect(parseConfig(['--auth-token=a=b'], {}).authToken).toBe('a=b');
    });
  });

  describe('env', () => {
    it('reads every setting from its TROUPE_ variable', () => {
      const c = parseConfig([], {
        TROUPE_ROLE: 'gateway',
        TROUPE_HOST: '0.0.0.0',
        TROUPE_PORT: '1',
        TROUPE_PUBLISH_PORT: '2',
        TROUPE_LINK_PORT: '3',
        TROUPE_HTTP_PORT: '4',
        TROUPE_METRICS_PORT: '8',
        TROUPE_ADMIN: '/run/t.sock',
        TROUPE_DISPATCHERS: 'd:5',
        TROUPE_PEERS: 'p:6',
        TROUPE_DC: 'eu',
        TROUPE_PEER_DCS: 'us=u:7',
        TROUPE_CLUSTER_SECRET: 'cs',
        TROUPE_JWT_SECRET: 'j'.repeat(32),
        TROUPE_JWT_ISSUER: 'iss',
        TROUPE_JWT_AUDIENCE: 'aud',
        TROUPE_CLIENT_PUBLISH: '1',
        TROUPE_INSECURE_LOOPBACK_LINKS: 'true',
        TROUPE_WORKERS: '3',
        TROUPE_TRANSPORT: 'ws',
        TROUPE_LOG_LEVEL: 'debug',
        TROUPE_MAX_FRAME: '1KiB',
        TROUPE_MAX_PUBLISH_FRAME: '2KiB',
        TROUPE_AUTH_TOKEN: 'at',
        TROUPE_JWT_PUBLIC_KEY: '/k.pem',
        TROUPE_JWKS_FILE: '/jwks.json',
        TROUPE_HTTP_PUBLISH: 'true',
        TROUPE_HISTORY_SIZE: '10',
        TROUPE_HISTORY_TTL_MS: '20',
        TROUPE_HISTORY_MAX_BYTES: '3MiB',
        TROUPE_HEARTBEAT_MS: '30',
        TROUPE_OUTBOUND_LIMIT: '1MB',
        TROUPE_MAX_CONNECTIONS: '40',
        TROUPE_PUBLISHER_AUTH_TIMEOUT_MS: '50',
        TROUPE_PUBLISHER_FRAME_TIMEOUT_MS: '60',
        TROUPE_PUBLISHER_IDLE_TIMEOUT_MS: '70',
        TROUPE_PRESENCE_INTERVAL_MS: '2000',
        TROUPE_PRESENCE_GRACE_MS: '500',
        TROUPE_STORE: 'redis://r:6379/1',
        TROUPE_PRESENCE_PRIVATE: 'true',
        TROUPE_COUNT_INTERVAL_MS: '250',
        TROUPE_DEMO: 'false',
        TROUPE_NODE_ID: 'n1',
      });
      expect(c).toEqual<TroupeConfig>({
        role: 'gateway',
        host: '0.0.0.0',
        port: 1,
        publishPort: 2,
        linkPort: 3,
        httpPort: 4,
        metricsPort: 8,
        admin: '/run/t.sock',
        dispatchers: [{ host: 'd', port: 5 }],
        peers: [{ host: 'p', port: 6 }],
        dc: 'eu',
        peerDcs: [{ dc: 'us', addr: { host: 'u', port: 7 } }],
        clusterSecret: 'cs',
        insecureLoopbackLinks: true,
        workers: 3,
        transport: 'ws',
        logLevel: 'debug',
        maxFrame: 1024,
        maxPublishFrame: 2048,
        authToken: 'at',
        jwtSecret: 'j'.repeat(32),
        jwtPublicKey: '/k.pem',
        jwksFile: '/jwks.json',
        jwtIssuer: 'iss',
        jwtAudience: 'aud',
        clientPublish: true,
        httpPublish: true,
        historySize: 10,
        historyTtlMs: 20,
        historyMaxBytes: 3145728,
        heartbeatMs: 30,
        outboundLimit: 1000000,
        maxConnections: 40,
        publisherAuthTimeoutMs: 50,
        publisherFrameTimeoutMs: 60,
        publisherIdleTimeoutMs: 70,
        presenceIntervalMs: 2000,
        presenceGraceMs: 500,
        store: 'redis://r:6379/1',
        presencePrivate: true,
        countIntervalMs: 250,
        demo: false,
        nodeId: 'n1',
      });
    });

    it('treats an empty variable as unset', () => {
      const c = parseConfig([], { TROUPE_PORT: '', TROUPE_AUTH_TOKEN: '' });
      expect(c.port).toBe(7070);
      expect(c).not.toHaveProperty('authToken');
    });

    it('lets a flag override the env, and the env override the default', () => {
      const env = { TROUPE_PORT: '9000', TROUPE_PUBLISH_PORT: '9001' };
      expect(parseConfig(['--port', '8000'], env)).toMatchObject({
        port: 8000,
        publishPort: 9001,
        linkPort: 7072,
      });
    });

    it('does not read a bad env value when a flag overrides it', () => {
      expect(parseConfig(['--port', '1'], { TROUPE_PORT: 'nope' }).port).toBe(1);
    });

    it('lets the env role drive the HTTP publish default', () => {
      const c = parseConfig([], { TROUPE_ROLE: 'dispatcher', TROUPE_CLUSTER_SECRET: 'cs' });
      expect(c.httpPublish).toBe(false);
    });
  });

  describe('errors', () => {
    const bad: [string[], string, RegExp][] = [
      [['--nope', '1'], '--nope', /unknown flag --nope/],
      [['--no-port'], '--no-port', /unknown flag --no-port/],
      [['--port'], '--port', /--port needs a value/],
      [['--port', '--host', 'x'], '--port', /--port needs a value/],
      [['--port', 'abc'], '--port', /--port: expected an integer 0\.\.65535, got "abc"/],
      [['--port', '65536'], '--port', /0\.\.65535/],
      [['--port', '-1'], '--port', /0\.\.65535/],
      [['--port', '1.5'], '--port', /0\.\.65535/],
      [['--publish-port', '70000'], '--publish-port', /0\.\.65535/],
      [['--link-port', ''], '--link-port', /got ""/],
      [['--http-port', 'x'], '--http-port', /0\.\.65535/],
      [['--role', 'king'], '--role', /one of standalone\|gateway\|dispatcher, got "king"/],
      [['--host', 'bad host'], '--host', /IP address or host name/],
      [['--host', '300.1.1.1'], '--host', /IP address or host name/],
      [['--jwt-audience', 'a'], '--jwt-audience', /needs a key to verify tokens with/],
      [['--jwt-issuer', 'i'], '--jwt-issuer', /--jwt-secret, --jwt-public-key or --jwks-file/],
      [['--jwt-secret', ''], '--jwt-secret', /must not be empty/],
      [['--dispatchers', 'a:1,b', ...GW.slice(0, 2)], '--dispatchers', /host:port.*"b"/],
      [['--peers', 'a:0'], '--peers', /port 1\.\.65535, got "a:0"/],
      [['--peers', 'a:1,,b:2'], '--peers', /empty item 2/],
      [['--peers', '[nope]:1'], '--peers', /host:port/],
      [['--peer-dcs', 'us'], '--peer-dcs', /NAME=host:port, got "us"/],
      [['--peer-dcs', '=a:1'], '--peer-dcs', /datacenter name/],
      [['--peer-dcs', 'us=a:1,us=b:1'], '--peer-dcs', /"us" is listed twice/],
      [['--peer-dcs', 'local=a:1'], '--peer-dcs', /own \(--dc\)/],
      [['--dc', 'a b'], '--dc', /datacenter name/],
      [['--workers', '0'], '--workers', /1\.\.1024/],
      [['--transport', 'tcp'], '--transport', /one of uws\|ws/],
      [['--log-level', 'loud'], '--log-level', /one of trace\|/],
      [['--max-frame', '64XB'], '--max-frame', /size in bytes/],
      [['--max-frame', '0'], '--max-frame', /size in bytes/],
      [['--max-publish-frame', '1.3B'], '--max-publish-frame', /size in bytes/],
      [['--outbound-limit', 'lots'], '--outbound-limit', /size in bytes/],
      [['--max-connections', '0'], '--max-connections', />= 1/],
      [['--publisher-auth-timeout-ms', '0'], '--publisher-auth-timeout-ms', />= 1/],
      [['--publisher-frame-timeout-ms', '30001'], '--publisher-frame-timeout-ms', /1\.\.30000/],
      [['--publisher-idle-timeout-ms', '-1'], '--publisher-idle-timeout-ms', />= 0/],
      [['--cluster-secret='], '--cluster-secret', /must not be empty/],
      [['--auth-token='], '--auth-token', /must not be empty/],
      [['--allowed-origins', 'example.com'], '--allowed-origins', /scheme:\/\/host/],
      [['--http-publish=maybe'], '--http-publish', /true or false/],
      [['--history-size', '-5'], '--history-size', />= 0/],
      [['--history-ttl-ms', 'x'], '--history-ttl-ms', />= 0/],
      [['--heartbeat-ms', '0'], '--heartbeat-ms', />= 1/],
      [['--node-id', 'has space'], '--node-id', /printable/],
      [['--admin', 'tcp://127.0.0.1:9'], '--admin', /Unix socket path/],
      [['--admin='], '--admin', /socket path/],
      [
        ['--role', 'gateway', ...SECRET],
        '--dispatchers',
        /a gateway needs at least one dispatcher/,
      ],
      [['--port', '7071'], '--publish-port', /port 7071 is already used by --port/],
      [['--http-port', '7070'], '--http-port', /already used by --port/],
      [['--metrics-port', '7071'], '--publish-port', /already used by --metrics-port/],
      [[...DISPATCHER, '--metrics-port', '7072'], '--metrics-port', /already used by --link-port/],
      [[...DISPATCHER, '--link-port', '7071'], '--link-port', /--publish-port/],
      [['--role', 'dispatcher'], '--cluster-secret', /--insecure-loopback-links/],
      [['--role', 'gateway', '--dispatchers', 'd:1'], '--cluster-secret', /a gateway needs/],
      [[...GW.slice(0, 4), '--workers', '4'], '--cluster-secret', /TROUPE_CLUSTER_SECRET/],
    ];

    it.each(bad)('rejects %j naming %s', (argv, flag, message) => {
      const err = errorOf(argv);
      expect(err.flag).toBe(flag);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(flag);
    });

    it('runs a dispatcher or gateway without a secret only with --insecure-loopback-links', () => {
      const insecure = ['--insecure-loopback-links'];
      expect(parseConfig(['--role', 'dispatcher', ...insecure], {})).toMatchObject({
        role: 'dispatcher',
        insecureLoopbackLinks: true,
      });
      expect(parseConfig([...GW.slice(0, 4)], { TROUPE_INSECURE_LOOPBACK_LINKS: '1' }).role).toBe(
        'gateway',
      );
      expect(errorOf(['--role', 'dispatcher']).message).toBe(
        '--cluster-secret: a dispatcher needs --cluster-secret (TROUPE_CLUSTER_SECRET) to ' +
          'authenticate its links; --insecure-loopback-links runs without one, loopback peers only',
      );
    });

    it('needs neither for standalone, with or without workers', () => {
      expect(parseConfig(['--workers', '4'], {}).clusterSecret).toBeUndefined();
    });

    it('rejects a stray argument', () => {
      const err = errorOf(['start']);
      expect(err.message).toMatch(/unexpected argument "start"/);
      expect(err.flag).toBeUndefined();
      expect(errorOf(['-p', '1']).message).toMatch(/unexpected argument "-p"/);
    });

    it('names the env var when the bad value came from it', () => {
      const err = errorOf([], { TROUPE_WORKERS: 'many' });
      expect(err.flag).toBe('--workers');
      expect(err.message).toBe(
        '--workers (from TROUPE_WORKERS): expected an integer 1..1024, got "many"',
      );
    });

    it('does not let ports shared by other roles collide', () => {
      expect(parseConfig([...GW, '--publish-port', '7070'], {}).publishPort).toBe(7070);
      expect(parseConfig(['--port', '0', '--publish-port', '0'], {}).port).toBe(0);
    });

    it('is an Error named ConfigError', () => {
      const err = errorOf(['--x']);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe('ConfigError');
    });
  });
});

describe(parseSize, () => {
  it.each([
    ['65536', 65536],
    ['1B', 1],
    ['64KiB', 65536],
    ['64kib', 65536],
    ['1MiB', 1048576],
    ['1.5MiB', 1572864],
    ['1GiB', 1073741824],
    ['2KB', 2000],
    ['3MB', 3000000],
  ])('reads %s as %d bytes', (raw, bytes) => {
    expect(parseSize(raw)).toBe(bytes);
  });

  it.each(['', 'KiB', '-1', '1TiB', '0.5', '1e3'])('rejects %j', (raw) => {
    expect(() => parseSize(raw)).toThrow(/size in bytes/);
  });
});

describe(parseHostPort, () => {
  it('reads host names, IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('h:1')).toEqual({ host: 'h', port: 1 });
    expect(parseHostPort('1.2.3.4:65535')).toEqual({ host: '1.2.3.4', port: 65535 });
    expect(parseHostPort('[fe80::1]:80')).toEqual({ host: 'fe80::1', port: 80 });
  });

  it.each(['h', 'h:', ':1', 'h:65536', '::1:80', '[h]:1', 'h:1:2'])('rejects %j', (raw) => {
    expect(() => parseHostPort(raw)).toThrow(/host:port/);
  });
});

describe('USAGE', () => {
  it('lists every flag with its default and env var', () => {
    for (const [flag, env] of [
      ['--port PORT', 'TROUPE_PORT'],
      ['--max-publish-frame SIZE', 'TROUPE_MAX_PUBLISH_FRAME'],
      ['--peer-dcs NAME=h:p,...', 'TROUPE_PEER_DCS'],
      ['--node-id ID', 'TROUPE_NODE_ID'],
    ] as const) {
      const at = USAGE.indexOf(flag);
      expect(at).toBeGreaterThan(-1);
      expect(USAGE.slice(at).split('\n')[1]).toContain(`env ${env}`);
    }
    expect(USAGE).toContain('default 64KiB; env TROUPE_MAX_FRAME');
    // One per setting, and TROUPE_CONFIG for --config.
    expect(USAGE.match(/env TROUPE_/g)).toHaveLength(49);
    expect(USAGE).toMatch(/^ {2}--config FILE .*\n.*env TROUPE_CONFIG$/m);
    expect(USAGE).toMatch(/^ {2}--print-config +print the effective settings/m);
  });
});

describe(wantsHelp, () => {
  it('is true for --help or -h only', () => {
    expect(wantsHelp(['--port', '1', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--port', '1'])).toBe(false);
  });
});

describe('presence and count flags', () => {
  it('defaults to d = 10 s, e = 3 s, the memory store and 1 s counts', () => {
    const c = parseConfig([], {});
    expect([c.presenceIntervalMs, c.presenceGraceMs, c.store, c.countIntervalMs]).toEqual([
      10000,
      3000,
      'memory',
      1000,
    ]);
    expect(c.presencePrivate).toBe(false);
    expect(c.demo).toBe(true);
  });

  it('accepts a redis URL with a database number', () => {
    expect(parseConfig(['--store', 'redis://127.0.0.1:6390/2'], {}).store).toBe(
      'redis://127.0.0.1:6390/2',
    );
  });

  it.each(['mysql://x', 'redis://', 'redis://h:1/abc', 'nonsense'])(
    'refuses --store %s naming the flag',
    (raw) => {
      expect(() => parseConfig(['--store', raw], {})).toThrow(/--store: /);
    },
  );

  it('refuses a presence interval below 100 ms', () => {
    expect(() => parseConfig(['--presence-interval-ms', '5'], {})).toThrow(
      /--presence-interval-ms: expected an integer 100\.\.3600000/,
    );
  });

  it('turns the demo off with --no-demo', () => {
    expect(parseConfig(['--no-demo'], {}).demo).toBe(false);
  });

  it('serves the demo on standalone nodes only', () => {
    const gateway = ['--role', 'gateway', '--dispatchers', '127.0.0.1:1', '--cluster-secret', 's'];
    expect(parseConfig(gateway, {}).demo).toBe(false);
    expect(parseConfig(['--role', 'dispatcher', '--cluster-secret', 's'], {}).demo).toBe(false);
    expect(parseConfig(['--role', 'standalone', '--demo'], {}).demo).toBe(true);
  });
});

describe('TLS flags', () => {
  it('is off when neither --tls-cert nor --tls-key is given', () => {
    const c = parseConfig([], {});
    expect([c.tlsCert, c.tlsKey]).toEqual([undefined, undefined]);
  });

  it('takes both from flags or from TROUPE_TLS_CERT and TROUPE_TLS_KEY', () => {
    const flags = parseConfig(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {});
    expect([flags.tlsCert, flags.tlsKey]).toEqual(['c.pem', 'k.pem']);
    const env = parseConfig([], { TROUPE_TLS_CERT: '/a/c.pem', TROUPE_TLS_KEY: '/a/k.pem' });
    expect([env.tlsCert, env.tlsKey]).toEqual(['/a/c.pem', '/a/k.pem']);
  });

  it.each([
    [
      ['--tls-cert', 'c.pem'],
      {},
      '--tls-key',
      /--tls-key: --tls-cert needs --tls-key \(TROUPE_TLS_KEY\)/,
    ],
    [
      ['--tls-key', 'k.pem'],
      {},
      '--tls-cert',
      /--tls-cert: --tls-key needs --tls-cert \(TROUPE_TLS_CERT\)/,
    ],
    [[], { TROUPE_TLS_KEY: 'k.pem' }, '--tls-cert', /--tls-key needs --tls-cert/],
  ] as const)('names the missing flag when only one is set (%j %j)', (argv, env, flag, message) => {
    const err = errorOf([...argv], env);
    expect(err.flag).toBe(flag);
    expect(err.message).toMatch(message);
  });

  it('refuses an empty file name', () => {
    expect(errorOf(['--tls-cert=', '--tls-key', 'k.pem']).message).toMatch(
      /--tls-cert: expected a file path/,
    );
  });
});
