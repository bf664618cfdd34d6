# shellcheck shell=bash
# The TAP-like lines the CLI tests print, sourced by them: ok NAME,
# not_ok NAME (counted in $failures), check NAME COMMAND... (ok when
# COMMAND succeeds).
failures=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failures=$((failures + 1)); }
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
