import type { ActorRef } from '../actors';
import { identityFromClaims } from '../auth';
import { jsonCodec } from '../protocol';
import type { ConnMsg } from './messages';
import { ConnSlot } from './conn-slot';

const EARLY_LIMIT = 64;

/** A connection actor stand-in that records what it is told. */
function fakeRef(accepting = true): ActorRef<ConnMsg> & { told: ConnMsg[] } {
  const told: ConnMsg[] = [];
  return {
    path: '/user/gateway/router-0/conn-1',
    name: 'conn-1',
    told,
    tell(msg: ConnMsg): boolean {
      if (!accepting) return false;
      told.push(msg);
      return true;
    },
    isAlive: () => accepting,
  };
}

const frame = (n: number): ConnMsg => ({ type: 'frame', data: `m${n}` });

describe(ConnSlot, () => {
  describe('#constructor', () => {
    it('keeps the id, codec and auth outcome it was given', () => {
      const slot = new ConnSlot('c1', jsonCodec, true);
      expect(slot.id).toBe('c1');
      expect(slot.codec).toBe(jsonCodec);
      expect(slot.authFailed).toBe(true);
      expect(slot.ref).toBeUndefined();
      expect(slot.identity).toBeUndefined();
    });

    it('carries the identity verified at the upgrade', () => {
      const identity = identityFromClaims({ sub: 'ann', exp: 2e9 });
      expect(new ConnSlot('c1', jsonCodec, false, identity).identity).toBe(identity);
    });
  });

  describe('#tell', () => {
    it(`buffers up to ${EARLY_LIMIT} messages before attach, then refuses`, () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      for (let i = 0; i < EARLY_LIMIT; i++) expect(slot.tell(frame(i))).toBe(true);
      expect(slot.tell(frame(EARLY_LIMIT))).toBe(false);
      expect(slot.tell({ type: 'closed', code: 1000 })).toBe(false);
    });

    it('passes messages straight to the actor after attach', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      const ref = fakeRef();
      slot.attach(ref);
      expect(slot.tell(frame(1))).toBe(true);
      expect(ref.told).toEqual([frame(1)]);
    });

    it('passes on more than the early limit after attach', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      const ref = fakeRef();
      slot.attach(ref);
      for (let i = 0; i <= EARLY_LIMIT; i++) expect(slot.tell(frame(i))).toBe(true);
      expect(ref.told).toHaveLength(EARLY_LIMIT + 1);
    });

    it("returns the actor's refusal after attach", () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      slot.attach(fakeRef(false));
      expect(slot.tell(frame(1))).toBe(false);
    });
  });

  describe('#attach', () => {
    it('hands the buffered messages over in order', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      slot.tell(frame(1));
      slot.tell(frame(2));
      slot.tell({ type: 'closed', code: 1006 });
      const ref = fakeRef();
      slot.attach(ref);
      expect(ref.told).toEqual([frame(1), frame(2), { type: 'closed', code: 1006 }]);
      expect(slot.ref).toBe(ref);
    });

    it('hands over exactly the accepted messages when the buffer filled up', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      for (let i = 0; i <= EARLY_LIMIT; i++) slot.tell(frame(i));
      const ref = fakeRef();
      slot.attach(ref);
      expect(ref.told).toEqual(Array.from({ length: EARLY_LIMIT }, (_, i) => frame(i)));
    });

    it('hands over buffered messages before later ones', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      slot.tell(frame(1));
      const ref = fakeRef();
      slot.attach(ref);
      slot.tell(frame(2));
      expect(ref.told).toEqual([frame(1), frame(2)]);
    });

    it('tells nothing when nothing was buffered', () => {
      const slot = new ConnSlot('c1', jsonCodec, false);
      const ref = fakeRef();
      slot.attach(ref);
      expect(ref.told).toEqual([]);
    });
  });
});
