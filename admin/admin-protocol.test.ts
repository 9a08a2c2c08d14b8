import { parseAdminRequest } from './admin-protocol';

describe(parseAdminRequest, () => {
  it.each([
    ['{"cmd":"tree"}', { cmd: 'tree', path: undefined, depth: undefined }],
    [
      '{"cmd":"tree","path":"/user/gateway","depth":2}',
      { cmd: 'tree', path: '/user/gateway', depth: 2 },
    ],
    ['{"cmd":"stats","extra":1}', { cmd: 'stats' }],
    ['{"cmd":"tree","page":3,"limit":50}', { cmd: 'tree', page: 3, limit: 50 }],
    ['{"cmd":"inspect","path":"/user/a/"}', { cmd: 'inspect', path: '/user/a' }],
    ['{"cmd":"stop","path":"/"}', { cmd: 'stop', path: '/' }],
    ['{"cmd":"stop","path":"//"}', { cmd: 'stop', path: '/' }],
    ['{"cmd":"drain"}', { cmd: 'drain' }],
    ['{"cmd":"undrain"}', { cmd: 'undrain' }],
  ])('reads %s', (line, request) => {
    expect(parseAdminRequest(line)).toEqual(request);
  });

  it.each([
    ['', /^bad JSON/],
    ['{"cmd":"tree","depth":65}', /0\.\.64/],
    ['{"cmd":"inspect","path":"/a b"}', /actor path/],
    ['{"cmd":"tree","limit":0}', /"limit" must be an integer 1\.\.1000/],
    ['{"cmd":"tree","limit":1e9}', /"limit"/],
    ['{"cmd":"tree","page":"2"}', /"page" must be an integer/],
    ['{"cmd":"tree","page":1.5}', /"page"/],
    ['{"cmd":"inspect","path":""}', /actor path/],
  ])('explains what is wrong with %j', (line, message) => {
    expect(parseAdminRequest(line)).toMatch(message);
  });
});
