#!/usr/bin/env bash
# Runs troupe under --cpu-prof, drives it with the generator, prints self time by function.
#   load-tests/profiles/profile-hot-topic.sh [subs] [rate] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
SUBS=${1:-2000} RATE=${2:-1000} SECS=${3:-8}
DIR=$(mktemp -d /tmp/prof.XXXX)
node --cpu-prof --cpu-prof-dir="$DIR" dist/bin/troupe.js start --port 17070 --publish-port 17071 \
  --link-port 17072 --admin "$DIR/admin.sock" --log-level warn &
PID=$!
sleep 1.5
node dist/load-tests/generator/cli.js --ws 127.0.0.1:17070 --publish 127.0.0.1:17071 \
  --subs "$SUBS" --rate "$RATE" --seconds "$SECS" | tail -4
kill -INT $PID; wait $PID || true
node load-tests/profiles/summarize-cpuprofile.mjs "$DIR"/*.cpuprofile 35
