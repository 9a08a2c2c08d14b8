/**
 * Micro-benchmark: JWT verifications per second in one process, uncached (every token checked
 * by signature, as in a storm of distinct tokens) against cached (the same tokens again, as in a
 * reconnect storm), so the cache's worth is a measured ratio, not a claim.
 *
 *   npm run build && node dist/load-tests/micro/jwt-verify.js [--tokens N] [--seconds S]
 *
 * Each phase verifies in batches of BATCH concurrent calls (connections arrive together) for
 * about S seconds after a short warm-up, and prints one line; a final JSON line holds them all.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { JwtVerifier, type JwtVerifierOptions } from '../../auth';

const BATCH = 100;
const SECRET = 'micro-benchmark-secret-of-32-bytes-or-more';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

async function tokens(n: number, key: KeyObject | Uint8Array, alg: string): Promise<string[]> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const claims = { sub: `member-${i}`, exp, topics: ['live:*', 'inbox:{sub}'], pub: ['chat:*'] };
    out.push(await new SignJWT(claims).setProtectedHeader({ alg }).sign(key));
  }
  return out;
}

/** Verifications per second over `list`, cycling through it for `seconds`. */
async function rate(verifier: JwtVerifier, list: string[], seconds: number): Promise<number> {
  let i = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < until) {
    const batch: Promise<unknown>[] = [];
    for (let b = 0; b < BATCH; b++) batch.push(verifier.verify(list[i++ % list.length]));
    await Promise.all(batch);
    done += BATCH;
  }
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function phase(
  name: string,
  verifier: JwtVerifier,
  list: string[],
  seconds: number,
): Promise<number> {
  await rate(verifier, list, Math.min(0.5, seconds / 4)); // JIT warm-up (and cache fill)
  const perSec = await rate(verifier, list, seconds);
  const s = verifier.stats;
  process.stdout.write(
    `${name.padEnd(16)} ${Math.round(perSec).toLocaleString('en-US').padStart(12)} verifications/s` +
      `  (signature checks ${s.signatureChecks}, cache hits ${s.cacheHits})\n`,
  );
  return Math.round(perSec);
}

async function main(): Promise<void> {
  const n = arg('tokens', 10_000);
  const seconds = arg('seconds', 3);
  const secret = new TextEncoder().encode(SECRET);
  const hs = await tokens(n, secret, 'HS256');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const es = await tokens(Math.min(n, 2000), ec.privateKey, 'ES256');
  const dir = mkdtempSync(join(tmpdir(), 'troupe-jwt-bench-'));
  const pem = join(dir, 'key.pem');
  writeFileSync(pem, ec.publicKey.export({ type: 'spki', format: 'pem' }));
  process.stdout.write(
    `node ${process.version}, ${n} distinct HS256 tokens, batches of ${BATCH}, ${seconds} s each\n`,
  );
  try {
    const phases: [string, JwtVerifierOptions, string[]][] = [
      ['HS256 uncached', { secret: SECRET, cacheEntries: 0 }, hs],
      ['HS256 cached', { secret: SECRET }, hs],
      ['ES256 uncached', { publicKeyFile: pem, cacheEntries: 0 }, es],
      ['ES256 cached', { publicKeyFile: pem }, es],
    ];
    const results: Record<string, number> = {};
    for (const [name, options, list] of phases) {
      results[name] = await phase(name, new JwtVerifier(options), list, seconds);
    }
    process.stdout.write(`${JSON.stringify({ tokens: n, batch: BATCH, seconds, results })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
