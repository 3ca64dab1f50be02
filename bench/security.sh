#!/usr/bin/env bash
# Security cost: GET of one configmap over plain HTTP (Security:Mode=None, the dotnet run default) against
# HTTPS with a client certificate, authenticated and authorized by RBAC, measured in the same run, both on
# kept-alive connections and with a new connection (TCP + TLS handshake) per request.
#   plain     http://, no authentication
#   admin     https://, CN=admin O=system:masters (allowed without looking at bindings)
#   node      https://, CN=system:node:edge-1 O=system:nodes, allowed by a RoleBinding (RBAC evaluated)
# usage: bench/security.sh   env: DUR=10 C=32
# needs: dotnet SDK 10, openssl, curl
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(dirname "$HERE")
DUR=${DUR:-10}; C=${C:-32}
TMP=$(mktemp -d /tmp/edgemeta-secbench.XXXXXX); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }
for t in dotnet openssl curl python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 1; }; done
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

log "publishing (Release)"
dotnet publish "$ROOT/MetaServer.Api" -c Release -o "$TMP/server" >"$TMP/pub1.log" 2>&1 || { tail -20 "$TMP/pub1.log"; exit 1; }
dotnet publish "$HERE/EdgeMeta.Bench" -c Release -o "$TMP/bench" >"$TMP/pub2.log" 2>&1 || { tail -20 "$TMP/pub2.log"; exit 1; }
BENCH="$TMP/bench/EdgeMeta.Bench"
"$ROOT/certs/make-certs.sh" "$TMP/certs" >/dev/null
CERTS=$TMP/certs
curl_admin() { curl -sf --cacert "$CERTS/ca.crt" --cert "$CERTS/admin.crt" --key "$CERTS/admin.key" "$@"; }

PLAIN_PORT=$(free_port); PLAIN=http://127.0.0.1:$PLAIN_PORT
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$PLAIN" --Storage:Path="$TMP/plain/edgemeta.db" \
  --Logging:LogLevel:Default=Warning >"$TMP/plain.log" 2>&1 &
PIDS+=("$!")
TLS_PORT=$(free_port); TLS=https://127.0.0.1:$TLS_PORT
"$TMP/server/MetaServer.Api" --Kestrel:Endpoints:Http:Url="$TLS" --Storage:Path="$TMP/tls/edgemeta.db" \
  --Security:Tls:CertificateFile="$CERTS/server.crt" --Security:Tls:KeyFile="$CERTS/server.key" --Security:Tls:ClientCaFile="$CERTS/ca.crt" \
  --Logging:LogLevel:Default=Warning >"$TMP/tls.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 300); do curl -sf -o /dev/null "$PLAIN/readyz" && curl -sf -o /dev/null --cacert "$CERTS/ca.crt" "$TLS/readyz" && break; sleep 0.1; done

CM='{"metadata":{"name":"bench"},"data":{"config.yaml":"'$(head -c 1500 /dev/zero | tr '\0' 'x')'"}}'
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$CM" "$PLAIN/api/v1/namespaces/default/configmaps"
curl_admin -o /dev/null -H 'Content-Type: application/json' -d "$CM" "$TLS/api/v1/namespaces/default/configmaps"
# Ten bindings for other subjects first, so the node's decision is not the only grant in the policy.
curl_admin -o /dev/null -H 'Content-Type: application/json' -d '{"metadata":{"name":"cm-reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}' \
  "$TLS/apis/rbac.authorization.k8s.io/v1/clusterroles"
for i in $(seq 1 10); do
  curl_admin -o /dev/null -H 'Content-Type: application/json' \
    -d '{"metadata":{"name":"other-'$i'"},"roleRef":{"kind":"ClusterRole","name":"cm-reader"},"subjects":[{"kind":"User","name":"user-'$i'"}]}' \
    "$TLS/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings"
done
curl_admin -o /dev/null -H 'Content-Type: application/json' \
  -d '{"metadata":{"name":"nodes-read"},"roleRef":{"kind":"ClusterRole","name":"cm-reader"},"subjects":[{"kind":"Group","name":"system:nodes"}]}' \
  "$TLS/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings"

PATH_CM=/api/v1/namespaces/default/configmaps/bench
declare -A R
for mode in keepalive close; do
  c=$C; [ "$mode" = close ] && c=8
  log "$mode: plain HTTP, -c$c ${DUR}s"; R[plain-$mode]=$("$BENCH" gets "$PLAIN$PATH_CM" "$c" "$DUR" "$mode"); log "${R[plain-$mode]}"
  log "$mode: HTTPS admin";  R[admin-$mode]=$("$BENCH" gets "$TLS$PATH_CM" "$c" "$DUR" "$mode" "$CERTS/admin.crt" "$CERTS/admin.key" "$CERTS/ca.crt"); log "${R[admin-$mode]}"
  log "$mode: HTTPS node (RBAC)"; R[node-$mode]=$("$BENCH" gets "$TLS$PATH_CM" "$c" "$DUR" "$mode" "$CERTS/node.crt" "$CERTS/node.key" "$CERTS/ca.crt"); log "${R[node-$mode]}"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
row() {
  local label=$1 key=$2 base=$3
  echo "| $label | $(echo "${R[$key]}" | field rps) req/s | $(echo "${R[$key]}" | field p50_ms) ms | $(echo "${R[$key]}" | field p99_ms) ms | $(ratio "$(echo "${R[$key]}" | field rps)" "$(echo "${R[$base]}" | field rps)") | $(echo "${R[$key]}" | field errors) |"
}
echo
echo "## EdgeMeta security cost $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores; GET one configmap (~1.6 KB); C# client (SocketsHttpHandler), ${DUR}s per row; ECDSA P-256 certificates"
echo
echo "| connection | req/s | p50 | p99 | of plain HTTP | errors |"
echo "|---|---:|---:|---:|---:|---:|"
row "plain HTTP, keep-alive, $C loops" plain-keepalive plain-keepalive
row "HTTPS + client cert (admin), keep-alive" admin-keepalive plain-keepalive
row "HTTPS + client cert (node, RBAC binding), keep-alive" node-keepalive plain-keepalive
row "plain HTTP, new connection per request, 8 loops" plain-close plain-close
row "HTTPS, new TLS handshake per request (admin)" admin-close plain-close
row "HTTPS, new TLS handshake per request (node, RBAC)" node-close plain-close
