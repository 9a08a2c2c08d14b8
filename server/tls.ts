/**
 * TLS material of the client port and the HTTP port (--tls-cert, --tls-key), read and checked
 * once at start, so an unusable pair stops the node with one line naming the flag and the file
 * rather than later and vaguer: uWS's own error is a bare "App construction failed", Node's
 * https server would only fail on the first handshake, and an encrypted key would have OpenSSL
 * prompt for a passphrase on the terminal.
 *
 *   cert file, key file --read (regular file, <= tlsFileMaxBytes)--> PEM certificate?
 *     --> PEM private key, unencrypted? --> the key of that certificate? --> TLS context? --> ok
 *
 * Links and the publisher port stay plain TCP (docs/protocol.md, "TLS").
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { TransportTls } from '../gateway/transport';
import type { TroupeConfig } from './config';
import { Limits } from './limits';

/** Why the TLS files cannot be used; `flag` and `file` are the ones at fault. */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
  constructor(
    readonly flag: '--tls-cert' | '--tls-key',
    readonly file: string,
    problem: string,
  ) {
    super(`${flag}: ${file}: ${problem}`);
  }
}

const OS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
};

/** Reads at most `max` + 1 bytes of a regular file (never a FIFO or /dev/zero). */
function readBounded(flag: TlsConfigError['flag'], file: string, max: number): Buffer {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new TlsConfigError(flag, file, OS_ERRORS[code] ?? `cannot read it (${code})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new TlsConfigError(flag, file, 'is not a regular file');
    const buf = Buffer.alloc(max + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size <= max; size += n)
      n = readSync(fd, buf, size, max + 1 - size, null);
    if (size > max) {
      throw new TlsConfigError(flag, file, `is larger than ${max} bytes; expected a PEM file`);
    }
    return buf.subarray(0, size);
  } catch (e) {
    if (e instanceof TlsConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new TlsConfigError(flag, file, OS_ERRORS[code] ?? `cannot read it (${code})`);
  } finally {
    closeSync(fd);
  }
}

function parseCertificate(file: string, pem: Buffer): X509Certificate {
  // uWS reads the file as a PEM chain: DER (which X509Certificate would take) must not pass.
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TlsConfigError('--tls-cert', file, 'holds no PEM certificate (BEGIN CERTIFICATE)');
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TlsConfigError('--tls-cert', file, 'is not a valid PEM certificate');
  }
}

function parseKey(file: string, pem: Buffer): KeyObject {
  const text = pem.toString('latin1');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new TlsConfigError('--tls-key', file, 'holds no PEM private key (BEGIN PRIVATE KEY)');
  }
  // PKCS#8 or the traditional OpenSSL header: Node reports either as "interrupted or cancelled".
  if (
    text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') ||
    text.includes('Proc-Type: 4,ENCRYPTED')
  ) {
    throw new TlsConfigError(
      '--tls-key',
      file,
      'is encrypted; give an unencrypted key (openssl pkey -in KEY -out plain.pem)',
    );
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new TlsConfigError('--tls-key', file, 'is not a valid PEM private key');
  }
}

function keyMatches(x509: X509Certificate, key: KeyObject): boolean {
  try {
    return x509.checkPrivateKey(key);
  } catch {
    return false; // a key of another type
  }
}

/**
 * The TLS files of `c`, read and checked; `undefined` when TLS is off. Throws TlsConfigError.
 * `expired` is true when the certificate's notAfter has passed (clients will refuse it).
 */
export function loadTls(
  c: Pick<TroupeConfig, 'tlsCert' | 'tlsKey'>,
  now = Date.now(),
): (TransportTls & { expired: boolean }) | undefined {
  if (c.tlsCert === undefined || c.tlsKey === undefined) return undefined;
  const max = Limits.tlsFileMaxBytes;
  const cert = readBounded('--tls-cert', c.tlsCert, max);
  const key = readBounded('--tls-key', c.tlsKey, max);
  const x509 = parseCertificate(c.tlsCert, cert);
  const privateKey = parseKey(c.tlsKey, key);
  if (!keyMatches(x509, privateKey)) {
    throw new TlsConfigError('--tls-key', c.tlsKey, `is not the key of ${c.tlsCert}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new TlsConfigError(
      '--tls-cert',
      c.tlsCert,
      `unusable with ${c.tlsKey}: ${(e as Error).message}`,
    );
  }
  const expired = Date.parse(x509.validTo) < now;
  return { certFile: c.tlsCert, keyFile: c.tlsKey, cert, key, expired };
}

/** For the command's preflight: the one line to print, or `undefined` when TLS is usable. */
export function tlsConfigProblem(c: Pick<TroupeConfig, 'tlsCert' | 'tlsKey'>): string | undefined {
  try {
    loadTls(c);
    return undefined;
  } catch (e) {
    if (e instanceof TlsConfigError) return e.message;
    throw e;
  }
}
