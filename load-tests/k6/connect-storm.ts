/**
 * k6 version of the connect-storm scenario: new connections at a rising arrival rate, each
 * waiting for `hello` and one `sub` ack, then closing. Reports connect+sub time.
 *
 *   k6 run -e TROUPE_WS=ws://127.0.0.1:7070/v1/ws -e PEAK=2000 load-tests/k6/connect-storm.ts
 */
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import ws from 'k6/ws';
import { messagesOf, SUBPROTOCOL, subFrame, WS_URL } from './troupe-json.ts';

const PEAK = Number(__ENV.PEAK ?? 2000);

const connectSub = new Trend('connect_sub_ms', true);
const subscribed = new Counter('subscribed');

export const options: Options = {
  scenarios: {
    storm: {
      executor: 'ramping-arrival-rate',
      startRate: Math.ceil(PEAK / 10),
      timeUnit: '1s',
      preAllocatedVUs: Math.ceil(PEAK / 4),
      maxVUs: PEAK,
      stages: [
        { target: PEAK, duration: '10s' },
        { target: PEAK, duration: '10s' },
      ],
    },
  },
  thresholds: { connect_sub_ms: ['p(99)<1000'], checks: ['rate>0.99'] },
};

export default function (): void {
  const started = Date.now();
  let acked = false;
  const res = ws.connect(
    WS_URL,
    { headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL } },
    (socket) => {
      socket.on('message', (frame: string) => {
        for (const m of messagesOf(frame)) {
          if (m.op === 'hello') socket.send(subFrame(1, `k6.storm.${__VU % 100}`));
          else if (m.op === 'ack' && m.id === 1) {
            acked = true;
            connectSub.add(Date.now() - started);
            subscribed.add(1);
            socket.close(1000);
          }
        }
      });
      socket.setTimeout(() => socket.close(1000), 10_000);
    },
  );
  check(res, { 'upgraded (101)': (r) => r !== null && r.status === 101 });
  check(acked, { 'sub acknowledged': (a) => a });
}
