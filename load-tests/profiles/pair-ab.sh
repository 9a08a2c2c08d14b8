#!/usr/bin/env bash
# Two builds of troupe loaded at the same time by two generators (many-topics shape), so the
# machine's noise hits both alike; prints each server's CPU ticks and B/A per run, and the median.
#   load-tests/profiles/pair-ab.sh N RATE SECS TREE_A TREE_B   (trees: built checkouts, npm run build)
set -uo pipefail
N=$1 RATE=$2 SECS=$3 A=$(cd "$4" && pwd) B=$(cd "$5" && pwd)
GEN="$B/dist/load-tests/generator/cli.js"
ratios=()
for i in $(seq $N); do
  D=$(mktemp -d /tmp/pab.XXXX)
  (cd $A && exec node --max-semi-space-size=4 --no-allocation-site-pretenuring dist/bin/troupe.js start --port 17070 --publish-port 17071 --link-port 17072 --admin $D/a.sock --log-level warn >/dev/null 2>&1) & PA=$!
  (cd $B && exec node --max-semi-space-size=4 --no-allocation-site-pretenuring dist/bin/troupe.js start --port 18070 --publish-port 18071 --link-port 18072 --admin $D/b.sock --log-level warn >/dev/null 2>&1) & PB=$!
  sleep 2
  gen() { node "$GEN" --ws 127.0.0.1:$1 --publish 127.0.0.1:$2 --subs 2000 --topics 2000 --topics-per-conn 3 --rate $RATE --seconds $3 2>&1 | grep -E "latency" | sed 's/.*p50/p50/'; }
  # Warm-up: connect and run 2 s on both, then measure.
  gen 17070 17071 2 >/dev/null & W=$!
  gen 18070 18071 2 >/dev/null; wait $W
  cpu() { awk '{print $14+$15}' /proc/$1/stat; }
  a0=$(cpu $PA); b0=$(cpu $PB)
  gen 17070 17071 $SECS > $D/ga & G1=$!
  gen 18070 18071 $SECS > $D/gb & G2=$!
  wait $G1 $G2
  a1=$(cpu $PA); b1=$(cpu $PB)
  kill -INT $PA $PB; wait $PA $PB 2>/dev/null
  r=$(awk "BEGIN{printf \"%.3f\", ($b1-$b0)/($a1-$a0)}")
  ratios+=($r)
  echo "run $i: A ticks $((a1-a0)) [$(cat $D/ga | cut -c1-40)] B ticks $((b1-b0)) [$(cat $D/gb | cut -c1-40)] B/A $r"
  rm -rf "$D"
done
echo "B/A per run: ${ratios[*]} median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}')"
