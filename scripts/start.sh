#!/usr/bin/env bash
# Starts the portal with its embedded defaults: SQLite in memory, guest sign-in, the example organisation,
# a GitHub emulator with a seeded GitOps repository, and two local clusters (dev, prod) built from Go modules,
# each a real control plane with real Flux syncing clusters/<cluster> from that repository.
# Frontend http://localhost:3000, backend http://localhost:7007, GitHub emulator http://127.0.0.1:7010.
# When app-config.local.yaml sets provisioning.clusters, those clusters are used and no local ones start.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
yarn install --immutable

generated=".local/app-config.environment.yaml"
rm -f "$generated.ready"
env_args=("$generated")
if [ -f app-config.local.yaml ] && node -e 'const y=require("yaml");const c=y.parse(require("fs").readFileSync("app-config.local.yaml","utf8"))||{};process.exit(c.provisioning&&c.provisioning.clusters?0:1)'; then
  echo "[start] app-config.local.yaml configures clusters: no local clusters are started"
  env_args+=(--no-clusters)
elif command -v go >/dev/null 2>&1; then
  echo "[start] building the local control plane and Flux on first use (about 12 minutes once; cached after)"
  packages/test-environment/scripts/build-binaries.sh >/dev/null
else
  echo "[start] Go is not installed: starting without local clusters"
  env_args+=(--no-clusters)
fi

node --require @backstage/cli-node/config/nodeTransform.cjs packages/test-environment/src/local/localEnvironment.ts "${env_args[@]}" &
env_pid=$!
trap 'kill -TERM $env_pid 2>/dev/null; wait $env_pid 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 240); do
  [ -f "$generated.ready" ] && break
  kill -0 $env_pid 2>/dev/null || { echo "[start] the local environment failed to start"; exit 1; }
  sleep 0.5
done
[ -f "$generated.ready" ] || { echo "[start] the local environment did not become ready"; exit 1; }

config=(--config "$PWD/app-config.yaml" --config "$PWD/$generated")
[ -f app-config.local.yaml ] && config+=(--config "$PWD/app-config.local.yaml")
yarn backstage-cli repo start "${config[@]}"
