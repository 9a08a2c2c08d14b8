import { flush, testSystem } from '../testing/actor-system';
import type { ActorContext, Behavior } from './types';
import { eventually } from '../testing/eventually';

function recorder<M>(log: M[]): () => Behavior<M> {
  return () => ({ receive: (msg) => void log.push(msg) });
}

describe('system lane', () => {
  it('processes a stop ahead of queued user messages', async () => {
    const { system, deadLetters } = testSystem();
    const got: number[] = [];
    let ctxRef: ActorContext<number> | undefined;
    const ref = system.spawn<number>('a', () => ({
      preStart: (ctx) => void (ctxRef = ctx),
      receive: (msg) => {
        got.push(msg);
        if (msg === 0) ctxRef?.stop();
      },
    }));
    await flush();
    for (let i = 0; i < 5; i++) ref.tell(i);
    await eventually(() => !ref.isAlive());
    expect(got).toEqual([0]);
    expect(deadLetters.map((d) => d.msg)).toEqual([1, 2, 3, 4]);
  });

  it('delivers a death-watch notice ahead of queued user messages', async () => {
    const { system } = testSystem();
    const events: string[] = [];
    const watched = system.spawn('watched', recorder<string>([]));
    const watcher = system.spawn<string>('watcher', () => ({
      preStart: (ctx) => ctx.watch(watched),
      receive: (msg, ctx) => {
        events.push(msg);
        if (msg === 'kill') ctx.stop(watched);
      },
      onTerminated: (ref) => void events.push(`terminated ${ref.name}`),
    }));
    await flush();
    watcher.tell('kill');
    await flush(2);
    // the notice is posted while these wait in the user lane
    watcher.tell('u1');
    watcher.tell('u2');
    await eventually(() => events.length === 4);
    expect(events[1]).toBe('terminated watched');
  });
});
