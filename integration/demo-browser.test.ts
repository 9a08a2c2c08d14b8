/**
 * The demo page (GET /, PROTOCOL.md §10) in headless Chromium against a real `troupe start`:
 * pages see each other's likes and comments, the viewer count and the host's presence follow
 * pages opening and closing, and pages reconnect by themselves and resume: after a connection
 * is stopped (the events published meanwhile are replayed once), and after the node restarts on
 * the same port (its history died with it: the count goes on from what the page had).
 *
 * Both transports run every scenario (`?transport=websocket`, `?transport=sse`).
 * Each scenario uses its own room (`?room=`, its own topics), so their counts do not mix. The
 * node runs with short count and presence intervals so changes show within a second.
 */
import type { Browser, Page } from 'playwright-core';
import { adminCall, freePort, startNode, TestPublisher, type Node } from './harness';
import { publishRange } from './client-kit';
import {
  attr,
  comment,
  commentCount,
  commentRaw,
  comments,
  launchChromium,
  like,
  recordedTexts,
  recordTexts,
  scenario,
  selector,
  text,
  waitFor,
} from './browser-kit';

const FLAGS = [
  ['--count-interval-ms', '100'],
  ['--presence-interval-ms', '300'],
  ['--presence-grace-ms', '100'],
].flat();

jest.setTimeout(40_000);

let browser: Browser | undefined;
let node: Node | undefined;
let port = 0;
const likes = (room: string): string => `demo:${room}:likes`;

beforeAll(async () => {
  port = await freePort();
  node = await startNode(['--port', String(port), ...FLAGS]);
  browser = await launchChromium();
});

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await node?.stop();
  }
});

async function connected(p: Page): Promise<Page> {
  await waitFor(p, 'conn-state', 'connected');
  return p;
}

/** Both the count and the number of like events the page was given (one heart each). */
async function likesShown(p: Page, n: number): Promise<void> {
  await waitFor(p, 'like-count', String(n));
  await waitFor(p, 'like-count', String(n), { attribute: 'data-shown' });
}

/** The path of the connection actor whose `?member=` is `member` (admin tree + inspect). */
async function connectionOf(member: string): Promise<string> {
  type Tree = { path: string; children?: Tree[] };
  const answer = await adminCall(node!.admin, { cmd: 'tree', path: '/user/gateway', depth: 2 });
  const conns = ((answer.tree as Tree).children ?? []).flatMap((r) => r.children ?? []);
  // Only an open one: a connection of the member that is still closing (one the page left
  // on a reconnect) would take the stop and leave the page connected.
  const found: string[] = [];
  for (const c of conns) {
    const info = JSON.stringify(await adminCall(node!.admin, { cmd: 'inspect', path: c.path }));
    if (info.includes(`"member":"${member}"`) && info.includes('"state":"open"'))
      found.push(c.path);
  }
  if (found.length === 1) return found[0]!;
  throw new Error(`${found.length} open connections of ${member} among ${conns.length}: ${found}`);
}

