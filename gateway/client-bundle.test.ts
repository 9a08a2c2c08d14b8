import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  asset,
  CLIENT_BUNDLE_FILES,
  CLIENT_CACHE_CONTROL,
  loadClientBundle,
  serveClientBundle,
  type ClientBundle,
} from './client-bundle';
import type { HttpRequest } from './transport';

const bundle: ClientBundle = {
  module: asset(Buffer.from('export const x = 1;')),
  classic: asset(Buffer.from('var troupe = {};')),
};

function get(headers: Record<string, string> = {}, method = 'GET'): HttpRequest {
  return {
    method,
    path: '/v1/client.js',
    query: new URLSearchParams(),
    headers,
    body: Buffer.alloc(0),
  };
}

describe('serveClientBundle', () => {
  it('answers 200 with the module, its ETag and the cache policy', () => {
    const res = serveClientBundle(bundle, get());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(bundle.module.body);
    expect(res.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      etag: bundle.module.etag,
      'cache-control': CLIENT_CACHE_CONTROL,
      vary: 'Sec-Fetch-Mode',
    });
    expect(res.headers?.['cache-control']).not.toContain('immutable');
  });

  it('answers a classic <script> fetch (Sec-Fetch-Mode: no-cors) with the classic build', () => {
    const res = serveClientBundle(bundle, get({ 'sec-fetch-mode': 'no-cors' }));
    expect(res.body).toEqual(bundle.classic.body);
    expect(res.headers?.etag).toBe(bundle.classic.etag);
    expect(serveClientBundle(bundle, get({ 'sec-fetch-mode': 'cors' })).body).toEqual(
      bundle.module.body,
    );
  });

  it('answers 304 without a body when If-None-Match names the ETag (lists, weak, *)', () => {
    const tag = bundle.module.etag;
    for (const inm of [tag, `"other", ${tag}`, `W/${tag}`, '*']) {
      const res = serveClientBundle(bundle, get({ 'if-none-match': inm }));
      expect(res.status).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers?.etag).toBe(tag);
    }
    expect(serveClientBundle(bundle, get({ 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('gives different content different ETags', () => {
    expect(bundle.module.etag).not.toBe(bundle.classic.etag);
    expect(asset(Buffer.from('a')).etag).toBe(asset(Buffer.from('a')).etag);
  });

  it('answers 405 to other methods and 404 where the bundle is not built', () => {
    expect(serveClientBundle(bundle, get({}, 'POST')).status).toBe(405);
    expect(serveClientBundle(undefined, get()).status).toBe(404);
  });
});

describe('loadClientBundle', () => {
  it('reads both builds from a directory, and is undefined where one is missing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-bundle-'));
    expect(loadClientBundle(dir)).toBeUndefined();
    writeFileSync(path.join(dir, CLIENT_BUNDLE_FILES.module), 'm');
    expect(loadClientBundle(dir)).toBeUndefined();
    writeFileSync(path.join(dir, CLIENT_BUNDLE_FILES.classic), 'c');
    expect(loadClientBundle(dir)?.module.body.toString()).toBe('m');
  });
});
