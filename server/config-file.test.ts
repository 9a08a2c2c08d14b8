import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from './config';
import {
  loadConfig,
  printableConfig,
  readConfigFile,
  REDACTED,
  SECRET_KEYS,
  splitStartArgs,
} from './config-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown, name = 'troupe.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe(splitStartArgs, () => {
  it('takes --config and --print-config out, leaving the node flags', () => {
    expect(splitStartArgs(['--port', '1', '--config', 'a.json', '--print-config'], {})).toEqual({
      argv: ['--port', '1'],
      configFile: 'a.json',
      printConfig: true,
    });
    expect(splitStartArgs(['--config=b.json'], {}).configFile).toBe('b.json');
  });

  it('reads TROUPE_CONFIG when --config is absent, and the flag beats it', () => {
    expect(splitStartArgs([], { TROUPE_CONFIG: 'env.json' }).configFile).toBe('env.json');
    expect(splitStartArgs([], { TROUPE_CONFIG: '' }).configFile).toBeUndefined();
    expect(splitStartArgs(['--config', 'f.json'], { TROUPE_CONFIG: 'e.json' }).configFile).toBe(
      'f.json',
    );
  });

  it.each([[['--config']], [['--config', '--port']], [['--config=']]])(
    'rejects %j naming --config',
    (argv) => {
      expect(errorOf(() => splitStartArgs(argv, {})).flag).toBe('--config');
    },
  );
});

