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
    ['{"cmd":"topics"}', { cmd: 'topics' }],
    ['{"cmd":"topics","top":5}', { cmd: 'topics', top: 5 }],
    ['{"cmd":"topic","name":"news/eu"}', { cmd: 'topic', name: 'news/eu' }],
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
    ['{"cmd":"topics","top":1001}', /topics: "top" must be an integer 1\.\.1000/],
    ['{"cmd":"topics","top":-1}', /"top"/],
    ['{"cmd":"topic"}', /topic: "name" must be a topic name/],
    ['{"cmd":"topic","name":"a b"}', /"name" must be a topic name/],
    [`{"cmd":"topic","name":"${'x'.repeat(201)}"}`, /"name"/],
    ['{"cmd":"topic","name":["news"]}', /"name"/],
    ['{"cmd":"inspect","path":""}', /actor path/],
  ])('explains what is wrong with %j', (line, message) => {
    expect(parseAdminRequest(line)).toMatch(message);
  });
});
