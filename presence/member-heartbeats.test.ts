import { flush, testSystem } from '../testing/actor-system';
import type { ActorRef } from '../actors';
import { MEMBERS_SPAWN, MemberHeartbeats, type MembersMsg } from './member-heartbeats';

const D = 1000;

function rig(): { ref: ActorRef<MembersMsg>; beats: string[][]; actor: MemberHeartbeats } {
  const { system } = testSystem('gw');
  const beats: string[][] = [];
  const actor = new MemberHeartbeats({
    intervalMs: D,
    heartbeat: (members) => beats.push([...members]),
  });
  const ref = system.spawn<MembersMsg>('members', () => actor, MEMBERS_SPAWN);
  return { ref, beats, actor };
}

async function advance(ms: number): Promise<void> {
  jest.advanceTimersByTime(ms);
  await flush(5);
}

describe(MemberHeartbeats, () => {
  beforeEach(() =>
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'performance'],
    }),
  );
  afterEach(() => jest.useRealTimers());

  describe('join', () => {
    it('heartbeats a new member at once, and the members of one turn together', async () => {
      const r = rig();
      r.ref.tell({ type: 'join', member: 'a' });
      r.ref.tell({ type: 'join', member: 'b' });
      await flush(5);
      expect(r.beats).toEqual([['a', 'b']]);
    });

    it('sends one heartbeat per member per d however many connections it has', async () => {
      const r = rig();
      for (let i = 0; i < 500; i++) r.ref.tell({ type: 'join', member: 'a' });
      r.ref.tell({ type: 'join', member: 'b' });
      await flush(5);
      await advance(D);
      await advance(D);
      expect(r.beats).toEqual([
        ['a', 'b'],
        ['a', 'b'],
        ['a', 'b'],
      ]);
      expect(r.actor.sent).toBe(6);
    });

    it('does not heartbeat again at once for a second connection of a member', async () => {
      const r = rig();
      r.ref.tell({ type: 'join', member: 'a' });
      await flush(5);
      r.ref.tell({ type: 'join', member: 'a' });
      await flush(5);
      expect(r.beats).toEqual([['a']]);
    });
  });

  describe('leave', () => {
    it('keeps heartbeating while one connection of the member is left', async () => {
      const r = rig();
      r.ref.tell({ type: 'join', member: 'a' });
      r.ref.tell({ type: 'join', member: 'a' });
      r.ref.tell({ type: 'leave', member: 'a' });
      await flush(5);
      await advance(D);
      expect(r.beats).toEqual([['a'], ['a']]);
    });

    it('stops heartbeating a member whose last connection left', async () => {
      const r = rig();
      r.ref.tell({ type: 'join', member: 'a' });
      r.ref.tell({ type: 'join', member: 'b' });
      await flush(5);
      r.ref.tell({ type: 'leave', member: 'a' });
      await advance(D);
      expect(r.beats).toEqual([['a', 'b'], ['b']]);
      expect(r.actor.members).toBe(1);
    });

    it('heartbeats a member who comes back within d at once', async () => {
      const r = rig();
      r.ref.tell({ type: 'join', member: 'a' });
      await flush(5);
      r.ref.tell({ type: 'leave', member: 'a' });
      await advance(D / 2);
      r.ref.tell({ type: 'join', member: 'a' });
      await flush(5);
      expect(r.beats).toEqual([['a'], ['a']]);
    });

    it('ignores a leave of a member it does not hold', async () => {
      const r = rig();
      r.ref.tell({ type: 'leave', member: 'ghost' });
      await advance(D);
      expect(r.beats).toEqual([]);
      expect(r.actor.members).toBe(0);
    });
  });
});