describe(readConfigFile, () => {
  it('reads flag names without dashes, numbers, booleans and strings like flag values', () => {
    const path = file({
      port: 7170,
      'publish-port': '7171',
      'http-publish': false,
      'max-frame': '32KiB',
      'log-level': 'warn',
    });
    const cfg = parseConfig([], {}, readConfigFile(path));
    expect(cfg).toMatchObject({
      port: 7170,
      publishPort: 7171,
      httpPublish: false,
      maxFrame: 32 * 1024,
      logLevel: 'warn',
    });
  });

  it('takes a list setting as a JSON array or a comma-separated string', () => {
    const cfg = parseConfig(
      [],
      {},
      readConfigFile(
        file({
          role: 'gateway',
          'cluster-secret': 's',
          dispatchers: ['127.0.0.1:7172', '[::1]:7272'],
          'allowed-origins': 'https://a.example,https://b.example',
        }),
      ),
    );
    expect(cfg.dispatchers).toEqual([
      { host: '127.0.0.1', port: 7172 },
      { host: '::1', port: 7272 },
    ]);
    expect(cfg.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('leaves a null setting to its default', () => {
    expect(parseConfig([], {}, readConfigFile(file({ port: null }))).port).toBe(7070);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(parseConfig([], {}, readConfigFile(file('\uFEFF{"port": 1}'))).port).toBe(1);
  });

  it('names the key and the file for an unknown key, with the flag name it may mean', () => {
    const path = file({ port: 1, publishPort: 2 });
    const err = errorOf(() => readConfigFile(path));
    expect(err.flag).toBe('--config');
    expect(err.message).toBe(
      `${path}: unknown key "publishPort" (did you mean "publish-port"?); keys are the flag ` +
        'names without --, see troupe start --help',
    );
    expect(errorOf(() => readConfigFile(file({ '--port': 1 }))).message).toMatch(
      /unknown key "--port"; keys/,
    );
  });

  it('names the file, line and column of invalid JSON', () => {
    const path = file('{\n  "port": 7070,\n  "publish-port": ,\n}');
    expect(errorOf(() => readConfigFile(path)).message).toBe(
      `${path}: not valid JSON at line 3, column 19 (unexpected ",")`,
    );
    expect(errorOf(() => readConfigFile(file('{"port": 7070'))).message).toMatch(
      /not valid JSON at line 1, column 14 \(the text ends too soon\)/,
    );
  });

  it.each([
    ['[1, 2]', /must hold one JSON object/],
    ['"port"', /must hold one JSON object/],
    ['{"port": {"n": 1}}', /"port" must be a string, number, boolean, list or null/],
    ['{"port": [1, 2]}', /"port" takes one value, not a list/],
    ['{"peers": ["a:1", {"b": 2}]}', /"peers" item 2 must be a string/],
    ['{"peers": ["a:1,b:2"]}', /"peers" item 1 holds a comma/],
  ])('refuses %s naming the file', (content, message) => {
    const path = file(content);
    const err = errorOf(() => readConfigFile(path));
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(path)).toBe(true);
  });

  it('names the setting and the file for a value its flag would refuse', () => {
    const path = file({ port: 70000 });
    const err = errorOf(() => parseConfig([], {}, readConfigFile(path)));
    expect(err.flag).toBe('--port');
    expect(err.message).toBe(`--port (from ${path}): expected an integer 0..65535, got "70000"`);
  });

  it('refuses a file over the bound before parsing it', () => {
    const path = file(`{"port": 1, "node-id": "${'x'.repeat(2000)}"}`);
    expect(errorOf(() => readConfigFile(path, 1024)).message).toBe(
      `${path}: too large (over 1024 bytes); a config file holds settings only`,
    );
    const huge = file(' '.repeat(1024 * 1024) + '{}', 'huge.json');
    expect(errorOf(() => readConfigFile(huge)).message).toMatch(/too large \(over 1048576 bytes\)/);
    expect(readConfigFile(path, 4096).values.get('port')).toBe('1');
  });

  it('refuses a missing file and a directory', () => {
    expect(errorOf(() => readConfigFile(join(dir, 'none.json'))).message).toMatch(
      /none\.json: no such file/,
    );
    mkdirSync(join(dir, 'sub'));
    expect(errorOf(() => readConfigFile(join(dir, 'sub'))).message).toMatch(/not a regular file/);
  });
});

describe(loadConfig, () => {
  it('takes a flag over its env var over the file over the default', () => {
    const path = file({ port: 1, 'publish-port': 2, 'link-port': 3 });
    const { cfg, printConfig } = loadConfig(['--config', path, '--port', '10'], {
      TROUPE_PORT: '20',
      TROUPE_PUBLISH_PORT: '30',
    });
    expect(cfg).toMatchObject({ port: 10, publishPort: 30, linkPort: 3, dc: 'local' });
    expect(printConfig).toBe(false);
  });
});

describe(printableConfig, () => {
  const secrets = {
    'cluster-secret': 'cs',
    'auth-token': 'at',
    'publisher-token': 'pt',
    'metrics-token': 'mt',
    'jwt-secret': 'j'.repeat(32),
  };

  it('redacts every secret and shows the rest as a config file holds it', () => {
    const path = file({
      ...secrets,
      role: 'dispatcher',
      peers: ['10.0.0.2:7072'],
      'peer-dcs': ['west=[::1]:7072'],
    });
    const shown = printableConfig(loadConfig(['--config', path], {}).cfg);
    expect(SECRET_KEYS).toHaveLength(Object.keys(secrets).length);
    for (const name of Object.keys(secrets)) expect(shown[name]).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toMatch(/"(cs|at|pt|mt|jjj+)"/);
    expect(shown).toMatchObject({
      role: 'dispatcher',
      port: 7070,
      peers: ['10.0.0.2:7072'],
      'peer-dcs': ['west=[::1]:7072'],
      'http-port': null,
      'max-frame': 65536,
    });
  });

  it('prints what, read back as a file, gives the same configuration', () => {
    const { cfg } = loadConfig(
      ['--role', 'gateway', '--cluster-secret', 's', '--dispatchers', 'd:1'],
      {},
    );
    const shown = { ...printableConfig(cfg), 'cluster-secret': 's' };
    expect(loadConfig(['--config', file(shown)], {}).cfg).toEqual(cfg);
  });
});
