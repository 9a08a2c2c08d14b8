#!/usr/bin/env bash
# Two builds of troupe run one after the other, N times each, under the same many-topics load
# (2,000 topics x 3 subscribers); prints each run's server CPU ticks and the generator's
# latency line, then the median ticks per build.
#   load-tests/profiles/alternate-ab.sh N RATE SECS TREE_A TREE_B   (trees: built checkouts)
set -uo pipefail
N=$1 RATE=$2 SECS=$3 A=$(cd "$4" && pwd) B=$(cd "$5" && pwd)
GEN="$B/dist/load-tests/generator/cli.js"
one() {
  local tree=$1 d; d=$(mktemp -d /tmp/alt.XXXX)
  (cd "$tree" && exec node --max-semi-space-size=4 --no-allocation-site-pretenuring dist/bin/troupe.js start --port 17070 --publish-port 17071 \
    --link-port 17072 --admin "$d/admin.sock" --log-level warn >/dev/null 2>&1) & local pid=$!
  sleep 1.5
  local g="node $GEN --ws 127.0.0.1:17070 --publish 127.0.0.1:17071 --subs 2000 --topics 2000 --topics-per-conn 3 --rate $RATE"
  $g --seconds 2 >/dev/null 2>&1 || true # warm-up
  local c0; c0=$(awk '{print $14+$15}' /proc/$pid/stat)
  local out; out=$($g --seconds "$SECS" 2>&1 | grep -E "latency" | sed 's/.*latency/latency/')
  local c1; c1=$(awk '{print $14+$15}' /proc/$pid/stat)
  kill -INT $pid; wait $pid 2>/dev/null; rm -rf "$d"
  echo "$((c1 - c0)) $out"
}
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
ta=(); tb=()
for i in $(seq "$N"); do
  r=$(one "$A"); echo "A $r"; ta+=("${r%% *}")
  r=$(one "$B"); echo "B $r"; tb+=("${r%% *}")
done
echo "A ticks ${ta[*]} median $(med "${ta[@]}") | B ticks ${tb[*]} median $(med "${tb[@]}")"
