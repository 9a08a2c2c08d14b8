/**
 * `--jwks-file FILE`: a JWKS document whose keys are chosen by `kid`, re-read when it changes.
 *
 *   start: read + parse (a broken file stops the start)
 *   then:  at most once per JWKS_POLL_MS, when a token needs the keys: stat
 *          --same mtime/size/inode--> keep
 *          --changed--> read + parse --ok--> swap keys (caller drops its token cache)
 *                                    --broken--> keep the previous keys, log once per version
 *
 * Polling on demand rather than `fs.watch` keeps no timer or handle alive, works on every file
 * system (watch events are unreliable over NFS and with editors that rename), and an idle node
 * does no work. A key rotation is seen within a second of the first token after it.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { AuthConfigError } from './errors';
import { toVerifyKey, type VerifyKey } from './verify-keys';

export const JWKS_POLL_MS = 1000;
/** Bounds on the document: it is trusted configuration, but a runaway file must not stall us. */
export const MAX_JWKS_BYTES = 1024 * 1024;
export const MAX_JWKS_KEYS = 64;

/** The part of a pino logger this module uses. */
export interface AuthLogger {
  warn(obj: object, msg: string): void;
}

/**
 * The signature keys of a JWKS document. Keys meant for something else (`use` other than
 * `sig`, symmetric `oct` keys, unsupported types or curves) are skipped, as an identity
 * provider's document may list encryption keys too; a private key (`d`) refuses the document.
 */
export function parseJwks(text: string, file: string): VerifyKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AuthConfigError(`${file} is not JSON`);
  }
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new AuthConfigError(`${file} has no "keys" array`);
  if (list.length > MAX_JWKS_KEYS) {
    throw new AuthConfigError(`${file} holds more than ${MAX_JWKS_KEYS} keys`);
  }
  const keys: VerifyKey[] = [];
  list.forEach((jwk: unknown, i) => {
    const where = `${file} key #${i}`;
    if (typeof jwk !== 'object' || jwk === null)
      throw new AuthConfigError(`${where} is not an object`);
    const { kty, use, d, kid, alg } = jwk as Record<string, unknown>;
    if (d !== undefined)
      throw new AuthConfigError(`${where} is a private key; give public keys only`);
    if ((use !== undefined && use !== 'sig') || kty === 'oct') return;
    let key;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      return; // a key type or curve Node cannot import is not one we could verify with
    }
    try {
      keys.push(toVerifyKey(key, where, { kid, alg }));
    } catch {
      return; // e.g. an `alg` for encryption (RSA-OAEP) or a curve jose does not sign with
    }
  });
  return keys;
}

export class JwksFile {
  private keys: readonly VerifyKey[];
  private version: string;
  private checkedAt: number;
  private pending: Promise<boolean> | undefined;
  private lastProblem = '';

  /** Reads the file now; throws AuthConfigError when it is missing or broken. */
  constructor(
    readonly file: string,
    private readonly log: AuthLogger,
    now: number,
  ) {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch (err) {
      throw new AuthConfigError(`cannot read the JWKS file ${file}: ${(err as Error).message}`);
    }
    checkSize(stats, file);
    this.keys = parseJwks(readFileSync(file, 'utf8'), file);
    this.version = versionOf(stats);
    this.checkedAt = now;
  }

  get current(): readonly VerifyKey[] {
    return this.keys;
  }

  /** Whether `refresh` would look at the file now. */
  due(now: number): boolean {
    return now - this.checkedAt >= JWKS_POLL_MS;
  }

  /** Re-reads the file if it changed (at most once per JWKS_POLL_MS); answers whether the keys changed. */
  refresh(now: number): Promise<boolean> {
    if (this.pending) return this.pending;
    if (!this.due(now)) return Promise.resolve(false);
    this.checkedAt = now;
    this.pending = this.reload().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async reload(): Promise<boolean> {
    try {
      const stats = await stat(this.file);
      const version = versionOf(stats);
      if (version === this.version) return false;
      checkSize(stats, this.file);
      const keys = parseJwks(await readFile(this.file, 'utf8'), this.file);
      this.version = version;
      this.keys = keys;
      this.lastProblem = '';
      return true;
    } catch (err) {
      // Logged once per distinct problem, not at every poll while the file stays broken.
      const problem = (err as Error).message;
      if (problem !== this.lastProblem) {
        this.lastProblem = problem;
        this.log.warn(
          { file: this.file, err: problem },
          'JWKS file unreadable or invalid; keeping the previous keys',
        );
      }
      return false;
    }
  }
}

function versionOf(s: Stats): string {
  return `${s.mtimeMs}:${s.size}:${s.ino}`;
}

function checkSize(s: Stats, file: string): void {
  if (s.size > MAX_JWKS_BYTES) throw new AuthConfigError(`${file} is over ${MAX_JWKS_BYTES} bytes`);
}
