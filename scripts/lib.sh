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

# sgt_list SGTORTURE EXPR: EXPR over `sgtorture list --json` (the document is d),
# so that scripts read the strategy, hazard and model registries instead of
# repeating their names.
sgt_list() {
  "$1" list --json | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

# sgt_shard_count N SHARD: how many of N steps, dealt round robin, are shard I/M's.
sgt_shard_count() {
  local n=$1 i=${2%/*} m=${2#*/} k c=0
  for ((k = 0; k < n; k++)); do [ $((k % m)) -eq $((i - 1)) ] && c=$((c + 1)); done
  echo $c
}

# sgt_build_if_stale PRESET: setup and build only when build/PRESET's sgtorture
# is missing or older than a source or build file (quiet when it is current).
sgt_build_if_stale() {
  local bin=build/$1/torture/sgtorture
  if [ -x "$bin" ] && [ -z "$(find core torture bench cmake CMakeLists.txt CMakePresets.json \
      -newer "$bin" -type f -print -quit)" ]; then
    return 0
  fi
  ./scripts/setup >/dev/null && sgt_build "$1" >/dev/null
}
