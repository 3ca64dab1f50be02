#!/usr/bin/env bash
# Protobuf against JSON on one Release server holding COUNT realistic pods (~3.8 KB of JSON each):
#  1. the converter in-process (bench convert): µs and allocated bytes per pod, JSON → protobuf and back;
#  2. LIST of every pod, alternating the two forms run by run: bytes on the wire, median time to last byte,
#     server CPU per list (/proc utime+stime), and the server's peak RSS above its RSS before the list
#     (VmHWM, reset through /proc/<pid>/clear_refs) for the first list of each form and the largest over the runs;
#  3. a watch fan-out: WATCHERS watchers on the pods asking for one form, a writer patching pods at RATE/s for
#     WSECONDS, the forms alternating ROUNDS times: bytes per event, write → last watcher's receipt p50/p99,
#     server CPU per delivered event.
# Everything on 127.0.0.1 and bounded in time. Run it alone: flock /tmp/edgemeta-bench.lock bash bench/protobuf.sh
# usage: bench/protobuf.sh   env: COUNT=5000 RUNS=15 WATCHERS=200 RATE=20 WSECONDS=10 ROUNDS=2
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
COUNT=${COUNT:-5000}; RUNS=${RUNS:-15}; WATCHERS=${WATCHERS:-200}; RATE=${RATE:-20}; WSECONDS=${WSECONDS:-10}; ROUNDS=${ROUNDS:-2}
TMP=$(mktemp -d /tmp/edgemeta-protobuf.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}'; }   # utime+stime, after the "(comm)" field
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
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

echo
echo "## Protobuf vs JSON ($(date -u +%Y-%m-%dT%H:%M:%SZ), COUNT=$COUNT)"
echo
echo "### Converter, in-process (best of 5 rounds over $COUNT pods)"
"$TMP/bench/EdgeMeta.Bench" convert "$COUNT" 5 2>/dev/null | sed 's/^/    /'

declare -A TIMES CPU BYTES FIRSTPEAK MAXPEAK
accept() { [ "$1" = json ] && echo "application/json" || echo "application/vnd.kubernetes.protobuf"; }
# One list: prints "time bytes peak_kb" (peak RSS above the RSS before it).
list_once() {
  echo 5 > "/proc/$SERVER/clear_refs"
  local rss; rss=$(status_kb "$SERVER" VmRSS)
  local out; out=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' -H "Accept: $(accept "$1")" "$BASE/api/v1/pods")
  echo "$out $(( $(status_kb "$SERVER" VmHWM) - rss ))"
}
for kind in json protobuf; do
  read -r _ _ FIRSTPEAK[$kind] < <(list_once $kind)   # the first list of each form: no pooled buffers yet
  TIMES[$kind]=""; CPU[$kind]=0; MAXPEAK[$kind]=0
done
for run in $(seq 1 "$RUNS"); do
  for kind in json protobuf; do
    before=$(cpu_ticks "$SERVER")
    read -r time bytes peak < <(list_once $kind)
    after=$(cpu_ticks "$SERVER")
    TIMES[$kind]+="$time "; BYTES[$kind]=$bytes; CPU[$kind]=$(( ${CPU[$kind]} + after - before ))
    (( peak > ${MAXPEAK[$kind]} )) && MAXPEAK[$kind]=$peak
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]*1000}'; }
echo
echo "### LIST of $COUNT pods, $RUNS runs each, alternating"
echo "| form | bytes | median time to last byte | server CPU per list | peak RSS growth, first list | peak RSS growth, largest of the runs |"
echo "|---|---|---|---|---|---|"
for kind in json protobuf; do
  echo "| $kind | ${BYTES[$kind]} | $(echo "${TIMES[$kind]}" | median) ms | $(awk -v t="${CPU[$kind]}" -v r="$RUNS" -v k="$TICK" 'BEGIN{printf "%.0f ms", 1000*t/k/r}') | $(( ${FIRSTPEAK[$kind]} / 1024 )) MB | $(( ${MAXPEAK[$kind]} / 1024 )) MB |"
done

echo
echo "### Watch fan-out: $WATCHERS watchers on pods, $RATE patches/s for ${WSECONDS}s, forms alternating, $ROUNDS rounds each"
: > "$TMP/watch.txt"
for kind in json protobuf; do   # warm-up, not counted
  "$TMP/bench/EdgeMeta.Bench" watchfanout "$BASE" "$kind" "$WATCHERS" "$RATE" 2 "$SERVER" >/dev/null || true
done
for round in $(seq 1 "$ROUNDS"); do
  for kind in json protobuf; do
    "$TMP/bench/EdgeMeta.Bench" watchfanout "$BASE" "$kind" "$WATCHERS" "$RATE" "$WSECONDS" "$SERVER" | tee -a "$TMP/watch.txt" | sed 's/^/    /'
  done
done
awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } f = v["form"]; n[f]++
    b[f] += v["bytes_per_event"]; p50[f] += v["to_last_p50_ms"]; p99[f] += v["to_last_p99_ms"]; cpu[f] += v["server_cpu_us_per_event"] }
  END {
    print "| form | bytes per event | write → last watcher p50 | p99 | server CPU per delivered event |"
    print "|---|---|---|---|---|"
    for (f in n) printf "| %s | %.0f | %.1f ms | %.1f ms | %.1f µs |\n", f, b[f]/n[f], p50[f]/n[f], p99[f]/n[f], cpu[f]/n[f]
    if (n["json"] && n["protobuf"])
      printf "| protobuf/json | %.2f | %.2f | %.2f | %.2f |\n", b["protobuf"]/b["json"], p50["protobuf"]/p50["json"], p99["protobuf"]/p99["json"], cpu["protobuf"]/cpu["json"]
  }' "$TMP/watch.txt"
