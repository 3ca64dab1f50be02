#!/usr/bin/env bash
# Makes what HTTPS with client certificates needs, with openssl:
#   ca.crt/ca.key            a CA (the server's Security:Tls:ClientCaFile, and what clients trust)
#   server.crt/server.key    the server certificate for 127.0.0.1, localhost and the node name
#   admin.crt/admin.key      CN=admin, O=system:masters         (may do everything)
#   node.crt/node.key        CN=system:node:<node>, O=system:nodes (the node agent; RBAC decides)
#   viewer.crt/viewer.key    CN=viewer, O=viewers               (a plain user; RBAC decides)
#   sa.key/sa.pub            an EC key pair for service account tokens (Security:ServiceAccounts:KeyFiles)
#   <name>.kubeconfig        a kubeconfig per client certificate, for https://127.0.0.1:<port>
# Usage: certs/make-certs.sh [output-dir] (default certs/out). Environment: NODE_NAME (edge-1), PORT (10550),
# DAYS (365). Existing files are replaced. Generated keys are git-ignored; never commit them.
set -euo pipefail

out=${1:-"$(dirname "$0")/out"}
node=${NODE_NAME:-edge-1}
port=${PORT:-10550}
days=${DAYS:-365}
mkdir -p "$out"
out=$(cd "$out" && pwd)
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# $1 name, $2 subject, $3 extensions (openssl -addext lines are not enough for a CA-signed leaf: use a file)
issue() {
  local name=$1 subject=$2 extensions=$3
  key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -subj "$subject" -out "$out/$name.csr"
  printf '%s\n' "$extensions" > "$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$out/$name.ext" -out "$out/$name.crt" 2>/dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
}

key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$((days * 3))" -subj "/CN=edgemeta-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/ca.crt"

issue server "/CN=edgemeta" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:$node"

client_ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
issue admin "/O=system:masters/CN=admin" "$client_ext"
issue node "/O=system:nodes/CN=system:node:$node" "$client_ext"
issue viewer "/O=viewers/CN=viewer" "$client_ext"
rm -f "$out/ca.srl"

key "$out/sa.key"
openssl pkey -in "$out/sa.key" -pubout -out "$out/sa.pub"

for user in admin node viewer; do
  cat > "$out/$user.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: edgemeta
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $out/ca.crt
users:
- name: $user
  user:
    client-certificate: $out/$user.crt
    client-key: $out/$user.key
contexts:
- name: $user@edgemeta
  context:
    cluster: edgemeta
    user: $user
    namespace: default
current-context: $user@edgemeta
YAML
done

echo "made in $out:"
ls -1 "$out"
