/**
 * Self-signed certificates for TLS tests, built here with `node:crypto` (a P-256 key and a few
 * hundred bytes of hand-written DER), so no test depends on an `openssl` binary being present.
 *
 *   TBSCertificate (version 3, serial, ecdsa-with-SHA256, CN=<name>, validity, key,
 *                   subjectAltName = DNS:localhost + IP:127.0.0.1, basicConstraints CA:TRUE)
 *     --sign(sha256, key)--> Certificate --base64--> PEM
 *
 * CA:TRUE lets a client trust the certificate itself as its root (`ca: cert`), which is how the
 * tests check that the chain really verifies rather than turning verification off.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCert {
  /** PEM of the certificate, and of its unencrypted PKCS#8 private key. */
  cert: string;
  key: string;
  /** The same two, written to files (what --tls-cert / --tls-key take). */
  certFile: string;
  keyFile: string;
}

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
};
const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128))
      groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** YYMMDDHHMMSSZ; X.509 wants UTCTime up to 2049, which test certificates never pass. */
function utcTime(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-12-02T09:24:19.000Z
  const s = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13);
  return tlv(0x17, Buffer.from(`${s}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, 'ascii'));
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .replace(/.{64}/g, '$&\n')
    .replace(/\n$/, '')}\n-----END ${label}-----\n`;

export interface CertOptions {
  /** Common name (default `localhost`). */
  name?: string;
  notBefore?: Date;
  notAfter?: Date;
}

/** A fresh key pair and a self-signed certificate for localhost and 127.0.0.1. */
export function selfSignedCert(o: CertOptions = {}): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(o.name ?? 'localhost')))));
  const now = Date.now();
  const notBefore = o.notBefore ?? new Date(now - 60_000);
  const notAfter = o.notAfter ?? new Date(now + 24 * 3600_000);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive INTEGER
  const altNames = seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1])));
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid('2.5.29.17'), tlv(0x04, altNames)),
      seq(
        oid('2.5.29.19'),
        tlv(0x01, Buffer.from([0xff])),
        tlv(0x04, seq(tlv(0x01, Buffer.from([0xff])))),
      ),
    ),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaSha256,
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const cert = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  return {
    cert: pem('CERTIFICATE', cert),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** A certificate and key written to a fresh temporary folder. */
export function writeTestCert(o: CertOptions = {}): TestCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-tls-'));
  const { cert, key } = selfSignedCert(o);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { cert, key, certFile, keyFile };
}
