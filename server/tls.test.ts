import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCert, writeTestCert } from '../testing/tls-cert';
import { Limits } from './limits';
import { loadTls, TlsConfigError, tlsConfigProblem } from './tls';

const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-tls-test-'));
let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `f${n++}.pem`);
  writeFileSync(f, content);
  return f;
}

function errorOf(tlsCert: string, tlsKey: string): TlsConfigError {
  try {
    loadTls({ tlsCert, tlsKey });
  } catch (e) {
    if (e instanceof TlsConfigError) return e;
    throw e;
  }
  throw new Error('expected a TlsConfigError');
}

describe(loadTls, () => {
  const good = writeTestCert();

  it('is undefined when TLS is off', () => {
    expect(loadTls({})).toBeUndefined();
  });

  it('reads a certificate and its key, by name and content', () => {
    const tls = loadTls({ tlsCert: good.certFile, tlsKey: good.keyFile })!;
    expect(tls.certFile).toBe(good.certFile);
    expect(tls.keyFile).toBe(good.keyFile);
    expect(tls.cert.toString()).toBe(good.cert);
    expect(tls.key.toString()).toBe(good.key);
    expect(tls.expired).toBe(false);
  });

  it('takes one file holding both the certificate and the key, in either order', () => {
    for (const both of [good.cert + good.key, good.key + good.cert]) {
      const f = file(both);
      expect(loadTls({ tlsCert: f, tlsKey: f })!.keyFile).toBe(f);
    }
  });

  it('takes a SEC1 (BEGIN EC PRIVATE KEY) key', () => {
    const sec1 = createPrivateKey(good.key).export({ type: 'sec1', format: 'pem' });
    expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(loadTls({ tlsCert: good.certFile, tlsKey: file(sec1) })).toBeDefined();
  });

  it('says when the certificate has expired (and still loads it)', () => {
    const old = writeTestCert({
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-02T00:00:00Z'),
    });
    expect(loadTls({ tlsCert: old.certFile, tlsKey: old.keyFile })!.expired).toBe(true);
  });

  it.each([
    [
      'a missing certificate',
      () => [path.join(dir, 'nope.pem'), good.keyFile],
      '--tls-cert',
      /nope\.pem: no such file$/,
    ],
    [
      'a missing key',
      () => [good.certFile, path.join(dir, 'nope.pem')],
      '--tls-key',
      /no such file$/,
    ],
    ['a directory', () => [dir, good.keyFile], '--tls-cert', /is not a regular file$/],
    [
      'garbage as certificate',
      () => [file('garbage\n'), good.keyFile],
      '--tls-cert',
      /holds no PEM certificate/,
    ],
    [
      'a broken PEM certificate',
      () => [file('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), good.keyFile],
      '--tls-cert',
      /is not a valid PEM certificate/,
    ],
    [
      'a DER certificate',
      () => [file(new X509Certificate(good.cert).raw), good.keyFile],
      '--tls-cert',
      /holds no PEM certificate/,
    ],
    [
      'garbage as key',
      () => [good.certFile, file('garbage')],
      '--tls-key',
      /holds no PEM private key/,
    ],
    [
      'the certificate as key',
      () => [good.certFile, good.certFile],
      '--tls-key',
      /holds no PEM private key/,
    ],
    [
      'a broken PEM key',
      () => [good.certFile, file('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')],
      '--tls-key',
      /is not a valid PEM private key/,
    ],
    [
      'the key of another certificate',
      () => [good.certFile, file(selfSignedCert().key)],
      '--tls-key',
      /is not the key of .*\.pem$/,
    ],
    [
      'an encrypted key',
      () => [
        good.certFile,
        file(
          createPrivateKey(good.key).export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'secret',
          }),
        ),
      ],
      '--tls-key',
      /is encrypted; give an unencrypted key/,
    ],
  ] as const)('refuses %s naming the flag and the file', (_what, files, flag, message) => {
    const [cert, key] = files();
    const err = errorOf(cert!, key!);
    expect(err.flag).toBe(flag);
    expect(err.file).toBe(flag === '--tls-cert' ? cert : key);
    expect(err.message.startsWith(`${flag}: ${err.file}: `)).toBe(true);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a traditional encrypted RSA key', () => {
    const rsa =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n';
    expect(errorOf(good.certFile, file(rsa)).message).toMatch(/is encrypted/);
  });

  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(errorOf(fifo, good.keyFile).message).toMatch(/fifo: is not a regular file$/);
  });

  it('reads a file of exactly tlsFileMaxBytes and refuses one byte more', () => {
    const max = Limits.tlsFileMaxBytes;
    const padded = (size: number) => file(good.cert + '\n'.repeat(size - good.cert.length));
    expect(loadTls({ tlsCert: padded(max), tlsKey: good.keyFile })).toBeDefined();
    expect(errorOf(padded(max + 1), good.keyFile).message).toMatch(
      new RegExp(`is larger than ${max} bytes`),
    );
  });

  it('refuses an unreadable file', () => {
    if (process.getuid?.() === 0) return; // root reads any file
    const locked = file(good.cert);
    execFileSync('chmod', ['000', locked]);
    expect(errorOf(locked, good.keyFile).message).toMatch(/permission denied$/);
  });
});

describe(tlsConfigProblem, () => {
  it('is the one line to print, or undefined when the files are usable', () => {
    const good = writeTestCert();
    expect(tlsConfigProblem({ tlsCert: good.certFile, tlsKey: good.keyFile })).toBeUndefined();
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    expect(tlsConfigProblem({ tlsCert: good.certFile, tlsKey: sub })).toBe(
      `--tls-key: ${sub}: is not a regular file`,
    );
  });
});
