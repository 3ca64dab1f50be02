#!/usr/bin/env bash
# Watch fan-out benchmark: WATCHERS concurrent watchers on configmaps in one namespace, one writer at RATE
# writes/s for SECONDS (Release, loopback). Reports events/s delivered to all (each watcher's revisions must only
# go up); the delay to each receipt from the commit — from when its transaction began (changes.committed_at) and
# from when it was durable (the StoreWriter's debug log line) — and from the write being sent (p50/p99; p50/p99
# of each second on stderr); CPU of server and load generator (cores, and microseconds per delivery); and the
# server's RSS growth per idle watcher.
# The server is measured warm, as bench/messages.sh does: the same load runs first for WARMUP seconds on other
# objects, unreported (JIT tiering settles; its first seconds are otherwise the run's p99). WARMUP=0 measures it cold.
# usage: bench/watch.sh   env: WATCHERS=1000 RATE=500 DURATION=10 SYNC=FULL WARMUP=5
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
WATCHERS=${WATCHERS:-1000}; RATE=${RATE:-500}; SECONDS_=${DURATION:-10}; SYNC=${SYNC:-FULL}; WARMUP=${WARMUP:-5}
TMP=$(mktemp -d /tmp/edgemeta-watch.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
ulimit -n 20000 2>/dev/null || true

log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
PORT=$(free_port); BASE=http://127.0.0.1:$PORT
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$BASE" --Storage:Path="$TMP/db/edgemeta.db" \
  --Storage:Synchronous="$SYNC" --Logging:LogLevel:Default=Warning --Logging:LogLevel:MetaServer.Data.StoreWriter=Debug \
  ${SERVER_ARGS:-} >"$TMP/server.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/readyz" && break; sleep 0.1; done
if [ "$WARMUP" -gt 0 ]; then
  log "warm-up: $WATCHERS watchers, $RATE writes/s for ${WARMUP}s (not reported)"
  timeout 300 "$TMP/bench/EdgeMeta.Bench" watch "$BASE" "$WATCHERS" "$RATE" "$WARMUP" "$SERVER" "$TMP/db/edgemeta.db" warm >/dev/null 2>&1 || true
fi
log "$WATCHERS watchers, $RATE writes/s for ${SECONDS_}s"
timeout 300 "$TMP/bench/EdgeMeta.Bench" watch "$BASE" "$WATCHERS" "$RATE" "$SECONDS_" "$SERVER" "$TMP/db/edgemeta.db" w "$TMP/server.log" | tee "$TMP/out.txt"
grep -q '^BENCH watch' "$TMP/out.txt"
