#!/usr/bin/env bash
# The whole test suite: installs what the machine lacks, then lint, formatting, type-check, unit and integration tests
# (Jest), and the browser tests (node's test runner driving Debian Chromium). Exits non-zero on any failure and
# ends with the line `N passed, N failed` summed over every runner.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
set +e
report="$(mktemp -d)"
passed=0
failed=0
skipped=0
status=0

step() { printf '\n=== %s ===\n' "$*"; }

# Under CI a real component that cannot be built or started fails the run; on a developer's machine it is skipped
# with the reason printed, and counted in the closing line.
if [ "${CI:-}" = "true" ]; then export KUBEPORTAL_REQUIRE_REAL=1; fi

step "install (yarn, lockfile)"
yarn install --immutable || { echo "yarn install failed"; echo "0 passed, 1 failed"; exit 1; }

if ! command -v chromium >/dev/null 2>&1; then
  step "install Chromium (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "install PostgreSQL (Debian package; the status store's tests run on it as in production)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
fi

step "control plane and Flux binaries (built from Go modules once, cached by version)"
if command -v go >/dev/null 2>&1; then
  build_start=$SECONDS
  if packages/test-environment/scripts/build-binaries.sh >"$report/go-build.log" 2>&1; then
    echo "ready after $((SECONDS - build_start)) s"
    # kubectl and kustomize for the tests come from the same cache: nothing is assumed installed
    tools="$(tail -1 "$report/go-build.log")/tools"
    export PATH="$tools:$PATH" KUSTOMIZE_BIN="$tools/kustomize"
  else
    tail -30 "$report/go-build.log"
    export KUBEPORTAL_KUBE_UNAVAILABLE="building the control plane from Go modules failed (see the log above)"
  fi
else
  export KUBEPORTAL_KUBE_UNAVAILABLE="Go is not installed, so kube-apiserver, etcd and Flux cannot be built"
fi
[ -n "${KUBEPORTAL_KUBE_UNAVAILABLE:-}" ] && echo "WARNING: tests that need a real control plane will be SKIPPED: $KUBEPORTAL_KUBE_UNAVAILABLE"

step "lint"
if yarn backstage-cli repo lint; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "formatting (prettier, the repository's own configuration)"
if yarn prettier --check . ; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "type-check"
if yarn tsc; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "unit and integration tests (Jest)"
CI=true yarn backstage-cli repo test --json --outputFile="$report/jest.json" --maxWorkers=2
jest_status=$?
if [ -f "$report/jest.json" ]; then
  read -r jp jf js < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites, r.numPendingTests)' "$report/jest.json")
  passed=$((passed + jp)); failed=$((failed + jf)); skipped=$((skipped + js))
else
  failed=$((failed + 1))
fi
[ "$jest_status" = 0 ] || status=1

step "browser tests (Chromium)"
if yarn workspace app build >"$report/app-build.log" 2>&1; then
  node --test --test-concurrency=1 --test-reporter=tap packages/app/e2e-tests/*.test.mjs | tee "$report/e2e.tap"
  e2e_status=${PIPESTATUS[0]}
  ep=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$report/e2e.tap" | tail -1)
  ef=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$report/e2e.tap" | tail -1)
  es=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$report/e2e.tap" | tail -1)
  passed=$((passed + ${ep:-0})); failed=$((failed + ${ef:-0})); skipped=$((skipped + ${es:-0}))
  if [ "$e2e_status" != 0 ]; then status=1; [ "${ef:-0}" = 0 ] && failed=$((failed + 1)); fi
else
  tail -40 "$report/app-build.log"; echo "app build failed"; failed=$((failed + 1)); status=1
fi

rm -rf "$report"
echo
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
exit $status
