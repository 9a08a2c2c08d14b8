/**
 * Test helpers for auth: key pairs made in the test, tokens signed with jose, key files in a
 * temporary directory. Not used by the server.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { AuthThrottle, JwtVerifier } from '../auth';

export interface TestKeyPair {
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function rsaPair(): TestKeyPair {
  return { alg: 'RS256', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) };
}

export function ecPair(): TestKeyPair {
  return { alg: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
}

export function edPair(): TestKeyPair {
  return { alg: 'EdDSA', ...generateKeyPairSync('ed25519') };
}

export function pemOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

export function jwkOf(key: KeyObject, extra: Record<string, unknown> = {}): object {
  return { ...key.export({ format: 'jwk' }), ...extra };
}

/** Seconds since the epoch of a ms clock, as JWT claims count time. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

export async function sign(
  claims: JWTPayload,
  key: KeyObject | Uint8Array,
  alg: string,
  header: { kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(key);
}

/**
 * Client JWT auth on an HMAC `secret`, shaped as the gateway's (a ClientAuth), and a signer of
 * tokens for member `ann` valid for a minute, with `claims` on top.
 */
export function hmacClientAuth(secret = 's'.repeat(32), timeoutMs = 5000) {
  const auth = { verifier: new JwtVerifier({ secret }), throttle: new AuthThrottle(), timeoutMs };
  const token = (claims: object) =>
    sign({ sub: 'ann', exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(secret), 'HS256');
  return { auth, token };
}

/** A token with `alg: none` and no signature, as an attacker would write it. */
export function unsigned(claims: JWTPayload): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'troupe-auth-'));

  write(name: string, content: string): string {
    const file = join(this.path, name);
    writeFileSync(file, content);
    return file;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
