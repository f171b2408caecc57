#!/usr/bin/env bash
# Starts the portal with its embedded defaults: SQLite in memory, guest sign-in, the example organisation.
# Frontend on http://localhost:3000, backend on http://localhost:7007. Ctrl-C stops both.
# Extra configuration goes in app-config.local.yaml (git-ignored), read after app-config.yaml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
yarn install --immutable
exec yarn start
