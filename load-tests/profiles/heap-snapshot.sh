#!/usr/bin/env bash
# Heap snapshots of troupe idle and with N subscribed connections; prints the growth in self
# size by type per connection.   load-tests/profiles/heap-snapshot.sh [conns=5000] [server js]
# SHAPE=linkedin subscribes as linkedin-node does (linkedin-layout.ts): connection i to li.<i mod
# N/10>, and one in ten to li.hot too; by default every connection subscribes to one topic, idle.
# SHAPE=worker: as one worker of a 100,000-connection linkedin-node sees it (a personal topic's
# 10 subscribers land on ~5.7 of 7 workers): connection i to li.<i*7919 mod TOPICS> (TOPICS
# defaults to N*0.55, ~1.8 subscribers a topic, spread over the routers), one in ten to li.hot.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
SERVER=${2:-$PWD/dist/bin/troupe.js}
DIR=$(mktemp -d /tmp/heap.XXXX)
# The node flags of the script's shebang, as the `troupe` command runs with them.
FLAGS=$(head -1 "$SERVER" | sed -n 's/^#!.*env -S node //p')
(cd "$DIR" && exec node $FLAGS --heapsnapshot-signal=SIGUSR2 "$SERVER" start --port 17370 \
  --publish-port 17371 --link-port 17372 --admin "$DIR/a.sock" --log-level warn) &
PID=$!
sleep 1.5
kill -USR2 $PID
while [ "$(ls "$DIR"/*.heapsnapshot 2>/dev/null | wc -l)" -lt 1 ]; do sleep 0.2; done
sleep 1
node -e "
const { RawWsClient } = require('./dist/load-tests/generator/ws-client.js');
const { packr } = require('./dist/load-tests/generator/framing.js');
const shape = '${SHAPE:-}';
const linkedin = shape === 'linkedin' || shape === 'worker';
const topics = Number('${TOPICS:-0}') || Math.ceil($N * 0.55);
const personal = (i) => 'li.' + (shape === 'worker' ? (i * 7919) % topics : i % Math.ceil($N / 10));
const subs = (i) => (linkedin ? [personal(i), ...(i % 10 === 0 ? ['li.hot'] : [])] : ['idle'])
  .map((topic, k) => packr.pack({ op: 'sub', id: k + 1, topic }));
const total = linkedin ? $N + Math.ceil($N / 10) : $N;
let acked = 0; const cs = [];
for (let i = 0; i < $N; i++) { const c = new RawWsClient({ host: '127.0.0.1', port: 17370, path: '/v1/ws', protocol: 'troupe.v1.msgpack', localAddress: '127.0.0.' + (2 + (i % 2)) },
  { onOpen: () => { for (const f of subs(i)) c.send(f); }, onMessage: (b, s, e) => { if (packr.unpack(b.subarray(s, e)).op === 'ack' && ++acked === total) { console.log('acked', acked); process.kill($PID, 'SIGUSR2'); setTimeout(() => process.exit(0), 8000); } }, onClose: () => {} }); cs.push(c); }
"
sleep 1
kill -INT $PID; wait $PID || true
FILES=($(ls "$DIR"/*.heapsnapshot | sort))
BASE="${FILES[0]}" node load-tests/profiles/heap-by-type.mjs "${FILES[1]}" 30 "$N"
