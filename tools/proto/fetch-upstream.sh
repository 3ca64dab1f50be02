#!/usr/bin/env bash
# Extracts the upstream protobuf schema sources (generated.proto and the Go types beside them) of k8s.io/api
# and k8s.io/apimachinery at one tag into a scratch folder, laid out by import path, for gen-descriptors.py
# and make-goldens.sh. Nothing fetched here is committed.
#   usage: fetch-upstream.sh <api-git-dir> <apimachinery-git-dir> <out-dir> [tag]
set -euo pipefail
api=$1 machinery=$2 out=$3 tag=${4:-v0.32.0}
api_dirs="core/v1 coordination/v1 discovery/v1 storage/v1 node/v1 rbac/v1"
machinery_dirs="pkg/apis/meta/v1 pkg/api/resource pkg/util/intstr pkg/runtime pkg/runtime/schema"
extract() { # git-dir tag dir dest
    mkdir -p "$4"
    git -C "$1" ls-tree --name-only "$2" "$3/" | grep -E '(generated\.proto|\.go)$' | grep -vE '(_test|generated\.pb|zz_generated.*)\.go$' |
        while read -r f; do git -C "$1" show "$2:$f" > "$4/$(basename "$f")"; done
}
for d in $api_dirs; do extract "$api" "$tag" "$d" "$out/k8s.io/api/$d"; done
for d in $machinery_dirs; do extract "$machinery" "$tag" "$d" "$out/k8s.io/apimachinery/$d"; done
echo "$out"
