#!/usr/bin/env bash
# Protobuf against JSON for a LIST of COUNT realistic pods (~3.7 KB each) from the same server, alternating run by
# run: bytes on the wire, median time to last byte, and server CPU per list (from /proc, utime+stime).
# usage: bench/protobuf.sh   env: COUNT=5000 RUNS=20
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
COUNT=${COUNT:-5000}; RUNS=${RUNS:-20}
TMP=$(mktemp -d /tmp/edgemeta-protobuf.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}'; }   # utime+stime, after the "(comm)" field
TICK=$(getconf CLK_TCK)

log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
PORT=$(free_port); BASE=http://127.0.0.1:$PORT
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$BASE" --Storage:Path="$TMP/db/edgemeta.db" \
  --Logging:LogLevel:Default=Warning >"$TMP/server.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/readyz" && break; sleep 0.1; done
log "creating $COUNT pods"
"$TMP/bench/EdgeMeta.Bench" seed "$BASE" "$COUNT" 16 >/dev/null

declare -A TIMES CPU BYTES
for kind in json protobuf; do TIMES[$kind]=""; CPU[$kind]=0; done
accept() { [ "$1" = json ] && echo "application/json" || echo "application/vnd.kubernetes.protobuf"; }
for kind in json protobuf; do curl -s -o /dev/null -H "Accept: $(accept $kind)" "$BASE/api/v1/pods"; done   # warm-up
for run in $(seq 1 "$RUNS"); do
  for kind in json protobuf; do
    before=$(cpu_ticks "$SERVER")
    out=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' -H "Accept: $(accept $kind)" "$BASE/api/v1/pods")
    after=$(cpu_ticks "$SERVER")
    TIMES[$kind]+="${out% *} "; BYTES[$kind]=${out#* }; CPU[$kind]=$(( ${CPU[$kind]} + after - before ))
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]*1000}'; }
echo
echo "## Protobuf vs JSON, LIST of $COUNT pods, $RUNS runs each, alternating ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo "| form | bytes | median time to last byte | server CPU per list |"
echo "|---|---|---|---|"
for kind in json protobuf; do
  echo "| $kind | ${BYTES[$kind]} | $(echo "${TIMES[$kind]}" | median) ms | $(awk -v t="${CPU[$kind]}" -v r="$RUNS" -v k="$TICK" 'BEGIN{printf "%.0f ms", 1000*t/k/r}') |"
done
