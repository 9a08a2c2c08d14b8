/**
 * `--jwt-public-key FILE`: one or more PEM blocks (`PUBLIC KEY`, `RSA PUBLIC KEY` or
 * `CERTIFICATE`), read once at start. A private key is refused rather than reduced to its public
 * half: it does not belong on the server, and shipping one there is a mistake worth stopping.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AuthConfigError } from './errors';
import { toVerifyKey, type VerifyKey } from './verify-keys';

/** A token without a matching kid is tried against each key, so their number is bounded. */
export const MAX_PEM_KEYS = 16;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const PUBLIC_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE']);

export function loadPemKeys(file: string): VerifyKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuthConfigError(`cannot read the public key file ${file}: ${(err as Error).message}`);
  }
  return parsePemKeys(text, file);
}

export function parsePemKeys(text: string, file: string): VerifyKey[] {
  const keys: VerifyKey[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const where = `${file} block ${keys.length + 1}`;
    if (!PUBLIC_LABELS.has(match[1])) {
      throw new AuthConfigError(`${where} is a ${match[1]}; give public keys only`);
    }
    if (keys.length === MAX_PEM_KEYS) {
      throw new AuthConfigError(`${file} holds more than ${MAX_PEM_KEYS} keys`);
    }
    let key;
    try {
      key = createPublicKey(match[0]);
    } catch (err) {
      throw new AuthConfigError(
        `${where} is not a valid PEM public key: ${(err as Error).message}`,
      );
    }
    keys.push(toVerifyKey(key, where));
  }
  if (keys.length === 0) throw new AuthConfigError(`${file} holds no PEM public key`);
  return keys;
}
