import { parseAdminRequest } from './admin-protocol';

describe(parseAdminRequest, () => {
  it.each([
    ['{"cmd":"tree"}', { cmd: 'tree', path: undefined, depth: undefined }],
    [
      '{"cmd":"tree","path":"/user/gateway","depth":2}',
      { cmd: 'tree', path: '/user/gateway', depth: 2 },
    ],
    ['{"cmd":"stats","extra":1}', { cmd: 'stats' }],
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
    ['{"cmd":"inspect","path":""}', /actor path/],
  ])('explains what is wrong with %j', (line, message) => {
    expect(parseAdminRequest(line)).toMatch(message);
  });
});
