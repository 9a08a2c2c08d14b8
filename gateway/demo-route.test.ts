import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_FILE, demoPolicy, loadDemoPage, serveDemoPage, type DemoPage } from './demo-route';
import type { HttpRequest } from './transport';

const sha = (s: string): string =>
  `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

function get(headers: Record<string, string> = {}, method = 'GET'): HttpRequest {
  return { method, path: '/', query: new URLSearchParams(), headers, body: Buffer.alloc(0) };
}

function pageIn(html: string): DemoPage {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-demo-'));
  writeFileSync(path.join(dir, DEMO_FILE), html);
  return loadDemoPage(dir)!;
}

/** The policy's directives by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('demoPolicy', () => {
  it('allows each inline script and style by its hash, and scripts from the page itself', () => {
    const csp = directives(
      demoPolicy('<style>b{}</style><script type="module">go()</script><script>x=1</script>'),
    );
    expect(csp.get('script-src')).toEqual(["'self'", sha('go()'), sha('x=1')]);
    expect(csp.get('style-src')).toEqual([sha('b{}')]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('never allows unsafe-inline or eval', () => {
    const csp = demoPolicy('<script>a()</script><style>i{}</style>');
    expect(csp).not.toMatch(/unsafe/);
  });

  it('hashes no script with a src, and none inside an HTML comment', () => {
    const csp = directives(
      demoPolicy('<!-- <script>evil()</script> --><script src="/v1/client.js"></script>'),
    );
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'none'"]);
  });

  it('hashes a block with CRLF line breaks as the browser sees it (LF)', () => {
    const csp = directives(demoPolicy('<script>\r\na()\r\n</script>'));
    expect(csp.get('script-src')).toEqual(["'self'", sha('\na()\n')]);
  });
});

describe('loadDemoPage', () => {
  it('is undefined where the page is missing', () => {
    expect(loadDemoPage(path.join(os.tmpdir(), 'no-such-troupe-demo'))).toBeUndefined();
  });

  it('reads the shipped page, whose one script and one style the policy hashes', () => {
    const demo = loadDemoPage(path.resolve(__dirname, '..', 'demo'))!;
    const csp = directives(demo.csp);
    expect(csp.get('script-src')).toHaveLength(2);
    expect(csp.get('style-src')).toHaveLength(1);
  });
});

describe('the shipped demo page', () => {
  const html = readFileSync(path.resolve(__dirname, '..', 'demo', DEMO_FILE), 'utf8');

  it.each([
    'like-button',
    'like-count',
    'comment-input',
    'comment-list',
    'viewer-count',
    'host-status',
    'conn-state',
  ])('carries data-testid=%s', (id) => {
    expect(html).toContain(`data-testid="${id}"`);
  });

  it('imports only the client bundle and never writes HTML from strings', () => {
    expect(html).toContain("import { connect } from '/v1/client.js'");
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/);
  });
});

describe('serveDemoPage', () => {
  const demo = pageIn('<p>hi</p><script>a()</script>');

  it('answers 200 text/html with the policy, nosniff, no-cache and an ETag', () => {
    const res = serveDemoPage(demo, get());
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('<p>hi</p><script>a()</script>');
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': demo.csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
      etag: demo.page.etag,
    });
  });

  it('answers 304 without a body when If-None-Match names the ETag', () => {
    const res = serveDemoPage(demo, get({ 'if-none-match': demo.page.etag }));
    expect(res.status).toBe(304);
    expect(res.body).toBe('');
    expect(serveDemoPage(demo, get({ 'if-none-match': '"old"' })).status).toBe(200);
  });

  it.each(['POST', 'PUT', 'DELETE'])('answers %s with 405 and Allow', (method) => {
    const res = serveDemoPage(demo, get({}, method));
    expect(res.status).toBe(405);
    expect(res.headers?.allow).toBe('GET, HEAD');
  });
});
