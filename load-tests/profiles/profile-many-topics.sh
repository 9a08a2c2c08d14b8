#!/usr/bin/env bash
# Runs troupe under --cpu-prof, drives it with the generator in the many-topics shape
# (T topics, S connections each subscribed to K consecutive topics), prints self time by function.
#   load-tests/profiles/profile-many-topics.sh [topics] [topics-per-conn] [rate] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
TOPICS=${1:-2000} K=${2:-3} RATE=${3:-16000} SECS=${4:-8}
DIR=$(mktemp -d /tmp/prof.XXXX)
node --max-semi-space-size=4 --no-allocation-site-pretenuring --cpu-prof --cpu-prof-dir="$DIR" dist/bin/troupe.js start --port 17070 --publish-port 17071 \
  --link-port 17072 --admin "$DIR/admin.sock" --log-level warn &
PID=$!
sleep 1.5
node dist/load-tests/generator/cli.js --ws 127.0.0.1:17070 --publish 127.0.0.1:17071 \
  --subs "$TOPICS" --topics "$TOPICS" --topics-per-conn "$K" --rate "$RATE" --seconds "$SECS" | tail -4
kill -INT $PID; wait $PID || true
node load-tests/profiles/summarize-cpuprofile.mjs "$DIR"/*.cpuprofile 40
