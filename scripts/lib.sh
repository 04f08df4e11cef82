# Shared by the scripts: build one preset quietly, failing loudly.
# shellcheck shell=bash

sgt_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# build PRESET: configure and build, printing the output only on failure.
# One build at a time per checkout (flock): nightly shards on one machine,
# or a nightly and its benchmarks, share the build trees.
sgt_build() {
  local preset=$1 log
  log=$(mktemp)
  mkdir -p build
  if ! { flock 9 && cmake --preset "$preset" && cmake --build --preset "$preset"; } \
      9>build/.build.lock >"$log" 2>&1; then
    cat "$log" >&2
    echo "build of preset '$preset' failed" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "built preset '$preset'"
}
