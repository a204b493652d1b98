#!/usr/bin/env bash
# Benchmarks an offline batch command over the formats.md files, `openmtm
# eligibility`, `openmtm adherence` or `openmtm screen`, on a synthetic population from
# `openmtm synth`: its time, claim rows/s and peak RSS, against the floor of
# reading and parsing the same files the same way (`--parse-only`: same
# chunks, same workers, nothing computed). Targets for a million members
# (~40M claim rows) on 2 cores: under 60 s and under 2x the floor; memory
# grows with members, not rows (eligibility: under 1.5 GB).
#   scripts/bench-batch.sh eligibility          N=1000000 members, 3 runs each
#   N=100000 RUNS=1 scripts/bench-batch.sh adherence
#   RUNS=1 scripts/bench-batch.sh screen
# The population is written once to $BENCH_DIR (default
# ${TMPDIR:-/tmp}/openmtm-bench-eligibility-N-SEED) and reused by all three.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:?usage: scripts/bench-batch.sh eligibility|adherence|screen}"
n="${N:-1000000}"
seed="${SEED:-1}"
runs="${RUNS:-3}"
data="${BENCH_DIR:-${TMPDIR:-/tmp}/openmtm-bench-eligibility-$n-$seed}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/openmtm" ./services/openmtm

if [ ! -s "$data/rx_claims.csv" ] || [ ! -s "$data/members.csv" ] || [ ! -e "$data/diagnoses.csv" ]; then
  "$work/openmtm" synth --members "$n" --seed "$seed" --out "$data"
fi
members=$(($(wc -l <"$data/members.csv") - 1)) # synth writes no quoted newlines
claims=$(($(wc -l <"$data/rx_claims.csv") - 1))
diagnoses=$(($(wc -l <"$data/diagnoses.csv") - 1))
cat "$data"/*.csv >/dev/null # both kinds of run read from the page cache
files=(--members "$data/members.csv" --claims "$data/rx_claims.csv" --diagnoses "$data/diagnoses.csv")
case "$cmd" in
eligibility) args=(eligibility --contract-year 2025 --as-of 2025-12-31 "${files[@]}") ;;
adherence) args=(adherence --measurement-year "${YEAR:-2025}" "${files[@]}") ;;
screen) args=(screen --as-of "${AS_OF:-2025-12-31}" "${files[@]}") ;;
*) echo "unknown command $cmd: want eligibility, adherence or screen" >&2; exit 2 ;;
esac

# measure NAME ARGS...: one run; prints a line and appends "secs rss_kb cpu_secs" to $work/NAME.
measure() {
  local name=$1
  shift
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$work/openmtm" "$@" >"$work/out" 2>"$work/err" ||
    { cat "$work/err"; exit 1; }
  local secs kb user sys
  read -r secs kb user sys <"$work/time"
  echo "$secs $kb $(echo "$user + $sys" | bc -l)" >>"$work/$name"
  printf '  %-6s %6.1f s  %5.2fM claim rows/s  peak RSS %5d MB  CPU %.1f s\n' "$name" "$secs" \
    "$(echo "$claims / $secs / 1000000" | bc -l)" $((kb / 1024)) "$(echo "$user + $sys" | bc -l)"
}

echo "cores: $(nproc)   members: $members   claim rows: $claims   diagnosis rows: $diagnoses   runs: $runs"
for i in $(seq 1 "$runs"); do
  measure floor "${args[@]}" --parse-only
  measure batch "${args[@]}"
  lines=$(wc -l <"$work/out")
  # eligibility writes a line per member; adherence one per member and measure in a
  # denominator; screen one per finding.
  [ "$cmd" != eligibility ] || [ "$lines" -eq "$members" ] || { echo "batch wrote $lines lines for $members members"; exit 1; }
done
tail -n 1 "$work/err"

# best (lowest) time and CPU of each, and the highest peak RSS: other
# processes on a shared machine only ever slow a run down.
best() { sort -n "$work/$1" | head -n 1 | cut -d' ' -f1; }
rss() { sort -n -k2 "$work/$1" | tail -n 1 | cut -d' ' -f2; }
cpu() { sort -n -k3 "$work/$1" | head -n 1 | cut -d' ' -f3; }
floor=$(best floor)
batch=$(best batch)
printf 'floor (read + parse): %.1f s, %.2fM claim rows/s, peak RSS %d MB\n' "$floor" \
  "$(echo "$claims / $floor / 1000000" | bc -l)" $(($(rss floor) / 1024))
echo "lines written: $(wc -l <"$work/out")"
printf 'batch (%s): %.1f s, %.2fM claim rows/s, peak RSS %d MB (%d bytes per member)\n' "$cmd" "$batch" \
  "$(echo "$claims / $batch / 1000000" | bc -l)" $(($(rss batch) / 1024)) $(($(rss batch) * 1024 / members))
printf 'ratio batch/floor: %.2f in time, %.2f in CPU (%.1f s / %.1f s; best of %d runs each)\n' \
  "$(echo "$batch / $floor" | bc -l)" "$(echo "$(cpu batch) / $(cpu floor)" | bc -l)" "$(cpu batch)" "$(cpu floor)" "$runs"
