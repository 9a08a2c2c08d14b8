import { Disconnect } from '../protocol';
import { byeOf, peerCloseLabel } from './close-reason';

describe('close-reason', () => {
  describe('#peerCloseLabel', () => {
    it('keeps the labels dashboards select on when the peer closed', () => {
      expect(peerCloseLabel(1000)).toBe('client_normal');
      expect(peerCloseLabel(1001)).toBe('client_going_away');
      expect(peerCloseLabel(1006)).toBe('abnormal');
      expect(peerCloseLabel(1007)).toBe('invalid_utf8');
      expect(peerCloseLabel(1009)).toBe('frame_too_large');
    });

    it('names any other code by its number when the peer chose it', () => {
      expect(peerCloseLabel(4321)).toBe('client_4321');
    });
  });

  describe('#byeOf', () => {
    it('carries the close code and reason the connection closes with, and the retry', () => {
      expect(byeOf(Disconnect.Shutdown, 250)).toEqual({
        op: 'bye',
        code: 1001,
        reason: Disconnect.Shutdown.reason,
        retryMs: 250,
      });
      expect(byeOf(Disconnect.TokenExpired, 0)).toEqual({
        op: 'bye',
        code: 4001,
        reason: 'token expired',
        retryMs: 0,
      });
    });
  });
});
