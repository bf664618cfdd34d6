#!/usr/bin/env bash
# End-to-end kexec test for arm64 under QEMU (TCG): boots Debian bookworm's
# cloud kernel with a busybox initramfs whose /init exercises `kexec -l/-S/-u`
# and finally `kexec -e` into the same kernel with a second initramfs, then
# checks from the host, in the serial log, that every step behaved and that
# the second kernel was entered at the same exception level as the first.
#
# usage: tests/e2e/arm64-kexec.sh (--kexec PATH | --kexec-tools-debian)
#            --mode el2|el1 [--out DIR] [--timeout SECONDS] [--verbose]
#   --kexec PATH          a static arm64 kexec binary (ours), put at /sbin/kexec
#   --kexec-tools-debian  Debian's kexec-tools:arm64 plus its shared libraries
#                         instead (to validate the harness itself)
#   --mode el2            QEMU with virtualization=on: the kernel starts at EL2
#   --mode el1            without it: the kernel starts at EL1
#   --out DIR             where the logs and captured data go
#                         (default tests/e2e/.out/arm64-MODE)
#   --timeout SECONDS     hard limit for the whole QEMU run (default 300)
#   --status-loaded-rc N  exit status `kexec -l -S` must give when a kernel is
#                         loaded (default 1, as kexec-tools: "Return 1 if the
#                         type is loaded, 0 if not"; the other of 0 and 1
#                         then means "not loaded", anything else
#                         means an error).
#   --scenario mismatch   instead of the boot scenario: load with a digest
#                         deliberately wrong (KEXEC_TEST_CORRUPT_DIGEST) and
#                         check that the purgatory reports the segment and
#                         halts instead of booting; QEMU is stopped as soon
#                         as the purgatory says it halted
#   --append2 "ARGS"      extra arguments for the second kernel's command line
#                         (e.g. initcall_debug to see where its boot time goes)
#   --kexec-debug         load with -d: the plan is printed in the serial log
#                         and the purgatory says when its checks passed
#   --verbose             also copy the serial console to stderr as it comes
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives: serial.log (every line stamped with the host's wall clock),
# iomem.txt (the first kernel's /proc/iomem), qemu-virt.dtb (QEMU's dumpdtb
# of the DTB it hands the first kernel), guest-fdt.dtb (/sys/firmware/fdt as
# the first kernel sees it), initrd1.cpio.gz, initrd2.cpio.gz.
set -euo pipefail
E2E_PROG=arm64-kexec # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" debian_kexec=no mode="" out="" timeout_s=300 verbose=no s_loaded=1 append2_extra=""
scenario=boot load_flags=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--kexec-tools-debian) debian_kexec=yes; shift ;;
	--mode) mode=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--status-loaded-rc) s_loaded=$2; shift 2 ;;
	--append2) append2_extra=" $2"; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--kexec-debug) load_flags=-d; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
case $mode in
el2) machine=virt,virtualization=on,gic-version=3,its=off; expect_el=EL2 ;;
el1) machine=virt,gic-version=3,its=off; expect_el=EL1 ;;
*) e2e_die "--mode must be el2 or el1" ;;
esac
case $s_loaded in
0|1) s_not_loaded=$((1 - s_loaded)) ;;
*) e2e_die "--status-loaded-rc must be 0 or 1" ;;
esac
case $scenario in
boot|mismatch) ;;
*) e2e_die "--scenario must be boot or mismatch" ;;
esac
# its=off: with the GICv3 ITS on and no UEFI, the first kernel's ITS tables
# stay live across kexec and corrupt the next kernel (ARM-BOOT-NOTES.md).
if [ $debian_kexec = yes ]; then
	[ -z "$kexec_bin" ] || e2e_die "--kexec and --kexec-tools-debian exclude each other"
