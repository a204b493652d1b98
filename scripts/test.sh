#!/usr/bin/env bash
# The test command: every package of every module in go.work, with the race
# detector. Tests that need PostgreSQL or a NATS server run when
# OPENMTM_TEST_POSTGRES_URL / OPENMTM_TEST_NATS_URL are set (.ci/run sets
# them) and skip, saying so, otherwise. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test -race -count=1 "$@" github.com/openmtm/openmtm/...
