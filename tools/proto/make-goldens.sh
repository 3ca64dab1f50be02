#!/usr/bin/env bash
# Encodes the golden samples with protoc (Debian's protobuf-compiler), independently of EdgeMeta's code, from
# the upstream .proto files fetched by fetch-upstream.sh. Each <message>--<case>.txtpb under the test data
# folder becomes <message>--<case>.pb (the bare message); the .json beside it is what the bytes stand for.
# Two more: an unknown field (field 999) appended to a ConfigMap, and a whole k8s\0 envelope around a Pod.
#   usage: make-goldens.sh <fetched-sources-dir>
set -euo pipefail
src=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../../MetaServer.IntegrationTests/TestData/proto
full() { # core.v1.Pod -> k8s.io.api.core.v1.Pod ; meta.v1.Status -> k8s.io.apimachinery.pkg.apis.meta.v1.Status
    case $1 in
        meta.*) echo "k8s.io.apimachinery.pkg.apis.$1" ;;
        runtime.*) echo "k8s.io.apimachinery.pkg.$1" ;;
        *) echo "k8s.io.api.$1" ;;
    esac
}
protos=$(cd "$src" && find k8s.io -name generated.proto | sort)
encode() { (cd "$src" && protoc -I. --encode="$(full "$1")" $protos 2> >(grep -v "is unused" >&2)); }

for sample in "$data"/*.txtpb; do
    name=$(basename "$sample" .txtpb)
    encode "${name%%--*}" < "$sample" > "$data/$name.pb"
done

# An unknown field: tag 999 (length-delimited) with the bytes "later", as a newer client would send it.
{ cat "$data/core.v1.ConfigMap--binary.pb"; printf '\xba\x3e\x05later'; } > "$data/core.v1.ConfigMap--unknown.pb"

# The envelope: k8s\0 then runtime.Unknown{typeMeta{v1, Pod}, raw = the Pod, contentEncoding "", contentType ""}.
raw=$(python3 -c 'import sys; print("".join("\\%03o" % b for b in open(sys.argv[1], "rb").read()))' "$data/core.v1.Pod--full.pb")
{ printf 'k8s\0'; printf 'typeMeta { apiVersion: "v1" kind: "Pod" } raw: "%s" contentEncoding: "" contentType: ""\n' "$raw" | encode runtime.Unknown; } \
    > "$data/envelope--pod.pb"
ls -l "$data"/*.pb
