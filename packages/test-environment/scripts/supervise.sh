#!/usr/bin/env bash
# Runs one test-environment process and makes sure it dies with its owner: when the owning Node process
# (first argument) is gone, or this wrapper gets TERM/INT, the child is stopped (TERM, then KILL).
owner="$1"; shift
"$@" &
child=$!
stop() {
  kill -TERM "$child" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT HUP
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1 & wait $!; done
if kill -0 "$child" 2>/dev/null; then stop; fi
wait "$child"
