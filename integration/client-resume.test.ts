/**
 * The client library (client/) against real `troupe` processes: every topic resumes with its
 * last {epoch, seq} after a restart or a gateway's death, and the app sees each event exactly
 * once, in order; where the history was lost (a standalone restart) it is told by `gap`.
 */
import { freePort, LISTENERS, startNode, type Node } from './harness';
import { closeClients, publishRange, range, recordingClient, seenAll } from './client-kit';
import { eventually } from '../testing/eventually';

const TOPIC = 'room:resume';
const SECRET = ['--cluster-secret', 'client-resume-s3cret'];

describe('client library: a standalone restart on the same port', () => {
  let node: Node | undefined;
  afterEach(async () => {
    closeClients();
    await node?.stop();
  });

  it('reconnects by itself, emits gap for the new epoch and delivers every event once, in order', async () => {
    const port = await freePort();
    node = await startNode(['--port', String(port)]);
    const r = await recordingClient(`http://127.0.0.1:${port}`, TOPIC);
    await publishRange(node.publishPort, TOPIC, 1, 20);
    await seenAll(r, 20);
    await node.stop();
    node = await startNode(['--port', String(port)]);
    // History died with the process: the resume answers recovered: false in a new epoch.
    await eventually(() => r.gaps.length === 1, 15_000, 'gap after the restart');
    expect(r.gaps[0]).toMatchObject({ topic: TOPIC, reason: 'not-recovered' });
    expect(r.gaps[0]!.from!.seq).toBe(20);
    expect(r.gaps[0]!.epoch).not.toBe(r.gaps[0]!.from!.epoch);
    await publishRange(node.publishPort, TOPIC, 21, 40);
    await seenAll(r, 40);
    expect(r.seen).toEqual(range(1, 40));
    expect(r.states).toEqual(['connected', 'reconnecting', 'connected']);
  });
});

describe('client library: a cluster (1 dispatcher, 2 gateways)', () => {
  let d: Node;
  let gateways: Node[] = [];
  const gateway = (port: number): Promise<Node> =>
    startNode(
      [
        '--role',
        'gateway',
        '--port',
        String(port),
        '--dispatchers',
        `127.0.0.1:${d.linkPort}`,
        ...SECRET,
      ],
      {},
      LISTENERS.gateway,
    );

  beforeEach(async () => {
    d = await startNode(
      ['--role', 'dispatcher', '--link-port', '0', ...SECRET],
      {},
      LISTENERS.dispatcher,
    );
  });
  afterEach(async () => {
    closeClients();
    await Promise.all(gateways.map((g) => g.stop()));
    gateways = [];
    await d.stop();
  });

  it('resumes after its gateway restarts on the same port: the events published meanwhile are replayed, none twice', async () => {
    const port = await freePort();
    gateways.push(await gateway(port));
    const r = await recordingClient(`ws://127.0.0.1:${port}`, TOPIC);
    const publishing = publishRange(d.publishPort, TOPIC, 1, 120, 10);
    await seenAll(r, 20);
    await gateways[0]!.stop();
    gateways[0] = await gateway(port);
    await publishing;
    await seenAll(r, 120);
    expect(r.seen).toEqual(range(1, 120));
    expect(r.gaps).toEqual([]);
    expect(r.states.filter((s) => s === 'reconnecting')).toHaveLength(1);
  });

  it('moves to the other gateway when its gateway is killed and resumes there with since', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    gateways.push(await gateway(p1), await gateway(p2));
    const r = await recordingClient([`ws://127.0.0.1:${p1}`, `ws://127.0.0.1:${p2}`], TOPIC);
    const publishing = publishRange(d.publishPort, TOPIC, 1, 120, 10);
    await seenAll(r, 20);
    await gateways[0]!.stop('SIGKILL');
    await publishing;
    await seenAll(r, 120);
    expect(r.seen).toEqual(range(1, 120));
    expect(r.gaps).toEqual([]);
  });
});
