#!/usr/bin/env bash
# Builds the real control-plane and Flux binaries (and Mailpit) from the Go module proxy, once per version, into a cache
# outside the repository (KUBEPORTAL_BIN_CACHE, default ~/.cache/kubeportal/bin). Prints the cache folder.
# A second run finds the binaries and returns at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBE_VERSION="v1.34.4"
ETCD_VERSION="v3.6.4"
FLUX_SOURCE_VERSION="v1.9.6"
FLUX_KUSTOMIZE_VERSION="v1.9.6"
# the kustomize whose API (sigs.k8s.io/kustomize/api v0.21.1) kustomize-controller v1.9.6 builds with
KUSTOMIZE_VERSION="v5.8.1"
# Mailpit: a real SMTP server with an HTTP API the tests read mail from
MAILPIT_VERSION="v1.27.11"
cache="${KUBEPORTAL_BIN_CACHE:-$HOME/.cache/kubeportal/bin}"
mkdir -p "$cache"
log() { printf '[build-binaries] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "Go is not installed: the control plane is built from Go modules (Go 1.24+ needed)"; exit 2; }
export GOFLAGS="-mod=mod -trimpath"
export CGO_ENABLED=0

# Mailpit, a module of its own: `go install` at the version into a temporary GOBIN, then into the cache
if [ ! -x "$cache/mailpit-$MAILPIT_VERSION" ]; then
  log "building mailpit-$MAILPIT_VERSION (first time only, about 40 s)"
  start=$SECONDS
  gobin="$(mktemp -d)"
  (cd "$gobin" && GOBIN="$gobin" GOFLAGS=-trimpath go install -ldflags "-s -w" "github.com/axllent/mailpit@$MAILPIT_VERSION")
  mv "$gobin/mailpit" "$cache/mailpit-$MAILPIT_VERSION"
  rm -rf "$gobin"
  log "built mailpit-$MAILPIT_VERSION in $((SECONDS - start)) s"
fi
# `build-binaries.sh mailpit` builds Mailpit alone (its tests need nothing else)
if [ "${1:-}" = mailpit ]; then echo "$cache"; exit 0; fi

build() { # output-name module-dir package [ldflags]
  local out="$cache/$1" dir="$2" pkg="$3" ldflags="${4:-}"
  if [ -x "$out" ]; then return 0; fi
  log "building $1 (first time only; see README for time and memory)"
  local start=$SECONDS
  (cd "$dir" && go build -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  log "built $1 in $((SECONDS - start)) s"
}

kv="-X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 -X k8s.io/component-base/version.gitTreeState=clean"
build "etcd-$ETCD_VERSION" "$here/go/kube" go.etcd.io/etcd/server/v3
build "kube-apiserver-$KUBE_VERSION" "$here/go/kube" k8s.io/kubernetes/cmd/kube-apiserver "$kv"
build "kube-controller-manager-$KUBE_VERSION" "$here/go/kube" k8s.io/kubernetes/cmd/kube-controller-manager "$kv"
build "kubectl-$KUBE_VERSION" "$here/go/kube" k8s.io/kubernetes/cmd/kubectl "$kv"
build "source-controller-$FLUX_SOURCE_VERSION" "$here/go/flux" github.com/fluxcd/source-controller
build "kustomize-controller-$FLUX_KUSTOMIZE_VERSION" "$here/go/flux" github.com/fluxcd/kustomize-controller

# kustomize itself, at the version Flux builds with, so the checks build clusters exactly as Flux does
if [ ! -x "$cache/kustomize-$KUSTOMIZE_VERSION" ]; then
  log "building kustomize-$KUSTOMIZE_VERSION (first time only)"
  gobin="$(mktemp -d)"
  (cd "$gobin" && GOBIN="$gobin" GOFLAGS=-trimpath go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION")
  mv "$gobin/kustomize" "$cache/kustomize-$KUSTOMIZE_VERSION"
  rm -rf "$gobin"
fi

# The Flux CRDs ship inside the controller module zips; copy the matching ones next to the binaries.
crds="$cache/flux-crds-$FLUX_SOURCE_VERSION-$FLUX_KUSTOMIZE_VERSION"
if [ ! -d "$crds" ]; then
  mkdir -p "$crds.tmp"
  for m in "github.com/fluxcd/source-controller@$FLUX_SOURCE_VERSION" "github.com/fluxcd/kustomize-controller@$FLUX_KUSTOMIZE_VERSION"; do
    d="$(cd "$here/go/flux" && go mod download -json "$m" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    cp "$d"/config/crd/bases/*.yaml "$crds.tmp/"
  done
  chmod u+w "$crds.tmp"/*.yaml
  mv "$crds.tmp" "$crds"
fi
# stable names for what the tests run: the versions are chosen above, once
mkdir -p "$cache/tools"
ln -sf "$cache/kubectl-$KUBE_VERSION" "$cache/tools/kubectl"
ln -sf "$cache/kustomize-$KUSTOMIZE_VERSION" "$cache/tools/kustomize"
echo "$cache"
