#!/usr/bin/env bash
# Regenerates gen/ from proto/ with pinned, locally installed plugins.
# Offline: no buf.build deps, no remote plugins (HTTP routes live in
# proto/openmtm/http.yaml, so no googleapis protos are needed).
set -euo pipefail
cd "$(dirname "$0")/.."

BUF_VERSION=v1.75.0
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2
GRPC_GATEWAY_VERSION=v2.33.0

# Tools go to a repo-independent cache dir so every clone shares them.
TOOLS_BIN="${OPENMTM_TOOLS_BIN:-$(go env GOPATH)/bin/openmtm-tools}"
mkdir -p "$TOOLS_BIN"
stamp="$TOOLS_BIN/.versions"
want="$BUF_VERSION $PROTOC_GEN_GO_VERSION $PROTOC_GEN_GO_GRPC_VERSION $GRPC_GATEWAY_VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "installing generators into $TOOLS_BIN" >&2
  GOBIN="$TOOLS_BIN" GOWORK=off go install \
    "github.com/bufbuild/buf/cmd/buf@$BUF_VERSION"
  GOBIN="$TOOLS_BIN" GOWORK=off go install \
    "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
  GOBIN="$TOOLS_BIN" GOWORK=off go install \
    "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
  GOBIN="$TOOLS_BIN" GOWORK=off go install \
    "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@$GRPC_GATEWAY_VERSION" \
    "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$GRPC_GATEWAY_VERSION"
  echo "$want" > "$stamp"
fi
export PATH="$TOOLS_BIN:$PATH"

buf lint
rm -rf gen/openmtm gen/openapi
buf generate
