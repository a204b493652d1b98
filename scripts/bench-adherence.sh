#!/usr/bin/env bash
# Benchmarks `openmtm adherence` against its read-and-parse floor: see bench-batch.sh.
exec "$(dirname "$0")/bench-batch.sh" adherence "$@"
