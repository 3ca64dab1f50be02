#!/usr/bin/env bash
# Foundation benchmark: 5,000 realistic pods (~3 KB) in EdgeMeta on 127.0.0.1, Release build, against a bare
# Kestrel endpoint serving the very same bytes (the ceiling), measured in the same run.
#   create: pods/s through POST (16 concurrent clients)
#   list:   GET /api/v1/pods (all 5,000), median time to last byte and MB/s, alternating with the same bytes from bare Kestrel
#   get:    GET of one pod under wrk -c32, requests/s and p99, vs the same bytes from bare Kestrel
# usage: bench/run.sh   env: COUNT=5000 DUR=10 RUNS=40 SYNC=FULL
# needs: dotnet SDK 10, wrk, curl   (apt-get install -y wrk)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
COUNT=${COUNT:-5000}; DUR=${DUR:-10}; RUNS=${RUNS:-40}; SYNC=${SYNC:-FULL}
TMP=$(mktemp -d /tmp/edgemeta-bench.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
for t in dotnet wrk curl python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
BENCH="$TMP/bench/EdgeMeta.Bench"

PORT=$(free_port); BASE=http://127.0.0.1:$PORT
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$BASE" --Storage:Path="$TMP/db/edgemeta.db" \
  --Storage:Synchronous="$SYNC" --Logging:LogLevel:Default=Warning >"$TMP/server.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
wait_up "$BASE/readyz"

log "creating $COUNT pods"
SEED=$("$BENCH" seed "$BASE" "$COUNT" 16)
log "$SEED"
CREATE=$(echo "$SEED" | grep '^BENCH create'); STATUS=$(echo "$SEED" | grep '^BENCH status')
"$BENCH" fetch "$BASE/api/v1/namespaces/default/pods/bench-00042" "$TMP/one.json"
"$BENCH" fetch "$BASE/api/v1/pods" "$TMP/list.json"
RSS_SERVER=$(awk '/^VmRSS/{print $2}' /proc/$SERVER/status)

REFPORT=$(free_port); REF=http://127.0.0.1:$REFPORT
"$BENCH" serve "$REFPORT" "$TMP/one.json" "$TMP/list.json" >"$TMP/ref.log" 2>&1 &
PIDS+=("$!")
wait_up "$REF/healthz"

log "list: $RUNS runs each, alternating"
LISTS=$("$BENCH" list "$BASE/api/v1/pods" "$REF/list" "$RUNS"); log "$LISTS"
LIST=$(echo "$LISTS" | sed -n 1p); LIST_REF=$(echo "$LISTS" | sed -n 2p)

log "single GET: wrk -t2 -c32 -d${DUR}s each (after a 3 s warm-up)"
wrk -t2 -c32 -d3s "$BASE/api/v1/namespaces/default/pods/bench-00042" >/dev/null 2>&1 || true
GET=$(wrk -t2 -c32 -d"${DUR}s" -s "$HERE/wrk-summary.lua" "$BASE/api/v1/namespaces/default/pods/bench-00042" | grep '^WRK'); log "$GET"
wrk -t2 -c32 -d3s "$REF/one" >/dev/null 2>&1 || true
GET_REF=$(wrk -t2 -c32 -d"${DUR}s" -s "$HERE/wrk-summary.lua" "$REF/one" | grep '^WRK'); log "$GET_REF"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
lm=$(echo "$LIST" | field median_ms); lr=$(echo "$LIST_REF" | field median_ms)
gm=$(echo "$GET" | field rps); gr=$(echo "$GET_REF" | field rps)
echo
echo "## EdgeMeta foundation benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); synchronous=$SYNC; pod $(wc -c <"$TMP/one.json") B; list $(wc -c <"$TMP/list.json") B"
echo
echo "| measure | EdgeMeta | bare Kestrel, same bytes | ratio |"
echo "|---|---:|---:|---:|"
echo "| LIST 5k pods, median time to last byte | ${lm} ms ($(echo "$LIST" | field mb_per_s) MB/s) | ${lr} ms ($(echo "$LIST_REF" | field mb_per_s) MB/s) | $(ratio "$lm" "$lr")x the time |"
echo "| GET one pod, wrk -c32 | ${gm} req/s, p99 $(echo "$GET" | field p99_ms) ms | ${gr} req/s, p99 $(echo "$GET_REF" | field p99_ms) ms | $(ratio "$gm" "$gr") of the rate |"
echo "| create pods, 16 clients | $(echo "$CREATE" | field per_second) pods/s | | |"
echo "| status patch of each pod, 16 clients | $(echo "$STATUS" | field per_second) patches/s | | |"
echo "| server RSS after seeding | $((RSS_SERVER / 1024)) MiB | | |"
