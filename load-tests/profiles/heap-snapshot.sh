#!/usr/bin/env bash
# Heap snapshots of troupe idle and with N subscribed connections; prints the growth in self
# size by type per connection.   load-tests/profiles/heap-snapshot.sh [conns=5000] [server js]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
SERVER=${2:-$PWD/dist/bin/troupe.js}
DIR=$(mktemp -d /tmp/heap.XXXX)
(cd "$DIR" && exec node --heapsnapshot-signal=SIGUSR2 "$SERVER" start --port 17370 \
  --publish-port 17371 --link-port 17372 --admin "$DIR/a.sock" --log-level warn) &
PID=$!
sleep 1.5
kill -USR2 $PID
while [ "$(ls "$DIR"/*.heapsnapshot 2>/dev/null | wc -l)" -lt 1 ]; do sleep 0.2; done
sleep 1
node -e "
const { RawWsClient } = require('./dist/load-tests/generator/ws-client.js');
const { packr } = require('./dist/load-tests/generator/framing.js');
const sub = packr.pack({ op: 'sub', id: 1, topic: 'idle' });
let acked = 0; const cs = [];
for (let i = 0; i < $N; i++) { const c = new RawWsClient({ host: '127.0.0.1', port: 17370, path: '/v1/ws', protocol: 'troupe.v1.msgpack', localAddress: '127.0.0.' + (2 + (i % 2)) },
  { onOpen: () => c.send(sub), onMessage: (b, s, e) => { if (packr.unpack(b.subarray(s, e)).op === 'ack' && ++acked === $N) { console.log('acked', acked); process.kill($PID, 'SIGUSR2'); setTimeout(() => process.exit(0), 8000); } }, onClose: () => {} }); cs.push(c); }
"
sleep 1
kill -INT $PID; wait $PID || true
FILES=($(ls "$DIR"/*.heapsnapshot | sort))
BASE="${FILES[0]}" node load-tests/profiles/heap-by-type.mjs "${FILES[1]}" 30 "$N"
