#!/usr/bin/env bash
# MetaManager benchmark: messages/s through the MetaManager into SQLite with durable commits, and the delay from
# sending a message to its OK answer, against the raw SQLite batched-insert rate of the same rows in the same run.
# The bench process is the cloud's peer on the Unix socket (module "websocket"): it sends inserts, then updates,
# of ~3 KB pods from the edge controller, keeping WINDOW messages unanswered.
# usage: bench/messages.sh   env: COUNT=20000 WINDOW=512 SYNC=FULL BATCH=100
# WINDOW must stay under the bus's queue for the socket peer (Bus:QueueCapacity, 1024): answers that find it full
# are dropped and counted as undelivered, as any module that is not keeping up (the cloud resends until it gets
# its OK; this client does not, and would wait for them forever).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
COUNT=${COUNT:-20000}; WINDOW=${WINDOW:-512}; SYNC=${SYNC:-FULL}; BATCH=${BATCH:-100}
[ "$WINDOW" -lt 1024 ] || { echo "WINDOW must be below the bus queue's 1024 (see the usage above)" >&2; exit 2; }
TMP=$(mktemp -d /tmp/edgemeta-messages.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
BENCH="$TMP/bench/EdgeMeta.Bench"

log "raw SQLite: $COUNT rows, $BATCH per transaction, synchronous=$SYNC"
sync
RAW=$("$BENCH" rawsqlite "$TMP/raw" "$COUNT" "$BATCH" "$SYNC"); log "$RAW"
# Each run starts with the page cache clean: the kernel's writeback of one run's files must not land in the next.
rm -rf "$TMP/raw"; sync

PORT=$(free_port); BASE=http://127.0.0.1:$PORT; SOCK="$TMP/meta.sock"
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$BASE" --Storage:Path="$TMP/db/edgemeta.db" \
  --Storage:Synchronous="$SYNC" --Bus:SocketPath="$SOCK" --Bus:SocketModule=websocket \
  --Logging:LogLevel:Default=Warning >"$TMP/server.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
wait_up "$BASE/readyz"

# A server is measured warm: the same work once first, on other names, unreported (JIT tiering and PGO settle).
log "warm-up: $COUNT inserts and updates (not reported)"
"$BENCH" messages "$SOCK" "$COUNT" "$WINDOW" warmup quiet >/dev/null 2>&1
log "messages: $COUNT inserts then $COUNT updates, window $WINDOW"
MSG=$("$BENCH" messages "$SOCK" "$COUNT" "$WINDOW" bench); log "$MSG"
RSS=$(awk '/^VmHWM/{print $2}' /proc/$SERVER/status)

log "raw SQLite again (after, to share the machine's drift)"
sync
RAW2=$("$BENCH" rawsqlite "$TMP/raw2" "$COUNT" "$BATCH" "$SYNC"); log "$RAW2"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
raw=$(printf '%s\n%s\n' "$RAW" "$RAW2" | field per_second | sort -n | tail -1)
echo
echo "## EdgeMeta MetaManager benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores; synchronous=$SYNC; $COUNT messages per phase; window $WINDOW; server peak RSS $((RSS / 1024)) MiB"
echo
echo "| phase | messages/s | p50 send→OK | p99 send→OK | failures | vs raw SQLite ($BATCH rows/tx, best of 2: $raw rows/s) |"
echo "|---|---|---|---|---|---|"
echo "$MSG" | while read -r line; do
  op=$(echo "$line" | field op); ps=$(echo "$line" | field per_second)
  echo "| $op | $ps | $(echo "$line" | field p50_ms) ms | $(echo "$line" | field p99_ms) ms | $(echo "$line" | field failures) | $(awk -v a="$ps" -v b="$raw" 'BEGIN{printf "%.0f%%", 100*a/b}') |"
done