else
	[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH or --kexec-tools-debian"
	[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
fi
out=${out:-$e2e_dir/.out/arm64-$mode-$scenario}
mkdir -p "$out"
out=$(cd "$out" && pwd)

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip base64:coreutils readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
if [ $debian_kexec = yes ]; then
	image=$("$e2e_dir/fetch-debian.sh" --kexec-tools)
	kexec_payload=(--tree "$e2e_debian/kexec-tools/min")
else
	image=$("$e2e_dir/fetch-debian.sh")
	readelf -h "$kexec_bin" 2>/dev/null | grep -q 'AArch64' || e2e_die "$kexec_bin is not an arm64 ELF"
	if readelf -l "$kexec_bin" | grep -q INTERP; then
		e2e_log "warning: $kexec_bin is dynamically linked; the initramfs has no libraries for it"
	fi
	kexec_payload=(--file "$kexec_bin:/sbin/kexec")
fi
busybox=$e2e_debian/busybox/bin/busybox

# A token the host invents, passed to the second kernel only through the
# command line given to `kexec -l --append`: finding it in the second
# kernel's /proc/cmdline proves the loader carried our command line.
token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1"
# earlycon makes the second kernel print from its first instructions, so the
# gap from the old kernel's "Bye!" to the new one can be timed.
append2="console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 e2e_marker=$token$append2_extra"

work=$out/work
rm -rf "$work"
mkdir -p "$work"

# --- the second initramfs: report and power off -------------------------------
cat >"$work/init2" <<'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "E2E2: init2 start"
echo "E2E2: cmdline2 $(cat /proc/cmdline)"
echo "E2E2: mode2 $(dmesg | grep -o 'CPU: All CPU(s) started at EL[0-9]' | head -n 1)"
echo "E2E2: init2 done, powering off"
poweroff -f
EOF
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz"

# --- the first initramfs: the scenario ----------------------------------------
# Two files that are not kernels: the Image cut to 4 KiB (a valid header but
# no body) and 64 KiB of random bytes.  Loading either must fail and must
# leave the already loaded kernel in place.
head -c 4096 "$image" >"$work/broken-Image"
head -c 65536 /dev/urandom >"$work/random-Image"

# The guest reports raw facts between "E2E: BEGIN x" / "E2E: END x ..." lines;
# the host decides what passes.  Every step reads back kexec_loaded too.
cat >"$work/init1" <<EOF
#!/bin/sh
APPEND2="$append2"
LOAD_FLAGS="$load_flags"
EOF
cat >>"$work/init1" <<'EOF'
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
KEXEC=/sbin/kexec
loaded() { cat /sys/kernel/kexec_loaded; }
# run NAME CMD...: runs CMD between markers, reporting its exit code and
# kexec_loaded afterwards.
run() {
	name=$1
	shift
	echo "E2E: BEGIN $name: $*"
	"$@"
	rc=$?
	echo "E2E: END $name rc=$rc loaded=$(loaded)"
}
echo "E2E: init1 start"
echo "E2E: cmdline1 $(cat /proc/cmdline)"
echo "E2E: mode1 $(dmesg | grep -o 'CPU: All CPU(s) started at EL[0-9]' | head -n 1)"
echo "E2E: BEGIN iomem"
cat /proc/iomem
echo "E2E: END iomem"
# The DTB the first kernel booted with, gzip'd (QEMU pads it to 1 MiB).
echo "E2E: BEGIN fdt"
gzip -c /sys/firmware/fdt | base64
echo "E2E: END fdt"

EOF
if [ "$scenario" = boot ]; then
	cat >>"$work/init1" <<'EOF'
run status-empty $KEXEC -l -S
run load $KEXEC $LOAD_FLAGS -l /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-loaded $KEXEC -l -S
run unload $KEXEC -u
run status-unloaded $KEXEC -l -S
run reload $KEXEC -l /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
run load-truncated $KEXEC -l /broken-Image
run load-random $KEXEC -l /random-Image
# Should a broken file have been accepted, it replaced the good kernel:
# load the good one again (always, to keep the script simple) so that
# kexec -e still means something; the host has counted the failure.
run reload-final $KEXEC $LOAD_FLAGS -l /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
sync
echo "E2E: kexec -e now"
$KEXEC -e
echo "E2E: END kexec-e rc=$? (kexec -e returned)"
EOF
else
	# Segment 1 is the initrd: its digest is recorded wrong on purpose.
	cat >>"$work/init1" <<'EOF'
run load-corrupt env KEXEC_TEST_CORRUPT_DIGEST=1 $KEXEC -d -l /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
sync
echo "E2E: kexec -e now"
$KEXEC -e
echo "E2E: END kexec-e rc=$? (kexec -e returned)"
EOF
fi
cat >>"$work/init1" <<'EOF'
poweroff -f
EOF
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
	"${kexec_payload[@]}" \
	--file "$image:/Image" \
	--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" \
	--file "$work/broken-Image:/broken-Image" \
	--file "$work/random-Image:/random-Image"

# -nic none: the default virtio NIC needs efi-virtio.rom (package
# ipxe-qemu), which a minimal host lacks, and the test needs no network.
qemu=(qemu-system-aarch64 -M "$machine" -cpu cortex-a57 -smp 2 -m 1024
	-nographic -no-reboot -nic none -kernel "$image" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid")

# The DTB QEMU hands the first kernel (with /chosen filled in); QEMU exits
# right after writing it.
rm -f "$out/qemu-virt.dtb"
qemu_dump=("${qemu[@]}")
qemu_dump[2]=$machine,dumpdtb=$out/qemu-virt.dtb
"${qemu_dump[@]}" </dev/null >"$work/dumpdtb.log" 2>&1 || true
[ -s "$out/qemu-virt.dtb" ] || e2e_log "warning: dumpdtb produced nothing (see $work/dumpdtb.log)"

# --- boot ---------------------------------------------------------------------
# Every serial line is stamped with the host's wall clock ($EPOCHREALTIME)
# when it arrives; carriage returns and NUL bytes are dropped.
# A purgatory that halted never ends the run by itself: stop QEMU as soon
# as it says so rather than waiting for the timeout.
halt_pattern='kexec purgatory: .*halted'
stamp() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//$'\r'/}
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
		[ $verbose = no ] || printf '%s\n' "$line" >&2
		if [[ $line =~ $halt_pattern ]] && [ -s "$work/qemu.pid" ]; then
			printf '%s HOST: purgatory halted; stopping QEMU\n' "$EPOCHREALTIME"
			kill "$(cat "$work/qemu.pid")" 2>/dev/null || true
		fi
	done 2>/dev/null
}
log=$out/serial.log
e2e_log "booting ($mode, token $token, timeout ${timeout_s}s); serial log: $log"
echo "$EPOCHREALTIME HOST: qemu start: ${qemu[*]}" >"$log"
set +e
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | stamp >>"$log"
qemu_rc=${PIPESTATUS[0]}
set -e
echo "$EPOCHREALTIME HOST: qemu exit status $qemu_rc" >>"$log"

# --- assertions ---------------------------------------------------------------
failures=0
check() {  # check DESCRIPTION CONDITION...
	local desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		failures=$((failures + 1))
	fi
}
# first line matching an ERE (stamp included), "" if none
first() { grep -m1 -E -- "$1" "$log" || true; }
# the text after the stamp
text() { printf '%s' "${1#* }"; }
# number of the first line matching an ERE, 0 if none
lineno() { grep -n -m1 -E -- "$1" "$log" | cut -d: -f1 || true; }
# "rc=N" and "loaded=N" of step NAME's END line
end_line() { first "E2E: END $1 rc="; }
rc_of() { end_line "$1" | sed -n 's/.* rc=\([0-9]*\).*/\1/p'; }
loaded_of() { end_line "$1" | sed -n 's/.* loaded=\([0-9]*\).*/\1/p'; }
# lines printed between step NAME's BEGIN and END markers (its messages)
output_of() {
	awk -v b="E2E: BEGIN $1:" -v e="E2E: END $1 rc=" '
		index($0, e) { exit } p { sub(/^[^ ]* /, ""); print } index($0, b) { p = 1 }' "$log"
}
eq() { [ "$1" = "$2" ]; }
ne() { [ -n "$1" ] && [ "$1" != "$2" ]; }

timed_out=no
case $qemu_rc in 124|137) timed_out=yes ;; esac
check "QEMU ended by itself within ${timeout_s}s (exit status $qemu_rc)" eq "$timed_out" no

init1=$(first 'E2E: init1 start')
check "first kernel ran the first /init" test -n "$init1"
mode1=$(first 'E2E: mode1 ' | grep -o 'EL[0-9]' | head -n 1 || true)
echo "# first kernel: $(text "$(first 'E2E: cmdline1 ')" | sed 's/.*E2E: //')"
echo "# first kernel entry mode: ${mode1:-unknown}"
check "first kernel entered at $expect_el (expected for --mode $mode)" eq "$mode1" "$expect_el"

# /proc/iomem between its markers; keep only iomem-shaped lines in case a
# kernel message interleaved.
awk '/E2E: END iomem/ { exit } p { sub(/^[^ ]* /, ""); print } /E2E: BEGIN iomem/ { p = 1 }' "$log" |
	grep -E '^ *[0-9a-f]+-[0-9a-f]+ : ' >"$out/iomem.txt" || true
check "first kernel's /proc/iomem saved to $out/iomem.txt" grep -q 'System RAM' "$out/iomem.txt"
awk '/E2E: END fdt/ { exit } p { sub(/^[^ ]* /, ""); print } /E2E: BEGIN fdt/ { p = 1 }' "$log" |
	grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null | gzip -dc >"$out/guest-fdt.dtb" 2>/dev/null || true
[ -s "$out/guest-fdt.dtb" ] || rm -f "$out/guest-fdt.dtb"

if [ "$scenario" = boot ]; then
	check "kexec -l -S says \"not loaded\" before anything is loaded (rc=$(rc_of status-empty), not loaded means $s_not_loaded)" eq "$(rc_of status-empty)" "$s_not_loaded"
	check "kexec_loaded is 0 before anything is loaded" eq "$(loaded_of status-empty)" 0
	check "kexec -l Image --initrd --append exits 0 (rc=$(rc_of load))" eq "$(rc_of load)" 0
	check "kexec_loaded is 1 after the load" eq "$(loaded_of load)" 1
	check "kexec -l -S says \"loaded\" once loaded (rc=$(rc_of status-loaded), loaded means $s_loaded)" eq "$(rc_of status-loaded)" "$s_loaded"
	check "kexec -u exits 0 (rc=$(rc_of unload))" eq "$(rc_of unload)" 0
	check "kexec_loaded is 0 after kexec -u" eq "$(loaded_of unload)" 0
	check "kexec -l -S says \"not loaded\" after kexec -u (rc=$(rc_of status-unloaded), not loaded means $s_not_loaded)" eq "$(rc_of status-unloaded)" "$s_not_loaded"
	check "second kexec -l exits 0 (rc=$(rc_of reload))" eq "$(rc_of reload)" 0
	check "kexec_loaded is 1 after the second load" eq "$(loaded_of reload)" 1
	for b in truncated random; do
		what="Image truncated to 4 KiB"
		[ $b = random ] && what="64 KiB of random bytes"
		msg=$(output_of "load-$b" | grep -v '^ *$' | head -n 1 || true)
		check "kexec -l of the $what exits non-zero (rc=$(rc_of load-$b))" ne "$(rc_of load-$b)" 0
		check "kexec -l of the $what prints a message${msg:+ (\"$msg\")}" test -n "$msg"
		check "kexec_loaded stays 1 after the failed load of the $what" eq "$(loaded_of load-$b)" 1
	done
	check "final kexec -l before kexec -e exits 0 (rc=$(rc_of reload-final))" eq "$(rc_of reload-final)" 0
	check "first /init reached kexec -e" test -n "$(first 'E2E: kexec -e now')"
	returned=$(first 'E2E: END kexec-e rc=')
	check "kexec -e did not return${returned:+ ($(text "$returned" | sed 's/.*E2E: //'))}" test -z "$returned"

	bye_n=$(lineno 'Bye!')
	check "first kernel said Bye! (machine_kexec reached)" test -n "$bye_n"
	boot2_n=0
	if [ -n "$bye_n" ]; then
		boot2_n=$(awk -v n="$bye_n" 'NR > n && /Booting Linux/ { print NR; exit }' "$log")
	fi
	check "second kernel booted (\"Booting Linux\" after \"Bye!\")" test -n "${boot2_n:-}" -a "${boot2_n:-0}" != 0
	init2=$(first 'E2E2: init2 start')
	check "second initramfs's /init ran" test -n "$init2"
	cmdline2=$(first 'E2E2: cmdline2 ')
	check "second kernel's /proc/cmdline carries e2e_marker=$token" grep -q "e2e_marker=$token" <<<"$cmdline2"
	mode2=$(first 'E2E2: mode2 ' | grep -o 'EL[0-9]' | head -n 1 || true)
	echo "# second kernel: $(text "$cmdline2" | sed 's/.*E2E2: //')"
	echo "# second kernel entry mode: ${mode2:-unknown}"
	check "second kernel entered at the same level as the first (${mode2:-?} vs ${mode1:-?})" \
		test -n "$mode2" -a "$mode2" = "$mode1"
	check "second kernel entered at $expect_el (expected for --mode $mode)" eq "$mode2" "$expect_el"
	check "second /init powered the machine off (QEMU exit status 0)" \
		test -n "$(first 'E2E2: init2 done')" -a "$qemu_rc" = 0

else
	check "kexec -l with a deliberately wrong digest exits 0 (rc=$(rc_of load-corrupt))" eq "$(rc_of load-corrupt)" 0
	check "kexec -d printed the test hook in the plan" grep -q "TEST HOOK: the digest of segment 1" "$log"
	check "first /init reached kexec -e" test -n "$(first 'E2E: kexec -e now')"
	bye_n=$(lineno 'Bye!')
	check "first kernel said Bye! (machine_kexec reached)" test -n "$bye_n"
	report=$(first 'kexec purgatory: segment 1 at 0x[0-9a-f]+ size 0x[0-9a-f]+: SHA-256 mismatch')
	check "purgatory reported the mismatch of segment 1 (the initrd) on the console" test -n "$report"
	check "purgatory printed the expected and found digests" \
		test -n "$(first '  expected [0-9a-f]{64}')" -a -n "$(first '  found    [0-9a-f]{64}')"
	check "purgatory said it halted" test -n "$(first 'kexec purgatory: not booting a corrupted kernel; halted')"
	boot2_n=0
	[ -n "$bye_n" ] && boot2_n=$(awk -v n="$bye_n" 'NR > n && /Booting Linux/ { print NR; exit }' "$log")
	check "no kernel booted after the mismatch" test -z "${boot2_n:-}" -o "${boot2_n:-0}" = 0
	check "the second /init never ran" test -z "$(first 'E2E2: init2 start')"
	check "QEMU was stopped once the purgatory halted (not by the timeout)" \
		test -n "$(first 'HOST: purgatory halted; stopping QEMU')"
	init2=""
fi

# --- timings ------------------------------------------------------------------
stamp_of() { [ -n "$1" ] && printf '%s' "${1%% *}"; }
span() {  # span LABEL FROM_LINE TO_LINE
	local a b
	a=$(stamp_of "$2" || true) b=$(stamp_of "$3" || true)
	if [ -n "$a" ] && [ -n "$b" ]; then
		awk -v a="$a" -v b="$b" -v l="$1" 'BEGIN { printf "# time: %-44s %7.2f s\n", l, b - a }'
	else
		printf '# time: %-44s     n/a\n' "$1"
	fi
}
qemu_start=$(head -n 1 "$log")
first2=""
[ "${boot2_n:-0}" != 0 ] && first2=$(awk -v n="$bye_n" 'NR > n && $2 != "" { print; exit }' "$log")
span "QEMU start to first /init" "$qemu_start" "$init1"
span "kexec -l (first load)" "$(first 'E2E: BEGIN load:')" "$(end_line load)"
span "kexec -l (second load)" "$(first 'E2E: BEGIN reload:')" "$(end_line reload)"
span "kexec -e marker to Bye!" "$(first 'E2E: kexec -e now')" "$(first 'Bye!')"
span "Bye! to the new kernel's first line" "$(first 'Bye!')" "$first2"
span "new kernel's first line to second /init" "$first2" "$init2"
span "QEMU start to QEMU exit" "$qemu_start" "$(tail -n 1 "$log")"
[ -n "$first2" ] && echo "# new kernel's first line: $(text "$first2")"

if [ $failures -gt 0 ]; then
	echo "# $failures assertion(s) failed; last 40 lines of the serial log ($log):"
	grep -v 'HOST: qemu exit' "$log" | tail -n 40 | sed 's/^[^ ]* /#   /'
	exit 1
fi
echo "# all assertions passed ($mode)"
