import { endpointUrl } from './endpoint';
import { TroupeUsageError } from './errors';

const ws = { path: '/v1/ws', plainScheme: 'ws:', secureScheme: 'wss:' };

describe('endpointUrl', () => {
  it('turns http(s) and ws(s) base URLs into the WebSocket endpoint', () => {
    expect(endpointUrl('http://h:7070', ws)).toBe('ws://h:7070/v1/ws');
    expect(endpointUrl('https://h', ws)).toBe('wss://h/v1/ws');
    expect(endpointUrl('ws://h:7070/', ws)).toBe('ws://h:7070/v1/ws');
    expect(endpointUrl('wss://h/prefix/', ws)).toBe('wss://h/prefix/v1/ws');
  });

  it('takes a URL that already names the endpoint as is', () => {
    expect(endpointUrl('ws://h:1/v1/ws', ws)).toBe('ws://h:1/v1/ws');
  });

  it('adds the token, or without one the member, escaped', () => {
    expect(endpointUrl('ws://h', ws, 'a b&c')).toBe('ws://h/v1/ws?token=a+b%26c');
    expect(endpointUrl('ws://h', ws, undefined, 'ann')).toBe('ws://h/v1/ws?member=ann');
    expect(endpointUrl('ws://h', ws, 't', 'ann')).toBe('ws://h/v1/ws?token=t');
  });

  it('refuses what is not a URL or has another scheme', () => {
    expect(() => endpointUrl('nope', ws)).toThrow(TroupeUsageError);
    expect(() => endpointUrl('ftp://h', ws)).toThrow(/unsupported scheme/);
  });
});
