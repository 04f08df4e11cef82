# Shared by the scripts: build one preset quietly, failing loudly.
# shellcheck shell=bash

sgt_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# build PRESET: configure and build, printing the output only on failure.
sgt_build() {
  local preset=$1 log
  log=$(mktemp)
  if ! { cmake --preset "$preset" && cmake --build --preset "$preset"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "build of preset '$preset' failed" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "built preset '$preset'"
}
