#!/usr/bin/env bash
# The main job, shown: boots Debian bookworm's arm64 kernel under QEMU at
# EL2, and inside it uses our kexec to load the same kernel with a second
# initramfs and a marker on its command line, then `kexec -e` into it.
# Prints what happened: the plan kexec made, the purgatory's check, the
# second kernel's entry mode and command line, and how long each step took.
#
# usage: tests/demo.sh [el2|el1]       (as root on Debian bookworm)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-el2}
out=$top/build-demo

"$top/tests/setup-debian.sh"
echo "== building a static arm64 kexec"
kexec=$("$top/tests/build-static-kexec.sh" "$top/build-arm64")
echo "   $kexec"

echo "== booting Debian's arm64 kernel under QEMU ($mode), kexec'ing into it again"
status=0
"$top/tests/e2e/arm64-kexec.sh" --kexec "$kexec" --mode "$mode" --kexec-debug \
	--out "$out" >"$out.tap" 2>"$out.err" || status=$?

log=$out/serial.log
show() { # show TITLE ERE: serial lines matching ERE, without host stamps
	echo "-- $1"
	grep -E -- "$2" "$log" | sed 's/^[^ ]* /   /' || echo "   (none)"
}
echo "-- first kernel"
awk '/Bye!/ { exit } /CPU: All CPU\(s\) started|E2E: cmdline1/ { sub(/^[^ ]* /, "   "); print }' "$log"
echo "-- kexec -d -l /Image --initrd=/initrd2.cpio.gz --append=\"...\" printed its plan:"
awk '/E2E: END load rc=/ { exit } p { sub(/^[^ ]* /, "   "); print } /E2E: BEGIN load:/ { p = 1 }' "$log"
show "kexec -e" 'E2E: kexec -e now|Bye!'
show "purgatory" 'kexec purgatory'
show "second kernel" 'Booting Linux|Kernel command line|CPU: All CPU\(s\) started|E2E2: (init2 start|cmdline2)' |
	awk 'f || /Booting Linux/ && ++n == 2 { f = 1 } f || /^--/'
echo "-- timings (host wall clock, QEMU TCG)"
grep '^# time:' "$out.tap" | sed 's/^# time: /   /'
echo "-- checks: $(grep -c '^ok' "$out.tap") passed, $(grep -c '^not ok' "$out.tap" || true) failed"
grep '^not ok' "$out.tap" | sed 's/^/   /' || true
echo "   full serial log: $log"
exit "$status"
