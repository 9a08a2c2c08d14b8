import { OriginPolicy, parseOrigin } from './origins';

describe('parseOrigin', () => {
  it('takes * and scheme://host[:port], lowercased, without a trailing slash', () => {
    expect(parseOrigin('*')).toBe('*');
    expect(parseOrigin('https://App.Example')).toBe('https://app.example');
    expect(parseOrigin('http://localhost:3000/')).toBe('http://localhost:3000');
  });

  it.each(['app.example', 'https://app.example/path', 'https://', 'https://a b'])(
    'refuses %s',
    (raw) => expect(() => parseOrigin(raw)).toThrow(/scheme:\/\/host/),
  );
});

describe(OriginPolicy, () => {
  it('always allows a request without an Origin header', () => {
    expect(new OriginPolicy([]).allows(undefined)).toBe(true);
  });

  it('allows listed origins only, case-insensitively', () => {
    const p = new OriginPolicy(['https://app.example']);
    expect(p.allows('https://app.example')).toBe(true);
    expect(p.allows('HTTPS://APP.EXAMPLE')).toBe(true);
    expect(p.allows('https://evil.example')).toBe(false);
    expect(p.allows('null')).toBe(false);
  });

  it('allows any origin with *', () => {
    expect(new OriginPolicy(['*']).allows('https://anything.example')).toBe(true);
  });

  it('gives CORS headers to allowed origins only', () => {
    const p = new OriginPolicy(['https://app.example']);
    expect(p.corsHeaders('https://app.example')).toEqual({
      'access-control-allow-origin': 'https://app.example',
      vary: 'origin',
    });
    expect(p.corsHeaders('https://evil.example')).toEqual({});
    expect(p.corsHeaders(undefined)).toEqual({});
  });
});
