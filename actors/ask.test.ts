import { ask } from './ask';
import { ActorStoppedError, AskTimeoutError, MailboxOverflowError } from './errors';
import { Overflow } from './mailbox';
import { deferred, sleep, testSystem } from '../testing/actor-system';
import type { ActorRef, Behavior } from './types';
import { eventually } from '../testing/eventually';

type Req = { kind: 'echo' | 'slow' | 'silent'; text: string; replyTo: ActorRef<string> };

function echo(slowReplies: ActorRef<string>[] = []): () => Behavior<Req> {
  return () => ({
    receive: (req) => {
      if (req.kind === 'echo') req.replyTo.tell(req.text.toUpperCase());
      else if (req.kind === 'slow') slowReplies.push(req.replyTo);
    },
  });
}

describe('ask', () => {
  it('resolves with the reply', async () => {
    const { system } = testSystem();
    const ref = system.spawn('echo', echo());
    await expect(
      ask(ref, (replyTo: ActorRef<string>) => ({ kind: 'echo', text: 'hi', replyTo }), 1000),
    ).resolves.toBe('HI');
  });

  it('hands the target a temporary reply ref under /temp', async () => {
    const { system } = testSystem();
    let seen: ActorRef<string> | undefined;
    const ref = system.spawn<Req>('echo', () => ({
      receive: (req) => void ((seen = req.replyTo), req.replyTo.tell('ok')),
    }));
    await ask(ref, (replyTo: ActorRef<string>) => ({ kind: 'echo', text: '', replyTo }), 1000);
    expect(seen?.path).toMatch(/^\/temp\/ask-\d+$/);
    expect(seen?.isAlive()).toBe(false);
  });

  it('rejects with AskTimeoutError when no reply comes in time, and drops a late reply', async () => {
    const { system, deadLetters } = testSystem();
    const slow: ActorRef<string>[] = [];
    const ref = system.spawn('echo', echo(slow));
    const pending = ask(
      ref,
      (replyTo: ActorRef<string>) => ({ kind: 'slow', text: '', replyTo }),
      20,
    );
    await expect(pending).rejects.toBeInstanceOf(AskTimeoutError);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT', path: '/user/echo' });
    expect(slow[0].tell('late')).toBe(false);
    expect(deadLetters).toEqual([{ path: slow[0].path, msg: 'late' }]);
  });

  it('rejects at once with ActorStoppedError when the target is dead', async () => {
    const { system } = testSystem();
    const ref = system.spawn('echo', echo());
    system.stop(ref);
    await eventually(() => !ref.isAlive());
    const started = Date.now();
    await expect(
      ask(ref, (replyTo: ActorRef<string>) => ({ kind: 'echo', text: '', replyTo }), 5000),
    ).rejects.toBeInstanceOf(ActorStoppedError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects with ActorStoppedError when the target is stopping', async () => {
    const { system } = testSystem();
    const gate = deferred();
    const ref = system.spawn<Req>('busy', () => ({ receive: () => gate.promise }));
    ref.tell({ kind: 'silent', text: '', replyTo: ref as unknown as ActorRef<string> });
    await sleep(5);
    system.stop(ref); // queued behind the busy handler: still alive, but refusing messages
    await expect(
      ask(ref, (replyTo: ActorRef<string>) => ({ kind: 'echo', text: '', replyTo }), 1000),
    ).rejects.toBeInstanceOf(ActorStoppedError);
    gate.resolve();
  });

  it('rejects with MailboxOverflowError when the bound refuses the request', async () => {
    const { system } = testSystem();
    const gate = deferred();
    const ref = system.spawn<Req>('busy', () => ({ receive: () => gate.promise }), {
      mailbox: { capacity: 1, overflow: Overflow.DropNewest },
    });
    const make = (replyTo: ActorRef<string>): Req => ({ kind: 'silent', text: '', replyTo });
    ref.tell(make(ref as unknown as ActorRef<string>));
    await sleep(5);
    ref.tell(make(ref as unknown as ActorRef<string>));
    await expect(ask(ref, make, 1000)).rejects.toBeInstanceOf(MailboxOverflowError);
    gate.resolve();
  });

  it('rejects with the error thrown by make', async () => {
    const { system } = testSystem();
    const ref = system.spawn('echo', echo());
    const boom = new Error('make failed');
    await expect(
      ask(
        ref,
        () => {
          throw boom;
        },
        1000,
      ),
    ).rejects.toBe(boom);
  });
});
