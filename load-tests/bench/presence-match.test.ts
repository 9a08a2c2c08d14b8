import {
  ActionKind,
  latenciesOf,
  matchPresence,
  percentileOf,
  type MemberAction,
  type PresenceObservation,
} from './presence-match';

const OPTS = { offlineDelayMs: 1500, measureFrom: 0 };
const connect = (member: number, at: number, openedAt?: number): MemberAction => ({
  member,
  kind: ActionKind.Connect,
  at,
  ...(openedAt === undefined ? {} : { openedAt }),
});
const close = (member: number, at: number): MemberAction => ({
  member,
  kind: ActionKind.Close,
  at,
});
const online = (member: number, at: number, lastSeen = at - 1): PresenceObservation => ({
  member,
  online: true,
  at,
  lastSeen,
});
const offline = (member: number, at: number, lastSeen: number | null): PresenceObservation => ({
  member,
  online: false,
  at,
  lastSeen,
});

describe('matchPresence', () => {
  it('measures connect to online and close to offline, and the offline over its schedule', () => {
    const r = matchPresence(
      [connect(1, 100), close(1, 5000), connect(1, 9000)],
      [online(1, 130), offline(1, 5000 + 1200, 4700), online(1, 9025)],
      OPTS,
    );
    expect(r.onlineMs).toEqual([30, 25]);
    expect(r.offlineMs).toEqual([1200]);
    // due at lastSeen 4700 + d + 2e 1500 = 6200: on time
    expect(r.offlineLateMs).toEqual([0]);
    expect(r).toMatchObject({ falseOfflines: 0, duplicateOnlines: 0, missingOnlines: 0 });
  });

  it('matches each member on its own, whatever order the two sides arrive in', () => {
    const r = matchPresence(
      [close(2, 5000), connect(1, 100), connect(2, 200), close(1, 5000)],
      [offline(1, 6400, 4800), offline(2, 6300, 4700), online(2, 240), online(1, 110)],
      OPTS,
    );
    expect(r.onlineMs.sort((a, b) => a - b)).toEqual([10, 40]);
    expect(r.offlineMs.sort((a, b) => a - b)).toEqual([1300, 1400]);
    expect(r.offlineLateMs).toEqual([100, 100]);
  });

  it('measures the online from the upgrade too, leaving TCP connect and upgrade out', () => {
    const r = matchPresence(
      [connect(1, 100, 160), close(1, 5000), connect(1, 9000)],
      [online(1, 180), offline(1, 6400, 4800), online(1, 9025)],
      OPTS,
    );
    expect(r.onlineMs).toEqual([80, 25]);
    // absent openedAt: from the attempt
    expect(r.onlineFromOpenMs).toEqual([20, 25]);
  });

  it('counts an offline of a member that never closed as false', () => {
    const r = matchPresence([connect(3, 0)], [online(3, 20), offline(3, 3000, 1000)], OPTS);
    expect(r.falseOfflines).toBe(1);
    expect(r.offlineMs).toEqual([]);
  });

  it('counts an online of a member announced online already as a duplicate', () => {
    const r = matchPresence([connect(4, 0)], [online(4, 20), online(4, 1020)], OPTS);
    expect(r.duplicateOnlines).toBe(1);
    expect(r.onlineMs).toEqual([20]);
  });

  it('owes nothing for a member back before its offline, and flags neither side', () => {
    const r = matchPresence(
      [connect(5, 0), close(5, 3000), connect(5, 3500)],
      [online(5, 10)],
      OPTS,
    );
    expect(r).toMatchObject({
      backBeforeOffline: 1,
      missingOfflines: 0,
      missingOnlines: 0,
      falseOfflines: 0,
    });
  });

  it("takes a late offline after the member's return as late, and then owes its online", () => {
    const r = matchPresence(
      [connect(6, 0), close(6, 3000), connect(6, 5000, 5040)],
      [online(6, 10), offline(6, 5100, 2900), online(6, 5150)],
      OPTS,
    );
    expect(r).toMatchObject({ offlinesAfterReturn: 1, falseOfflines: 0, unexpectedOnlines: 0 });
    expect(r.onlineMs).toEqual([10, 150]);
    expect(r.onlineFromOpenMs).toEqual([10, 110]);
  });

  it('counts what is still owed at the end as missing', () => {
    const r = matchPresence([connect(7, 0), close(7, 3000), connect(8, 0)], [online(7, 5)], OPTS);
    expect(r).toMatchObject({ missingOfflines: 1, missingOnlines: 1 });
  });

  it('expects the offline of a dropped connection without measuring it', () => {
    const r = matchPresence(
      [connect(9, 0), { member: 9, kind: ActionKind.Dropped, at: 2000 }],
      [online(9, 5), offline(9, 3600, 1900)],
      OPTS,
    );
    expect(r).toMatchObject({ dropped: 1, falseOfflines: 0, missingOfflines: 0 });
    expect(r.offlineMs).toEqual([]);
  });

  it('counts an online nobody connected for as unexpected', () => {
    expect(matchPresence([], [online(10, 5)], OPTS).unexpectedOnlines).toBe(1);
  });

  it('measures only actions from measureFrom on, and still counts errors before it', () => {
    const r = matchPresence(
      [connect(11, 0), connect(12, 0), close(12, 2000), connect(12, 6000)],
      [online(11, 50), online(11, 60), online(12, 40), offline(12, 3400, 1900), online(12, 6030)],
      { ...OPTS, measureFrom: 1000 },
    );
    expect(r.onlineMs).toEqual([30]);
    expect(r.offlineMs).toEqual([1400]);
    expect(r.duplicateOnlines).toBe(1);
  });

  it('puts an action before a message at the same time', () => {
    const r = matchPresence([connect(13, 100)], [online(13, 100)], OPTS);
    expect(r.onlineMs).toEqual([0]);
    expect(r.unexpectedOnlines).toBe(0);
  });
});

describe('percentileOf', () => {
  it('takes the nearest rank of an unsorted list, null when empty', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentileOf(xs, 0.5)).toBe(5);
    expect(percentileOf(xs, 0.99)).toBe(10);
    expect(percentileOf(xs, 0)).toBe(1);
    expect(percentileOf([-3, -1, -2], 0.5)).toBe(-2);
    expect(percentileOf([], 0.5)).toBeNull();
    expect(xs[0]).toBe(5); // the input is left as it was
  });
});

describe('latenciesOf', () => {
  it('states p50/p99 of each latency, the offline against d + 2e, rounded to 0.1 ms', () => {
    const r = matchPresence(
      [connect(1, 0), close(1, 1000), connect(2, 0), close(2, 1000)],
      [online(1, 12.34), online(2, 20), offline(1, 2300, 900), offline(2, 2520.06, 1000)],
      OPTS,
    );
    expect(latenciesOf(r, 1500)).toEqual({
      onlineSamples: 2,
      onlineP50Ms: 12.3,
      onlineP99Ms: 20,
      onlineFromOpenP50Ms: 12.3,
      onlineFromOpenP99Ms: 20,
      offlineSamples: 2,
      offlineOverDelayP50Ms: -200,
      offlineOverDelayP99Ms: 20.1,
      // member 1 came 100 ms before its schedule (its trigger ran from the heartbeat's arrival)
      offlineLateP50Ms: -100,
      offlineLateP99Ms: 20.1,
    });
  });

  it('is null where nothing was measured', () => {
    const l = latenciesOf(matchPresence([], [], OPTS), 1500);
    expect(l).toMatchObject({ onlineSamples: 0, onlineP99Ms: null, offlineLateP50Ms: null });
  });
});
