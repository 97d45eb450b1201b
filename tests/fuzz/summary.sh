#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints one line per fuzz target from its libFuzzer log: executions, coverage (cov: of the
# final stats line), corpus size; fails if any target crashed. Usage: summary.sh DIR NAME...
dir=$1
shift
status=0
printf '%-12s %12s %8s %8s  %s\n' target execs cov corpus result
for t in "$@"; do
	log=$dir/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -n 1)
	cov=$(grep ' cov: ' "$log" 2>/dev/null | tail -n 1 | sed 's/.* cov: \([0-9]*\).*/\1/')
	corpus=$(find "$dir/corpus/$t" -type f 2>/dev/null | wc -l)
	rc=$(cat "$dir/$t.rc" 2>/dev/null || echo missing)
	result=ok
	if [ "$rc" != 0 ]; then
		result="FAILED (exit $rc): see $log and $dir/crash/$t/"
		status=1
	fi
	printf '%-12s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${cov:-?}" "$corpus" "$result"
done
exit $status
