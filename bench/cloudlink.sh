#!/usr/bin/env bash
# Edge-mode benchmark: two real server processes on 127.0.0.1, a standalone "cloud" and an edge syncing from it.
#   initial sync of PODS pods created upstream; delay from an upstream change to a local watcher (CHANGES label
#   patches at ~100/s, p50/p99); resync after the cloud was away while 10% of the pods were deleted and 10% changed.
# usage: bench/cloudlink.sh   env: PODS=5000 CHANGES=500
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
PODS=${PODS:-5000}; CHANGES=${CHANGES:-500}
TMP=$(mktemp -d /tmp/edgemeta-cloudlink.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
mkdir -p "$TMP/data"
timeout 600 "$TMP/bench/EdgeMeta.Bench" cloudsync "$TMP/server/MetaServer.Api" "$TMP/data" "$PODS" "$CHANGES"
