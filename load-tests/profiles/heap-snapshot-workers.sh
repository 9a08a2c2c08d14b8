#!/usr/bin/env bash
# Heap snapshots of every process of `troupe start --workers W` (default 2), idle and with N
# subscribed connections, and each process's growth per connection by type:
#   load-tests/profiles/heap-snapshot-workers.sh N TOPICS   (N <= ~15,000: one client process)
# Connection i subscribes to li.<i*7919 mod TOPICS> (MUL=1: i mod TOPICS, the linkedin-node
# layout) and one in ten to li.hot too, from 127.0.0.2 and .3; the kernel spreads them over the
# workers, so a topic's subscribers land in several, as in linkedin-node. With 2 workers,
# 14,000 connections and 3,000 topics a worker sees ~2,900 topics of ~2.5 subscribers.
# Snapshots pause each process for a second or two; more than a few at once can outlast the
# link's 3 s heartbeat (MAINONLY=1 snapshots the main process alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:?connections}
TOPICS=${2:?topics}
DIR=$(mktemp -d /tmp/heap-workers.XXXX)
FLAGS=$(head -1 dist/bin/troupe.js | sed -n 's/^#!.*env -S node //p')
(cd "$DIR" && exec node $FLAGS --heapsnapshot-signal=SIGUSR2 "$OLDPWD/dist/bin/troupe.js" start \
  --workers "${W:-2}" --port 17370 --publish-port 17371 --link-port 0 --admin "$DIR/a.sock" \
  --log-level warn) &
PID=$!
sleep 4
PIDS="$PID $(pgrep -P $PID | tr '\n' ' ')"
[ -n "${MAINONLY:-}" ] && PIDS=$PID
for p in $PIDS; do kill -USR2 "$p"; done
sleep 3
node -e "
const { RawWsClient } = require('./dist/load-tests/generator/ws-client.js');
const { packr } = require('./dist/load-tests/generator/framing.js');
const subs = (i) => ['li.' + (i * ${MUL:-7919}) % $TOPICS, ...(i % 10 === 0 ? ['li.hot'] : [])]
  .map((topic, k) => packr.pack({ op: 'sub', id: k + 1, topic }));
const total = $N + Math.ceil($N / 10);
let acked = 0; const cs = [];
setTimeout(() => { console.error('only', acked, 'of', total, 'acked'); process.exit(1); }, 120000).unref();
for (let i = 0; i < $N; i++) { const c = new RawWsClient({ host: '127.0.0.1', port: 17370, path: '/v1/ws', protocol: 'troupe.v1.msgpack', localAddress: '127.0.0.' + (2 + (i % 2)) },
  { onOpen: () => { for (const f of subs(i)) c.send(f); }, onMessage: (b, s, e) => { if (packr.unpack(b.subarray(s, e)).op === 'ack' && ++acked === total) { console.log('acked', acked); for (const p of '$PIDS'.trim().split(' ')) process.kill(Number(p), 'SIGUSR2'); setTimeout(() => process.exit(0), 15000); } }, onClose: () => {} }); cs.push(c); }
"
kill -INT $PID
wait $PID || true
# Per connection the process holds: all N for the main process, N/W (the kernel's share, about)
# for a worker.
for p in $PIDS; do
  FILES=($(ls "$DIR"/*."$p".0.*.heapsnapshot | sort))
  [ ${#FILES[@]} -ge 2 ] || continue
  if [ "$p" = "$PID" ]; then PER=$N; echo "== main process $p (per connection of the node)"
  else PER=$((N / ${W:-2})); echo "== worker $p (per connection it holds, ~$PER)"; fi
  BASE="${FILES[0]}" node load-tests/profiles/heap-by-type.mjs "${FILES[1]}" 16 "$PER"
done
