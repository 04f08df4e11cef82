#!/bin/sh
# A new port is its own file and one registry line: a throwaway port with
# other hazards than any registered one (v19's code with H5 fixed: an
# import's table is handed out as is, so it carries H3, H6 and H7 but runs
# H5's imports clean) is added to a copy of the tree, touching nothing
# else, and the registry-driven tests take it in: its verdict test is
# discovered and the whole suite (but this test) passes with it.
# Usage: test_throwaway_port.sh SOURCE_DIR
set -u
src=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
# The tree as it is (tracked and new files), without any build.
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$tmp" || exit 1
cd "$tmp" || exit 1
sed -e 's/sgtable_v19_ops/sgtable_throwaway_ops/' -e 's/\.name = "v19"/.name = "throwaway"/' \
    -e '/\.bench_reference = true,/d' -e 's/"v19-check-populate"/"throwaway-check-populate"/' \
    -e 's|^\tstruct devres \*res = v19_populate(o, dev);$|\tstruct devres *res;\n\n\tif (drm_gem_is_imported(\&o->base.shmem.base))\t/* H5 fixed */\n\t\treturn o->base.shmem.sgt;\n\tres = v19_populate(o, dev);|' \
    -e 's|^\t\.variants = .*$|&\n\t.clean_variants = SGTABLE_HAZ(H5),|' \
    core/sgtable/strategy_v19.c >core/sgtable/strategy_throwaway.c || exit 1
grep -q 'H5 fixed' core/sgtable/strategy_throwaway.c &&
    grep -q 'clean_variants = SGTABLE_HAZ(H5)' core/sgtable/strategy_throwaway.c ||
    { echo "FAIL: the H5 fix did not go into the throwaway port"; exit 1; }
sed -i 's/^#define SGTABLE_PORTS(X)\t\\$/&\n\tX(throwaway)\t\t\\/' core/sgtable/registry.c
grep -q 'X(throwaway)' core/sgtable/registry.c || { echo "FAIL: the registry line was not added"; exit 1; }
log=$tmp/log
if ! { cmake --preset default && cmake --build --preset default; } >"$log" 2>&1; then
	tail -30 "$log"; echo "FAIL: the tree with the throwaway port does not build"; exit 1
fi
# docs/hazards.md is generated from the registry (docs/design.md): a new port regenerates it.
python3 reports/hazards_md.py build/default/torture/sgtorture -o docs/hazards.md || exit 1
build/default/torture/sgtorture list | grep -q '^  throwaway ' ||
	{ echo "FAIL: list does not show the throwaway port"; exit 1; }
ctest --test-dir build/default -N | grep -q 'torture.verdict_throwaway' ||
	{ echo "FAIL: no verdict test discovered for the throwaway port"; exit 1; }
# The port's H5 is fixed: the strategies' import test finds it clean, where v19 is not.
ctest --test-dir build/default -R strategies.test_strategies -V 2>&1 |
    grep -q 'OK \] test_imported/throwaway' ||
    { echo "FAIL: test_imported did not pass on the throwaway port"; exit 1; }
if ! ctest --test-dir build/default -j2 -E '^core\.throwaway_port$' >"$log" 2>&1; then
	grep -E 'Failed|\*\*\*' "$log" | head -20; echo "FAIL: a test fails with the throwaway port"
	exit 1
fi
echo "PASS test_throwaway_port: $(grep -oE '[0-9]+ tests failed out of [0-9]+' "$log")," \
     "with the port's file and its registry line only"
