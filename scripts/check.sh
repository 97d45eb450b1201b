#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every suite (unit, static checks, end-to-end in network namespaces) and ends
# with one line "N passed, N failed". Exit status is non-zero on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
B=${B:-build}
export B
out=$(mktemp -d "${TMPDIR:-/tmp}/socksify-check.XXXXXX")
trap 'rm -rf "$out"' EXIT

# Run one suite, tee its TAP, and keep it for counting. A suite that dies without a
# plan counts as one failure.
suite() {
	name=$1
	shift
	echo "# suite: $name"
	"$@" >"$out/$name.tap" 2>"$out/$name.err"
	rc=$?
	cat "$out/$name.tap"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out/$name.tap"; then
		echo "not ok - suite $name exited with status $rc" | tee -a "$out/$name.tap"
		sed 's/^/#   /' "$out/$name.err" | tail -n 20
	elif grep -q '^not ok' "$out/$name.tap"; then
		sed 's/^/#   /' "$out/$name.err" | tail -n 20
	fi
}

for t in "$B"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	suite "unit-$(basename "$t")" "$t"
done

suite static scripts/static-checks.sh

if [ "${SAN:-}" = 1 ]; then
	# Leak checking of uninstrumented programs (curl, python3) reports their leaks, not
	# ours; the unit suites above run with it on. Any other report fails the program.
	ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export ASAN_OPTIONS UBSAN_OPTIONS
fi

for f in tests/e2e/*.bats; do
	[ -e "$f" ] || continue
	suite "e2e-$(basename "$f" .bats)" scripts/netns.sh bats --tap "$f"
done

passed=$(cat "$out"/*.tap | grep -c '^ok' || true)
skipped=$(cat "$out"/*.tap | grep -c '^ok .*# [Ss][Kk][Ii][Pp]' || true)
failed=$(cat "$out"/*.tap | grep -c '^not ok' || true)
passed=$((passed - skipped))
[ "$skipped" -gt 0 ] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