describe.each(['websocket', 'sse'])('demo page in Chromium over %s', (transport) => {
  const page = (query: string): string =>
    `http://127.0.0.1:${port}/?${query}&transport=${transport}`;

  it('shows each page the likes and comments of the other, as text, with the viewers and the host online', async () => {
    await scenario(browser!, 'likes and comments', async (open) => {
      const host = await connected(await open(page(`room=a-${transport}&host=1`)));
      const viewer = await connected(await open(page(`room=a-${transport}`)));
      expect(await text(host, 'member')).toBe('host');
      expect(await text(viewer, 'member')).toMatch(/^viewer-[0-9a-f]{4}$/);
      await waitFor(viewer, 'host-status', 'true', { attribute: 'data-online' });
      for (const p of [host, viewer]) await waitFor(p, 'viewer-count', '2');

      await like(host);
      await like(viewer);
      await like(viewer);
      for (const p of [host, viewer]) await likesShown(p, 3);

      await comment(host, 'welcome <img src=x onerror=alert(1)>');
      await comment(viewer, 'hello!');
      const me = await text(viewer, 'member');
      const want = ['host: welcome <img src=x onerror=alert(1)>', `${me}: hello!`];
      for (const p of [host, viewer]) {
        await commentCount(p, 2);
        expect(await comments(p)).toEqual(want);
        // Text, never markup: the comment made no element.
        expect(await p.$$(`${selector('comment-list')} img`)).toHaveLength(0);
      }

      // A long comment is cut to 280 characters (maxlength only limits typing).
      await commentRaw(viewer, 'x'.repeat(5000));
      await commentCount(host, 3);
      expect((await comments(host))[2]).toBe(`${me}: ${'x'.repeat(280)}`);

      // A newcomer reads the count from its subscription (the topic's seq), with no history.
      const late = await connected(await open(page(`room=a-${transport}`)));
      await waitFor(late, 'like-count', '3');
      expect(await attr(late, 'like-count', 'data-shown')).toBe('0');
      for (const p of [host, viewer, late]) await waitFor(p, 'viewer-count', '3');
    });
  });

  it('counts 2 viewers then 1 when a page closes, and shows the host offline once its page is gone', async () => {
    await scenario(browser!, 'viewers and presence', async (open) => {
      const host = await connected(await open(page(`room=b-${transport}&host=1`)));
      const viewer = await connected(await open(page(`room=b-${transport}`)));
      await waitFor(viewer, 'viewer-count', '2');
      await waitFor(viewer, 'host-status', 'true', { attribute: 'data-online' });
      await host.close();
      await waitFor(viewer, 'viewer-count', '1');
      // Offline once the member's entry expired: d + 2ε after its last heartbeat.
      await waitFor(viewer, 'host-status', 'false', { attribute: 'data-online' });
      expect(await text(viewer, 'host-status')).toBe('host offline');
    });
  });

  it('replays once the likes published while its connection was stopped', async () => {
    await scenario(browser!, 'resume after a stopped connection', async (open) => {
      const viewer = await connected(await open(page(`room=c-${transport}`)));
      await publishRange(node!.publishPort, likes(`c-${transport}`), 1, 2);
      await likesShown(viewer, 2);

      const conn = await connectionOf(await text(viewer, 'member'));
      // Connected before the stop, and the three sent in one frame: the bye asks for a retry
      // after 1 s, and on a busy machine a connect and three round trips could outlast it.
      const pub = await TestPublisher.connect(node!.publishPort);
      await recordTexts(viewer, 'conn-state');
      expect(await adminCall(node!.admin, { cmd: 'stop', path: conn })).toMatchObject({ ok: true });
      try {
        await waitFor(viewer, 'conn-state', 'reconnecting');
      } catch (e) {
        // Seen once in CI over SSE (still "connected" after 10 s): say which way it went.
        const states = await recordedTexts(viewer);
        const after = await adminCall(node!.admin, { cmd: 'inspect', path: conn });
        throw new Error(
          `${(e as Error).message}; conn-state since the stop: ${JSON.stringify(states)}; ` +
            `the stopped ${conn} now: ${JSON.stringify(after).slice(0, 300)}`,
        );
      }
      try {
        pub.send(
          [3, 4, 5].map((n) => ({ op: 'pub', id: n, topic: likes(`c-${transport}`), data: { n } })),
        );
        for (const n of [3, 4, 5]) await pub.reply((m) => m.id === n && m.op === 'ack');
      } finally {
        pub.close();
      }
      // These three were published while it was away.
      expect(await text(viewer, 'conn-state')).toBe('reconnecting');
      await connected(viewer);
      await likesShown(viewer, 5);
      // One more after the replay: had any replayed like come twice, shown would pass 6.
      await publishRange(node!.publishPort, likes(`c-${transport}`), 6, 6);
      await likesShown(viewer, 6);
    });
  });

  it('reconnects by itself after the node restarts on the same port and counts on, none twice', async () => {
    await scenario(browser!, 'resume after a restart', async (open) => {
      const a = await connected(await open(page(`room=d-${transport}`)));
      await like(a);
      await like(a);
      await like(a);
      await likesShown(a, 3);

      await node!.stop('SIGTERM');
      await waitFor(a, 'conn-state', 'reconnecting');
      node = await startNode(['--port', String(port), ...FLAGS]);
      await connected(a);
      await like(a);
      await publishRange(node.publishPort, likes(`d-${transport}`), 1, 1);
      // Likes before the restart stay counted on this page; the new epoch's two add to them.
      await likesShown(a, 5);

      // A newcomer sees what the restarted node knows: its history began at the restart.
      const b = await connected(await open(page(`room=d-${transport}`)));
      await waitFor(b, 'like-count', '2');
      await like(b);
      await likesShown(a, 6);
      await waitFor(b, 'like-count', '3');
      await waitFor(b, 'like-count', '1', { attribute: 'data-shown' });
    });
  });
});
