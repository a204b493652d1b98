#!/usr/bin/env bash
# Measures a cold `openmtm up` (fresh data folder: migrations, JetStream
# streams, first key) until GET /readyz answers 200, and its resident memory
# after idling. Targets: ready in under 3 s, under 150 MB RSS idle.
#   scripts/bench-startup.sh [runs]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -trimpath -o "$work/openmtm" ./services/openmtm
echo "cores: $(nproc)   runs: $runs"
for i in $(seq 1 "$runs"); do
  data="$work/data-$i"
  start=$(date +%s%N)
  "$work/openmtm" up --data "$data" --http 127.0.0.1:18481 --grpc 127.0.0.1:19481 >"$work/log-$i" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null http://127.0.0.1:18481/readyz; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log-$i"; exit 1; }
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 3 # idle before reading RSS
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true; pid=
  printf 'run %d: cold ready in %d ms, idle RSS %d MB\n' "$i" "$ready_ms" $((rss_kb / 1024))
done
