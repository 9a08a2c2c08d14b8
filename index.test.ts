import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { ConfigError, startTroupe, StartupError, type RunningTroupe } from './index';

const quiet = { log: pino({ level: 'silent' }) };

describe(startTroupe, () => {
  let dir: string;
  let running: RunningTroupe | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'troupe-embed-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a node in this process from settings keyed as in a config file, and stops it', async () => {
    const admin = join(dir, 'admin.sock');
    running = await startTroupe({ port: 0, 'publish-port': 0, admin, transport: 'ws' }, quiet);
    expect(Object.keys(running.listening).sort()).toEqual(['admin', 'publish', 'ws']);
    expect(running.listening.admin).toBe(admin);
    expect(running.config.transport).toBe('ws');

    const ws = new WebSocket(`ws://${running.listening.ws}/v1/ws`, ['troupe.v1.json']);
    const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(m.toString()) as Record<string, unknown>));
      ws.once('error', reject);
    });
    expect(hello).toMatchObject({ op: 'hello', v: 1 });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await running.stop();
    expect(await closed).toBe(1001);
    await expect(fetch(`http://${running.listening.ws}/healthz`)).rejects.toThrow();
  });

  it('rejects bad settings with a ConfigError naming the setting', async () => {
    const err = await startTroupe({ port: 'seventy' }, quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^--port \(from startTroupe settings\): /);
    await expect(startTroupe({ prot: 1 }, quiet)).rejects.toThrow(/unknown key "prot"/);
  });

  it('rejects with a StartupError naming the setting when a port is taken', async () => {
    running = await startTroupe({ port: 0, 'publish-port': 0, admin: 'none' }, quiet);
    const taken = Number(running.listening.publish!.split(':').pop());
    const err = await startTroupe(
      { port: 0, 'publish-port': taken, admin: join(dir, 'b.sock') },
      quiet,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      `port ${taken} is in use (--publish-port); stop what holds it or choose another port`,
    );
  });
});
