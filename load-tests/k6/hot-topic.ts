/**
 * k6 version of the hot-topic scenario, for users who run k6 (>= 0.52 runs TypeScript as is):
 *
 *   k6 run -e TROUPE_WS=ws://127.0.0.1:7070/v1/ws -e TROUPE_HTTP=http://127.0.0.1:7070 \
 *          -e SUBS=500 -e RATE=200 load-tests/k6/hot-topic.ts
 *
 * SUBS virtual users each hold one WebSocket subscribed to one topic; a publisher scenario
 * POSTs to /v1/publish (HTTP publishing, on by default in standalone) at RATE/s. k6 is much
 * heavier per connection than the Node generator: use it for functional load, not capacity.
 */
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import ws from 'k6/ws';
import { HTTP_URL, messagesOf, PAD, SUBPROTOCOL, subFrame, WS_URL } from './troupe-json.ts';

const SUBS = Number(__ENV.SUBS ?? 500);
const RATE = Number(__ENV.RATE ?? 200);
const SECONDS = Number(__ENV.SECONDS ?? 30);
const TOPIC = __ENV.TOPIC ?? 'k6.hot';

const latency = new Trend('publish_to_receive_ms', true);
const events = new Counter('events_received');
const gaps = new Counter('seq_gaps');

export const options: Options = {
  scenarios: {
    subscribers: {
      executor: 'per-vu-iterations',
      exec: 'subscriber',
      vus: SUBS,
      iterations: 1,
      maxDuration: `${SECONDS + 30}s`,
    },
    publisher: {
      executor: 'constant-arrival-rate',
      exec: 'publisher',
      rate: RATE,
      timeUnit: '1s',
      duration: `${SECONDS}s`,
      startTime: '10s',
      preAllocatedVUs: 20,
      maxVUs: 100,
    },
  },
  thresholds: {
    publish_to_receive_ms: ['p(99)<100'],
    checks: ['rate>0.99'],
  },
};

export function subscriber(): void {
  const res = ws.connect(
    WS_URL,
    { headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL } },
    (socket) => {
      let last = -1;
      socket.on('message', (frame: string) => {
        for (const m of messagesOf(frame)) {
          if (m.op === 'hello') socket.send(subFrame(1, TOPIC));
          else if (m.op === 'ack' && typeof m.seq === 'number' && last < 0) last = m.seq;
          else if (m.op === 'ev') {
            events.add(1);
            if (last >= 0 && m.seq > last + 1) gaps.add(m.seq - last - 1);
            last = m.seq;
            if (typeof m.data?.t === 'number') latency.add(Date.now() - m.data.t);
          }
        }
      });
      socket.setTimeout(() => socket.close(1000), (SECONDS + 15) * 1000);
    },
  );
  check(res, { 'upgraded (101)': (r) => r !== null && r.status === 101 });
}

export function publisher(): void {
  const res = http.post(
    `${HTTP_URL}/v1/publish`,
    JSON.stringify({ topic: TOPIC, data: { t: Date.now(), pad: PAD } }),
    { headers: { 'Content-Type': 'application/json' } },
  );
  check(res, { 'published (200)': (r) => r.status === 200 });
}
