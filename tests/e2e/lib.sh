# shellcheck shell=bash disable=SC2034,SC2154
# Shared helpers for the end-to-end scripts in tests/e2e/.  Sourced, not run.
#
# Everything here must work on a fresh Debian bookworm machine: host tools
# are installed with apt-get only when missing, and arm64 / armhf packages
# become downloadable only after `dpkg --add-architecture ARCH` +
# `apt-get update`.

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
e2e_top=$(cd "$e2e_dir/../.." && pwd)
e2e_cache=${KEXEC_E2E_CACHE:-$e2e_dir/.cache}
# Our own sub-folder of the cache: tests/build-static-kexec.sh keeps its
# sysroot in the same cache and must not collide with us.
# One folder per Debian architecture (debian-arm64, debian-armhf);
# $e2e_debian is the arm64 one, for the scripts that only know arm64.
e2e_debian_for() { printf '%s/debian-%s' "$e2e_cache" "$1"; }
e2e_debian=$(e2e_debian_for arm64)

e2e_log() { echo "${E2E_PROG:-e2e}: $*" >&2; }
e2e_die() { e2e_log "error: $*"; exit 1; }

# Debian mirrors answer "Mirror sync in progress" now and then, which makes
# `apt-get update` fail on one index: retry a few times.
e2e_apt_update() {
	local i
	for i in 1 2 3 4 5; do
		apt-get update -q >&2 && return 0
		e2e_log "apt-get update failed (try $i of 5), retrying in 10 s"
		sleep 10
	done
	# An index that still fails is often a foreign one we do not need
	# (e.g. armhf security): carry on and let the download say what is missing.
	e2e_log "apt-get update kept failing; continuing with the indexes we have"
	return 0
}

# e2e_need_tools CMD:PACKAGE...: installs the packages whose command is
# missing.  Needs root only when something must be installed.
e2e_need_tools() {
	local spec missing=()
	for spec in "$@"; do
		command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || e2e_die "missing host packages (${missing[*]}); install them or run as root"
	e2e_log "installing host packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
		e2e_apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	}
}

# e2e_arch_visible ARCH PACKAGE: makes sure apt can download PACKAGE:ARCH,
# adding the architecture and refreshing the indexes when it cannot.
e2e_arch_visible() {
	local arch=$1 pkg=$2
	apt-cache show "$pkg:$arch" >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || e2e_die "$pkg:$arch is not downloadable; as root run: dpkg --add-architecture $arch && apt-get update"
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		e2e_log "adding the $arch architecture to dpkg"
		dpkg --add-architecture "$arch"
	fi
	e2e_apt_update
	apt-cache show "$pkg:$arch" >/dev/null 2>&1 || e2e_die "$pkg:$arch still not downloadable after apt-get update"
}
e2e_arm64_visible() { e2e_arch_visible arm64 "$1"; }

# e2e_our_kexec arm64|armhf: checks that $kexec_bin is our loader built for
# that architecture (a dynamic one only gets a warning: the initramfs has
# no libraries for it) and sets kexec_payload to put it at /sbin/kexec.
e2e_our_kexec() {
	case $1 in
	arm64) readelf -h "$kexec_bin" 2>/dev/null | grep -q 'AArch64' ||
		e2e_die "$kexec_bin is not an arm64 ELF" ;;
	armhf) readelf -h "$kexec_bin" 2>/dev/null | grep -q 'Machine: *ARM$' ||
		e2e_die "$kexec_bin is not a 32-bit ARM ELF" ;;
	*) e2e_die "e2e_our_kexec: unknown architecture $1" ;;
	esac
	if readelf -l "$kexec_bin" | grep -q INTERP; then
		e2e_log "warning: $kexec_bin is dynamically linked; the initramfs has no libraries for it"
	fi
	kexec_payload=(--file "$kexec_bin:/sbin/kexec")
}

# e2e_download DEST_DIR PKG...: `apt-get download` (no install) into DEST_DIR.
# apt-get download as root warns that it cannot drop to the _apt user when
# the folder is not writable by _apt; the warning is harmless.
e2e_download() {
	local dest=$1
	shift
	mkdir -p "$dest"
	(cd "$dest" && apt-get download -q "$@" 2>&1 | grep -v "unsandboxed as root" >&2) || true
	# apt-get's status is lost in the pipe: check that a .deb arrived per package.
	local p
	for p in "$@"; do
		ls "$dest/${p%%[:=]*}_"*.deb >/dev/null 2>&1 || e2e_die "apt-get download $p failed"
	done
}

# Is this file an uncompressed arm64 Image?  ("ARM\x64" at offset 0x38.)
e2e_is_arm64_image() {
	[ "$(od -An -c -j 56 -N 4 "$1" 2>/dev/null | tr -d ' ')" = 'ARMd' ]
}

# Is this file a 32-bit ARM zImage?  (0x016f2818 little-endian at 0x24.)
e2e_is_arm_zimage() {
	[ "$(od -An -tx1 -j 36 -N 4 "$1" 2>/dev/null | tr -d ' ')" = '18286f01' ]
}

# ==============================================================================
# The QEMU kexec harnesses (arm64-kexec.sh, arm-kexec.sh) share what follows.
# They set these globals before using it:
#   log        the stamped serial log          work     their scratch folder
#   verbose    yes: copy the console to stderr  failures assertion counter (0)
#   token      the marker for the second kernel's command line
#   s_loaded, s_not_loaded  what `kexec -l -S` returns when loaded / not
#   mode       the --mode value                 expect_mode  EL2, HYP, ...
#   kernel_desc  what the kernel file is called in messages (Image, zImage)
# ==============================================================================

# e2e_arm64_mode MODE: QEMU's machine (-M) and the exception level the
# kernel must report, for --mode el2 (virtualization=on) or el1.
# its=off: with the GICv3 ITS on and no UEFI, the first kernel's ITS tables
# stay live across kexec and corrupt the next kernel (ARM-BOOT-NOTES.md).
e2e_arm64_mode() {
	case $1 in
	el2) machine=virt,virtualization=on,gic-version=3,its=off; expect_mode=EL2 ;;
	el1) machine=virt,gic-version=3,its=off; expect_mode=EL1 ;;
	*) e2e_die "--mode must be el2 or el1" ;;
	esac
}

# e2e_out_dir DEFAULT: $out (the harness's --out) or else DEFAULT, created,
# made absolute.
e2e_out_dir() {
	out=${out:-$1}
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
}

# How the guest reports its entry mode: the kernel's "CPU: All CPU(s) started
# at EL2" (arm64) or "... started in HYP mode." (arm); e2e_mode_of keeps the
# EL2 / HYP / SVC part.
e2e_mode_ere='CPU: All CPU\(s\) started (at EL[0-9]|in [A-Z]+ mode)'
e2e_mode_of() { grep -o -E 'EL[0-9]|HYP|SVC' <<<"${1#*mode[12] }" | head -n 1 || true; }

# e2e_init2_head: the start every second kernel's /init shares (kexec'd or
# capture kernel): busybox applets, the pseudo file systems, and its command
# line and entry mode reported.
e2e_init2_head() {
	echo '#!/bin/sh'
	echo "MODE_ERE='$e2e_mode_ere'"
	cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "E2E2: init2 start"
echo "E2E2: cmdline2 $(cat /proc/cmdline)"
echo "E2E2: mode2 $(dmesg | grep -o -E "$MODE_ERE" | head -n 1)"
EOF
}

# e2e_write_init2 FILE: the second initramfs's /init: report and power off.
e2e_write_init2() {
	{
		e2e_init2_head
		cat <<'EOF'
echo "E2E2: init2 done, powering off"
poweroff -f
EOF
	} >"$1"
}

# The start every first /init shares: busybox applets, the pseudo file
# systems, the first kernel's command line and entry mode, and run NAME
# CMD..., which brackets CMD with markers carrying its exit code and the
# state of LOADED_FILE (kexec_loaded or kexec_crash_loaded) afterwards.
e2e_guest_prologue() {
	local loaded_file=$1
	cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
KEXEC=/sbin/kexec
EOF
	echo "loaded() { cat $loaded_file; }"
	cat <<'EOF'
run() {
	name=$1
	shift
	echo "E2E: BEGIN $name: $*"
	"$@"
	rc=$?
	echo "E2E: END $name rc=$rc loaded=$(loaded)"
}
# runx SECONDS NAME CMD...: as run, under a timeout (a hang must not eat the
# run), its stdout dropped and its stderr kept apart: each line reported as
# "E2E: stderr LINE" and counted in the END line (stderr_lines=N).
runx() {
	secs=$1
	name=$2
	shift 2
	echo "E2E: BEGIN $name: $(echo "$*" | cut -c1-100)"
	timeout "$secs" "$@" >/tmp/out 2>/tmp/err
	rc=$?
	sed 's/^/E2E: stderr /' /tmp/err
	echo "E2E: END $name rc=$rc loaded=$(loaded) stderr_lines=$(wc -l </tmp/err)"
}
echo "E2E: init1 start"
echo "E2E: cmdline1 $(cat /proc/cmdline)"
echo "E2E: mode1 $(dmesg | grep -o -E "$MODE_ERE" | head -n 1)"
EOF
}

# e2e_bad_inputs: the loads --scenario bad-inputs makes after a good one, as
# NAME|WHAT|ARGUMENTS lines (ARGUMENTS as the guest's /init writes them:
# $KERNEL, $BROKEN; /tmp/fifo, /tmp/dir and /tmp/big are made there, /hostile.dtb
# by e2e_make_initrd1).  Each must fail by itself with one line on stderr
# and leave the loaded kernel loaded.  (Should the long command line be
# accepted, its panic=-1 makes the kernel it loaded, which has no initramfs,
# end the run at once instead of at the timeout.)
e2e_bad_inputs() {
	cat <<'EOF'
fifo-initrd|a FIFO with no writer as --initrd|-l $KERNEL --initrd=/tmp/fifo
dev-zero|/dev/zero as the kernel|-l /dev/zero
truncated|the kernel cut to 4 KiB|-l $BROKEN
hostile-dtb|a version 3 DTB whose root name has no '/' as --dtb|-l $KERNEL --dtb=/hostile.dtb
long-cmdline|a command line of 3000 bytes|-l $KERNEL --command-line="panic=-1 $(head -c 2991 /dev/zero | tr '\0' a)"
dir|a directory as the kernel|-l /tmp/dir
big-initrd|an initrd of 60 % of MemAvailable (refused unread: it and the kernel's copy cannot both fit)|-l $KERNEL --initrd=/tmp/big
EOF
}

# e2e_write_init1 FILE SCENARIO KERNEL APPEND2 LOAD_FLAGS: the first
# initramfs's /init for SCENARIO (boot, mismatch, bad-inputs).  KERNEL is the
# kernel's path in the initramfs (/Image); /broken-NAME and /random-NAME next
# to it must be two files that are not kernels: loading either must fail and
# leave the loaded kernel in place.
# The guest reports raw facts between "E2E: BEGIN x" / "E2E: END x ..." lines;
# the host decides what passes.  Every step reads back kexec_loaded too.
e2e_write_init1() {
	local file=$1 scenario=$2 kernel=$3 append2=$4 load_flags=$5 kexec_env=${6:-}
	local dir=${kernel%/*} name=${kernel##*/}
	{
		echo '#!/bin/sh'
		# Environment for the guest's kexec (e.g. its test knobs).
		[ -z "$kexec_env" ] || echo "export $kexec_env"
		echo "APPEND2=\"$append2\""
		echo "LOAD_FLAGS=\"$load_flags\""
		echo "MODE_ERE='$e2e_mode_ere'"
		echo "KERNEL=$kernel"
		echo "BROKEN=$dir/broken-$name"
		echo "RANDOM_FILE=$dir/random-$name"
		e2e_guest_prologue /sys/kernel/kexec_loaded
		cat <<'EOF'
echo "E2E: BEGIN iomem"
cat /proc/iomem
echo "E2E: END iomem"
# The DTB the first kernel booted with, gzip'd (QEMU pads it to 1 MiB).
echo "E2E: BEGIN fdt"
gzip -c /sys/firmware/fdt | base64
echo "E2E: END fdt"

EOF
		case $scenario in
		boot)
			cat <<'EOF'
run status-empty $KEXEC -l -S
run load $KEXEC $LOAD_FLAGS -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-loaded $KEXEC -l -S
run unload $KEXEC -u
run status-unloaded $KEXEC -l -S
run reload $KEXEC -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
# Debian's kernels have no kexec_file_load(2) (and 32-bit arm none at all):
# -s must say so in one line, exit 253, and leave the loaded kernel alone.
runx 60 load-file-only $KEXEC -s -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
run load-truncated $KEXEC -l $BROKEN
run load-random $KEXEC -l $RANDOM_FILE
# Should a broken file have been accepted, it replaced the good kernel:
# load the good one again (always, to keep the script simple) so that
# kexec -e still means something; the host has counted the failure.
# Explicitly -a (the default): without kexec_file_load(2) it must end in
# kexec_load(2), which boots.
runx 60 reload-final $KEXEC $LOAD_FLAGS -a -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
EOF
			;;
		uki)
			# A UKI: its own .initrd and .cmdline, through kexec_load(2)
			# (our plan and purgatory); -d shows the kernel file's chain.
			cat <<'EOF'
run load $KEXEC $LOAD_FLAGS -c -d -l $KERNEL
EOF
			;;
		mismatch)
			# Segment 1 is recorded with a wrong digest on purpose.
			cat <<'EOF'
run load-corrupt env KEXEC_TEST_CORRUPT_DIGEST=1 $KEXEC -d -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
EOF
			;;
		bad-inputs)
			# A good load, then the loads of e2e_bad_inputs, each under
			# a timeout (a hang must not eat the run), its stderr kept
			# apart and counted.  No reload: kexec -e must boot what
			# the good load loaded.
			cat <<'EOF'
run load $KEXEC $LOAD_FLAGS -l $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
bad() { runx 30 "$@"; }
mkfifo /tmp/fifo
mkdir -p /tmp/dir
# Sparse, so that it takes no memory itself: the figure depends on nothing
# but MemAvailable, whatever the kernel and the initramfs use.
avail_kb=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
dd if=/dev/zero of=/tmp/big bs=1048576 count=0 seek=$((avail_kb * 6 / 10240)) 2>/dev/null
EOF
			e2e_bad_inputs | while IFS='|' read -r name _ argv; do
				echo "bad $name \$KEXEC $argv"
			done
			echo 'run status-after-bad $KEXEC -l -S'
			;;
		esac
		e2e_guest_kexec_e
	} >"$file"
}

# e2e_guest_kexec_e: how every first /init ends: kexec -e, which must not
# return (e2e_check_second_kernel).
e2e_guest_kexec_e() {
	cat <<'EOF'
sync
echo "E2E: kexec -e now"
$KEXEC -e
echo "E2E: END kexec-e rc=$? (kexec -e returned)"
poweroff -f
EOF
}

# e2e_stamp: copies stdin (the serial console) to stdout, every line stamped
# with the host's wall clock ($EPOCHREALTIME) when it arrives; carriage
# returns and NUL bytes are dropped.  A purgatory that halted never ends the
# run by itself: QEMU ($work/qemu.pid) is stopped as soon as it says so.
e2e_halt_pattern='kexec purgatory: .*halted'
e2e_stamp() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//$'\r'/}
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
		[ "$verbose" = no ] || printf '%s\n' "$line" >&2
		if [[ $line =~ $e2e_halt_pattern ]] && [ -s "$work/qemu.pid" ]; then
			printf '%s HOST: purgatory halted; stopping QEMU\n' "$EPOCHREALTIME"
			kill "$(cat "$work/qemu.pid")" 2>/dev/null || true
		fi
	done 2>/dev/null
}

# e2e_boot TIMEOUT QEMU_COMMAND...: runs QEMU (which must write its pid to
# $work/qemu.pid) under a hard timeout, its console stamped into $log;
# sets qemu_rc (124 or 137: timed out).
# e2e_make_initrd1 KERNEL NAME: the first initramfs (its /init already
# written to $work/init1): busybox, the kexec payload (array kexec_payload),
# KERNEL as /NAME, the second initramfs, and two files that are not kernels
# (KERNEL cut to 4 KiB and 64 KiB of random bytes) whose loads must fail.
# With --scenario bad-inputs, also /hostile.dtb: the fixture qemu-virt.dtb
# claiming version 3, in which node names are full paths (the root's "" has
# no '/').
e2e_make_initrd1() {
	local kernel=$1 kname=$2 extra=()
	head -c 4096 "$kernel" >"$work/broken-$kname"
	head -c 65536 /dev/urandom >"$work/random-$kname"
	if [ "$scenario" = bad-inputs ]; then
		cp "$e2e_top/tests/fixtures/dtb/qemu-virt.dtb" "$work/hostile.dtb"
		printf '\0\0\0\3\0\0\0\2' | dd of="$work/hostile.dtb" bs=1 seek=20 conv=notrunc status=none
		extra=(--file "$work/hostile.dtb:/hostile.dtb")
	fi
	"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
		"${kexec_payload[@]}" \
		--file "$kernel:/$kname" \
		--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" \
		--file "$work/broken-$kname:/broken-$kname" \
		--file "$work/random-$kname:/random-$kname" \
		"${extra[@]}"
}

# e2e_dump_dtb QEMU_ARGV...: $out/qemu-virt.dtb, the DTB QEMU hands the first
# kernel (with /chosen filled in), from the same command line with
# dumpdtb= added to -M (argv[2]); QEMU exits right after writing it.
e2e_dump_dtb() {
	local argv=("$@")
	rm -f "$out/qemu-virt.dtb"
	argv[2]=${argv[2]},dumpdtb=$out/qemu-virt.dtb
	timeout --kill-after=5 60 "${argv[@]}" </dev/null >"$work/dumpdtb.log" 2>&1 || true
	[ -s "$out/qemu-virt.dtb" ] || e2e_log "warning: dumpdtb produced nothing (see $work/dumpdtb.log)"
}

e2e_boot() {
	local timeout_s=$1
	shift
	echo "$EPOCHREALTIME HOST: qemu start: $*" >"$log"
	set +e
	timeout --kill-after=10 "$timeout_s" "$@" </dev/null 2>&1 | e2e_stamp >>"$log"
	qemu_rc=${PIPESTATUS[0]}
	set -e
	echo "$EPOCHREALTIME HOST: qemu exit status $qemu_rc" >>"$log"
}

# --- reading the serial log ---------------------------------------------------
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
# the lines between "E2E: BEGIN NAME" and "E2E: END NAME", unstamped
e2e_section() {
	awk -v b="E2E: BEGIN $1" -v e="E2E: END $1" '
		index($0, e) { exit } p { sub(/^[^ ]* /, ""); print } index($0, b) { p = 1 }' "$log"
}
eq() { [ "$1" = "$2" ]; }
ne() { [ -n "$1" ] && [ "$1" != "$2" ]; }
# the number of the first line after line N matching an ERE, 0 if none
e2e_after() { awk -v n="$1" -v re="$2" 'NR > n && $0 ~ re { print NR; exit }' "$log"; }

# e2e_check_first_kernel OUT: the first kernel's checks; saves its
# /proc/iomem to OUT/iomem.txt and /sys/firmware/fdt to OUT/guest-fdt.dtb.
e2e_check_first_kernel() {
	local out=$1 timed_out=no
	case $qemu_rc in 124|137) timed_out=yes ;; esac
	check "QEMU ended by itself within ${timeout_s}s (exit status $qemu_rc)" eq "$timed_out" no
	init1=$(first 'E2E: init1 start')
	check "first kernel ran the first /init" test -n "$init1"
	mode1=$(e2e_mode_of "$(first 'E2E: mode1 ')")
	echo "# first kernel: $(text "$(first 'E2E: cmdline1 ')" | sed 's/.*E2E: //')"
	echo "# first kernel entry mode: ${mode1:-unknown}"
	check "first kernel entered at $expect_mode (expected for --mode $mode)" eq "$mode1" "$expect_mode"
	# Keep only iomem-shaped lines in case a kernel message interleaved.
	e2e_section iomem | grep -E '^ *[0-9a-f]+-[0-9a-f]+ : ' >"$out/iomem.txt" || true
	check "first kernel's /proc/iomem saved to $out/iomem.txt" grep -q 'System RAM' "$out/iomem.txt"
	e2e_section fdt | grep -E '^[A-Za-z0-9+/=]+$' | base64 -d 2>/dev/null |
		gzip -dc >"$out/guest-fdt.dtb" 2>/dev/null || true
	[ -s "$out/guest-fdt.dtb" ] || rm -f "$out/guest-fdt.dtb"
}

# e2e_check_boot_scenario: the steps of the boot scenario, then the second
# kernel: booted, with our command line and initramfs, in the same mode.
e2e_check_boot_scenario() {
	local b what msg
	check "kexec -l -S says \"not loaded\" before anything is loaded (rc=$(rc_of status-empty), not loaded means $s_not_loaded)" eq "$(rc_of status-empty)" "$s_not_loaded"
	check "kexec_loaded is 0 before anything is loaded" eq "$(loaded_of status-empty)" 0
	check "kexec -l $kernel_desc --initrd --append exits 0 (rc=$(rc_of load))" eq "$(rc_of load)" 0
	check "kexec_loaded is 1 after the load" eq "$(loaded_of load)" 1
	check "kexec -l -S says \"loaded\" once loaded (rc=$(rc_of status-loaded), loaded means $s_loaded)" eq "$(rc_of status-loaded)" "$s_loaded"
	check "kexec -u exits 0 (rc=$(rc_of unload))" eq "$(rc_of unload)" 0
	check "kexec_loaded is 0 after kexec -u" eq "$(loaded_of unload)" 0
	check "kexec -l -S says \"not loaded\" after kexec -u (rc=$(rc_of status-unloaded), not loaded means $s_not_loaded)" eq "$(rc_of status-unloaded)" "$s_not_loaded"
	check "second kexec -l exits 0 (rc=$(rc_of reload))" eq "$(rc_of reload)" 0
	check "kexec_loaded is 1 after the second load" eq "$(loaded_of reload)" 1
	e2e_check_one_line_refusal load-file-only 253 "kexec -s -l (no kexec_file_load(2) on this kernel)" 1
	for b in truncated random; do
		what="$kernel_desc truncated to 4 KiB"
		[ $b = random ] && what="64 KiB of random bytes"
		msg=$(output_of "load-$b" | grep -v '^ *$' | head -n 1 || true)
		check "kexec -l of the $what exits non-zero (rc=$(rc_of load-$b))" ne "$(rc_of load-$b)" 0
		check "kexec -l of the $what prints a message${msg:+ (\"$msg\")}" test -n "$msg"
		check "kexec_loaded stays 1 after the failed load of the $what" eq "$(loaded_of load-$b)" 1
	done
	msg=$(e2e_stderr_of reload-final | grep -m1 '^kexec: syscall: ' || true)
	check "final kexec -a -l before kexec -e exits 0: -a ends in kexec_load(2) (rc=$(rc_of reload-final))${msg:+ (\"$msg\")}" \
		eq "$(rc_of reload-final)" 0
	# -d says which syscall -a took, and why.
	case " $load_flags " in
	*" -d "*) check "kexec -a -d says it used kexec_load(2) (\"${msg:-no \"kexec: syscall:\" line}\")" \
		grep -q '^kexec: syscall: kexec_load(2) (-a' <<<"$msg" ;;
	esac
	e2e_check_second_kernel
}

# e2e_stderr_of NAME: the stderr lines a runx step reported.
e2e_stderr_of() { output_of "$1" | sed -n 's/^E2E: stderr //p'; }

# e2e_check_one_line_refusal NAME RC WHAT LOADED [ERE]: runx step NAME
# failed by itself with exit status RC and exactly one line "kexec: ..." on
# stderr (matching ERE when given), and kexec_loaded was LOADED after it.
e2e_check_one_line_refusal() {
	local name=$1 want=$2 what=$3 loaded=$4 ere=${5:-} lines msg
	lines=$(end_line "$name" | sed -n 's/.* stderr_lines=\([0-9]*\).*/\1/p')
	msg=$(e2e_stderr_of "$name" | head -n 1)
	check "$what exits $want (rc=$(rc_of "$name"))" eq "$(rc_of "$name")" "$want"
	check "$what prints one line \"kexec: ...\" on stderr (lines: ${lines:-?}${msg:+, \"$msg\"})" \
		test "${lines:-0}" = 1 -a "${msg#kexec: }" != "$msg"
	[ -z "$ere" ] || check "$what: the line says /$ere/" grep -q -E -- "$ere" <<<"$msg"
	check "kexec_loaded is $loaded after $what" eq "$(loaded_of "$name")" "$loaded"
}

# e2e_check_uki_scenario: kexec -c -d -l of a UKI with no --initrd and no
# command line option: the plan names the UKI in the kernel file's chain,
# and the second kernel boots with the UKI's .cmdline (it carries the
# marker) and .initrd (its /init reports).
e2e_check_uki_scenario() {
	local chain
	chain=$(output_of load | grep -m1 -o 'kernel file: [^,]*' || true)
	check "kexec -c -d -l $kernel_desc (a UKI, no --initrd, no command line option) exits 0 (rc=$(rc_of load))" \
		eq "$(rc_of load)" 0
	check "kexec_loaded is 1 after the load" eq "$(loaded_of load)" 1
	check "-d's plan names the UKI: \"${chain:-no kernel file line}\" starts \"kernel file: UKI -> \"" \
		grep -q '^kernel file: UKI -> ' <<<"$chain"
	e2e_check_second_kernel
}

# e2e_check_bad_inputs_scenario: the good load, each of e2e_bad_inputs
# failed by itself with exit status 255 (a failed load, as kexec-tools says
# it; not the guest's timeout, 124, nor a signal, 128 + N) and one line
# "kexec: ..." on stderr, and left the kernel loaded, kexec -l -S says so;
# then kexec -e booted the good load (e2e_check_second_kernel).
e2e_check_bad_inputs_scenario() {
	local name what
	check "kexec -l $kernel_desc --initrd --append exits 0 (rc=$(rc_of load))" eq "$(rc_of load)" 0
	check "kexec_loaded is 1 after the load" eq "$(loaded_of load)" 1
	while IFS='|' read -r name what _; do
		e2e_check_one_line_refusal "$name" 255 "kexec -l with $what" 1
	done < <(e2e_bad_inputs)
	check "kexec -l -S says \"loaded\" after the bad loads (rc=$(rc_of status-after-bad), loaded means $s_loaded)" \
		eq "$(rc_of status-after-bad)" "$s_loaded"
	e2e_check_second_kernel
}

# e2e_check_second_kernel: kexec -e did not return, and the second kernel
# booted with our command line and initramfs, in the same mode as the first.
e2e_check_second_kernel() {
	local returned cmdline2
	check "first /init reached kexec -e" test -n "$(first 'E2E: kexec -e now')"
	returned=$(first 'E2E: END kexec-e rc=')
	check "kexec -e did not return${returned:+ ($(text "$returned" | sed 's/.*E2E: //'))}" test -z "$returned"

	bye_n=$(lineno 'Bye!')
	check "first kernel said Bye! (machine_kexec reached)" test -n "$bye_n"
	boot2_n=0
	[ -n "$bye_n" ] && boot2_n=$(e2e_after "$bye_n" 'Booting Linux')
	check "second kernel booted (\"Booting Linux\" after \"Bye!\")" test -n "${boot2_n:-}" -a "${boot2_n:-0}" != 0
	init2=$(first 'E2E2: init2 start')
	check "second initramfs's /init ran" test -n "$init2"
	cmdline2=$(first 'E2E2: cmdline2 ')
	check "second kernel's /proc/cmdline carries e2e_marker=$token" grep -q "e2e_marker=$token" <<<"$cmdline2"
	mode2=$(e2e_mode_of "$(first 'E2E2: mode2 ')")
	echo "# second kernel: $(text "$cmdline2" | sed 's/.*E2E2: //')"
	echo "# second kernel entry mode: ${mode2:-unknown}"
	check "second kernel entered in the same mode as the first (${mode2:-?} vs ${mode1:-?})" \
		test -n "$mode2" -a "$mode2" = "$mode1"
	check "second kernel entered at $expect_mode (expected for --mode $mode)" eq "$mode2" "$expect_mode"
	check "second /init powered the machine off (QEMU exit status 0)" \
		test -n "$(first 'E2E2: init2 done')" -a "$qemu_rc" = 0
}

# e2e_check_mismatch_scenario: the purgatory found segment 1's digest wrong,
# said so and halted; nothing booted.
e2e_check_mismatch_scenario() {
	local report
	check "kexec -l with a deliberately wrong digest exits 0 (rc=$(rc_of load-corrupt))" eq "$(rc_of load-corrupt)" 0
	check "kexec -d printed the test hook in the plan" grep -q "TEST HOOK: the digest of segment 1" "$log"
	check "first /init reached kexec -e" test -n "$(first 'E2E: kexec -e now')"
	bye_n=$(lineno 'Bye!')
	check "first kernel said Bye! (machine_kexec reached)" test -n "$bye_n"
	report=$(first 'kexec purgatory: segment 1 at 0x[0-9a-f]+ size 0x[0-9a-f]+: SHA-256 mismatch')
	check "purgatory reported the mismatch of segment 1 on the console" test -n "$report"
	check "purgatory printed the expected and found digests" \
		test -n "$(first '  expected [0-9a-f]{64}')" -a -n "$(first '  found    [0-9a-f]{64}')"
	check "purgatory said it halted" test -n "$(first 'kexec purgatory: not booting a corrupted kernel; halted')"
	boot2_n=0
	[ -n "$bye_n" ] && boot2_n=$(e2e_after "$bye_n" 'Booting Linux')
	check "no kernel booted after the mismatch" test -z "${boot2_n:-}" -o "${boot2_n:-0}" = 0
	check "the second /init never ran" test -z "$(first 'E2E2: init2 start')"
	check "QEMU was stopped once the purgatory halted (not by the timeout)" \
		test -n "$(first 'HOST: purgatory halted; stopping QEMU')"
	init2=""
}

# e2e_check_scenario: the checks of $scenario, after e2e_check_first_kernel.
e2e_check_scenario() {
	case $scenario in
	boot) e2e_check_boot_scenario ;;
	mismatch) e2e_check_mismatch_scenario ;;
	bad-inputs) e2e_check_bad_inputs_scenario ;;
	uki) e2e_check_uki_scenario ;;
	esac
}
# e2e_scenario_valid [EXTRA...]: dies unless $scenario is one the kexec
# harnesses run (boot, mismatch, bad-inputs) or one of EXTRA, the caller's.
e2e_scenario_valid() {
	local s
	for s in boot mismatch bad-inputs "$@"; do
		[ "$scenario" != "$s" ] || return 0
	done
	e2e_die "--scenario must be one of: boot mismatch bad-inputs $*"
}

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
# e2e_timings: the standard spans of a run (after the scenario checks).
e2e_timings() {
	local qemu_start first2=""
	qemu_start=$(head -n 1 "$log")
	[ "${boot2_n:-0}" != 0 ] && first2=$(awk -v n="$bye_n" 'NR > n && $2 != "" { print; exit }' "$log")
	span "QEMU start to first /init" "$qemu_start" "$init1"
	if [ -n "$(end_line load-corrupt)" ]; then
		span "kexec -l (with the wrong digest)" "$(first 'E2E: BEGIN load-corrupt:')" "$(end_line load-corrupt)"
	else
		span "kexec -l (first load)" "$(first 'E2E: BEGIN load:')" "$(end_line load)"
	fi
	[ -z "$(end_line reload)" ] ||
		span "kexec -l (second load)" "$(first 'E2E: BEGIN reload:')" "$(end_line reload)"
	span "kexec -e marker to Bye!" "$(first 'E2E: kexec -e now')" "$(first 'Bye!')"
	span "Bye! to the new kernel's first line" "$(first 'Bye!')" "$first2"
	span "new kernel's first line to second /init" "$first2" "$init2"
	span "QEMU start to QEMU exit" "$qemu_start" "$(tail -n 1 "$log")"
	[ -z "$first2" ] || echo "# new kernel's first line: $(text "$first2")"
}

# e2e_finish LABEL: the verdict; on failure the log's last 40 lines, exit 1.
e2e_finish() {
	if [ "$failures" -gt 0 ]; then
		echo "# $failures assertion(s) failed; last 40 lines of the serial log ($log):"
		grep -v 'HOST: qemu exit' "$log" | tail -n 40 | sed 's/^[^ ]* /#   /'
		exit 1
	fi
	echo "# all assertions passed ($1)"
}

# e2e_build_guest ARCH SRC OUT: cross-compiles a small C program for the
# guest (ARCH arm64 or armhf), static (the initramfs has no libraries),
# warnings as errors.  Installs the cross compiler and its libc when missing.
e2e_build_guest() {
	local arch=$1 src=$2 out=$3 triplet
	case $arch in
	arm64) triplet=aarch64-linux-gnu ;;
	armhf) triplet=arm-linux-gnueabihf ;;
	*) e2e_die "e2e_build_guest: unknown architecture $arch" ;;
	esac
	e2e_need_tools "$triplet-gcc:gcc-$triplet"
	# The static libc is no command: name one that never exists to install it.
	[ -f "/usr/$triplet/lib/libc.a" ] || e2e_need_tools "e2e-no-such-command:libc6-dev-$arch-cross"
	mkdir -p "$(dirname "$out")"
	"$triplet-gcc" -static -O2 -Wall -Wextra -Werror -o "$out" "$src" ||
		e2e_die "cannot build $src for $arch"
}

# ==============================================================================
# The kdump harnesses (arm64-kdump.sh, arm-kdump.sh) share what follows, on
# top of the globals above; they also set
#   token      the token planted in pages and passed on the capture command line
#   pages      how many pages to plant         smp   the guest's CPU count
#   kernel_desc  what the kernel file is called in messages (Image, zImage)
# and may set
#   kdump_panic  how the first kernel panics: sysrq (the default: echo c to
#              /proc/sysrq-trigger) or init-exit (/init exits, and the kernel
#              panics "Attempted to kill init!"), for a kernel without
#              CONFIG_MAGIC_SYSRQ
#   kdump_dump_tools  yes: the capture kernel also runs Debian's dump tools
#              (e2e_kdump_dump_tools_*; --dump-tools of both harnesses)
# ==============================================================================

# e2e_kdump_write_init2 FILE: the capture kernel's /init: reads /proc/vmcore
# with /vmcore-check (then, with kdump_dump_tools=yes, runs Debian's dump
# tools: e2e_kdump_dump_tools_guest), reports oopses, powers off.
e2e_kdump_write_init2() {
	{
		e2e_init2_head
		cat <<'EOF'
echo "E2E2: uname2 $(uname -r)"
echo "E2E: BEGIN iomem2"
cat /proc/iomem
echo "E2E: END iomem2"
echo "E2E: BEGIN vmcore"
/vmcore-check
echo "E2E: END vmcore rc=$?"
EOF
		[ "${kdump_dump_tools:-no}" != yes ] || e2e_kdump_dump_tools_guest
		cat <<'EOF'
dmesg | grep -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle' | sed 's/^/E2E2: dmesg-bad /'
echo "E2E2: dmesg-bad count=$(dmesg | grep -c -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle')"
echo "E2E2: init2 done, powering off"
poweroff -f
EOF
	} >"$1"
}

# e2e_kdump_write_init1 FILE KERNEL APPEND2 LOAD_FLAGS: the first kernel's
# /init: plants $pages pages holding $token (/plant), loads KERNEL (its path
# in the initramfs) with `kexec -p`, exercises -S and -u -p, loads it again
# and panics ($kdump_panic).  Raw facts between "E2E: BEGIN x" / "E2E: END
# x ..." lines; the host decides what passes.  Every kexec step reads back
# kexec_crash_loaded.
e2e_kdump_write_init1() {
	local file=$1 kernel=$2 append2=$3 load_flags=$4
	{
		echo '#!/bin/sh'
		echo "APPEND2=\"$append2\""
		echo "LOAD_FLAGS=\"$load_flags\""
		echo "KERNEL=$kernel"
		echo "TOKEN=$token"
		echo "PAGES=$pages"
		echo "MODE_ERE='$e2e_mode_ere'"
		e2e_guest_prologue /sys/kernel/kexec_crash_loaded
		cat <<'EOF'
echo "E2E: uname1 $(uname -r)"
echo "E2E: crash_size $(cat /sys/kernel/kexec_crash_size)"
echo "E2E: BEGIN iomem"
cat /proc/iomem
echo "E2E: END iomem"

# Compaction may migrate mlock()ed pages unless told not to.
echo 0 >/proc/sys/vm/compact_unevictable_allowed
/plant -n "$PAGES" "$TOKEN" >/tmp/plant.out 2>&1 &
PLANT=$!
i=0
while ! grep -q '^PLANT: ready' /tmp/plant.out && kill -0 $PLANT 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "E2E: BEGIN plant"
cat /tmp/plant.out
echo "E2E: END plant"
PFNS=$(sed -n 's/^PLANT: e2e_pfns=//p' /tmp/plant.out)
APPEND2="$APPEND2 e2e_pfns=$PFNS"

run status-empty $KEXEC -S
run load $KEXEC $LOAD_FLAGS -p $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-loaded $KEXEC -S
echo "E2E: kexec_loaded (normal slot) after kexec -p: $(cat /sys/kernel/kexec_loaded)"
run unload $KEXEC -u -p
run status-unloaded $KEXEC -S
run reload $KEXEC $LOAD_FLAGS -p $KERNEL --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-reloaded $KEXEC -S

# Did any planted page move while we loaded?  (plant re-reads pagemap.)
kill -USR1 $PLANT
i=0
while ! grep -q '^PLANT: recheck' /tmp/plant.out && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "E2E: $(grep -m1 '^PLANT: recheck' /tmp/plant.out)"
sync
# A line of this run in the kernel's log, for the dump tools to find.
echo "e2e-kmsg: token $TOKEN, panicking now" >/dev/kmsg
echo "E2E: panic now"
EOF
		case ${kdump_panic:-sysrq} in
		sysrq) echo 'echo c >/proc/sysrq-trigger' ;;
		init-exit) echo 'exit 0' ;;
		*) e2e_die "kdump_panic must be sysrq or init-exit" ;;
		esac
		cat <<'EOF'
echo "E2E: END panic (the panic returned)"
poweroff -f
EOF
	} >"$file"
}

# e2e_kdump_check_first: after e2e_check_first_kernel: the crash region, the
# planted pages, every kexec -p/-S/-u -p step, the panic, and the capture
# kernel's boot (our command line, the first kernel's mode).  Sets uname1,
# panic_n, bye_n, boot2_n, init2, mode2 for what follows.
e2e_kdump_check_first() {
	local recheck normal msg cmdline2
	uname1=$(text "$(first 'E2E: uname1 ')" | sed 's/.*E2E: uname1 //')
	check "first kernel reserved a crash region (kexec_crash_size $(text "$(first 'E2E: crash_size ')" | sed 's/.*crash_size //'))" \
		grep -q ': Crash kernel$' "$out/iomem.txt"

	# The planted pages, as "INDEX:PFN" lines (PFN in lower-case hex).
	{ e2e_section plant | sed -n 's/^PLANT: e2e_pfns=//p' | head -n 1 | tr ',' '\n' | grep . || true; } |
		LC_ALL=C sort >"$work/planted.txt"
	n_planted=$(wc -l <"$work/planted.txt")
	check "plant reported the frame numbers of its $pages pages (listed $n_planted)" eq "$n_planted" "$pages"
	recheck=$(first 'E2E: PLANT: recheck ')
	check "no planted page moved before the panic (${recheck:+$(text "$recheck" | sed 's/.*PLANT: //')})" \
		grep -q 'moved=0$' <<<"$recheck"

	check "kexec -S says \"not loaded\" before anything is loaded (rc=$(rc_of status-empty))" eq "$(rc_of status-empty)" 0
	check "kexec_crash_loaded is 0 before anything is loaded" eq "$(loaded_of status-empty)" 0
	msg=$(output_of load | grep -v '^ *$' | head -n 1 || true)
	check "kexec -p $kernel_desc --initrd --append exits 0 (rc=$(rc_of load))${msg:+ (\"$msg\")}" eq "$(rc_of load)" 0
	check "kexec_crash_loaded is 1 after kexec -p" eq "$(loaded_of load)" 1
	check "kexec -S says \"loaded\" (1) once a crash kernel is loaded (rc=$(rc_of status-loaded))" eq "$(rc_of status-loaded)" 1
	normal=$(first 'E2E: kexec_loaded \(normal slot\) after kexec -p: ' | sed 's/.*: //')
	check "kexec -p left the normal slot empty (kexec_loaded ${normal:-?})" eq "$normal" 0
	check "kexec -u -p exits 0 (rc=$(rc_of unload))" eq "$(rc_of unload)" 0
	check "kexec_crash_loaded is 0 after kexec -u -p" eq "$(loaded_of unload)" 0
	check "kexec -S says \"not loaded\" (0) after kexec -u -p (rc=$(rc_of status-unloaded))" eq "$(rc_of status-unloaded)" 0
	check "second kexec -p exits 0 (rc=$(rc_of reload))" eq "$(rc_of reload)" 0
	check "kexec -S says \"loaded\" (1) after the second kexec -p (rc=$(rc_of status-reloaded))" eq "$(rc_of status-reloaded)" 1

	panic_n=$(lineno 'Kernel panic - not syncing')
	check "first /init triggered the panic" test -n "$(first 'E2E: panic now')" -a -n "$panic_n"
	check "the ${kdump_panic:-sysrq} panic did not return" test -z "$(first 'E2E: END panic')"
	bye_n=0 boot2_n=0
	if [ -n "$panic_n" ]; then
		bye_n=$(e2e_after "$panic_n" 'Bye!')
		boot2_n=$(e2e_after "$panic_n" 'Booting Linux')
	fi
	check "first kernel reached machine_kexec on the panic (\"Bye!\" after the panic)" test "${bye_n:-0}" != 0
	check "capture kernel booted (\"Booting Linux\" after the panic)" test "${boot2_n:-0}" != 0
	init2=$(first 'E2E2: init2 start')
	check "capture kernel's /init ran" test -n "$init2"
	cmdline2=$(first 'E2E2: cmdline2 ')
	check "capture kernel's /proc/cmdline carries e2e_token=$token" grep -q "e2e_token=$token" <<<"$cmdline2"
	mode2=$(e2e_mode_of "$(first 'E2E2: mode2 ')")
	echo "# capture kernel: $(text "$cmdline2" | sed 's/.*E2E2: //')"
	echo "# capture kernel entry mode: ${mode2:-unknown}"
	check "capture kernel entered in the same mode as the first (${mode2:-?} vs ${mode1:-?})" \
		test -n "$mode2" -a "$mode2" = "$mode1"
}

# The capture kernel's report: its first line matching ERE, a field of a line.
vc() { grep -m1 -E "^VMCORE: $1" "$out/vmcore-check.txt" || true; }
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# Ranges as "START END" in decimal, END exclusive; merged when they overlap
# or touch.
merge_ranges() {
	local s e cs="" ce=""
	while read -r s e; do
		if [ -z "$cs" ]; then
			cs=$s ce=$e
		elif [ "$s" -le "$ce" ]; then
			[ "$e" -le "$ce" ] || ce=$e
		else
			echo "$cs $ce"
			cs=$s ce=$e
		fi
	done < <(sort -n -k1,1)
	[ -z "$cs" ] || echo "$cs $ce"
}
# subtract_ranges FILE: stdin minus the ranges in FILE (both merged).
subtract_ranges() {
	local s e cs ce
	while read -r s e; do
		while read -r cs ce; do
			[ "$ce" -le "$s" ] || [ "$cs" -ge "$e" ] && continue
			[ "$cs" -le "$s" ] || echo "$s $cs"
			s=$ce
			[ "$s" -lt "$e" ] || break
		done <"$1"
		[ "$s" -ge "$e" ] || echo "$s $e"
	done
}
to_hex() { while read -r s e; do printf '%#x-%#x\n' "$s" "$((e - 1))"; done; }
iomem_ranges() {  # iomem_ranges ERE: the iomem.txt lines matching it
	grep -E "$1" "$out/iomem.txt" | sed -E 's/^ *([0-9a-f]+)-([0-9a-f]+) .*/\1 \2/' |
		while read -r a b; do echo "$((16#$a)) $((16#$b + 1))"; done
}

# e2e_kdump_check_dump CLASS MACHINE MACHINE_NAME: the capture kernel's
# report on /proc/vmcore: read whole without error or oops, an ELF CLASS
# core for e_machine MACHINE, one PT_NOTE with an NT_PRSTATUS per CPU and
# the first kernel's VMCOREINFO, PT_LOADs covering exactly System RAM minus
# the crash region as the first kernel's /proc/iomem listed it, and every
# planted page.  Sets read_line.
e2e_kdump_check_dump() {
	local class=$1 machine=$2 machine_name=$3
	local size_line bad_count after_boot2 elf notes osrel n_loads n_found absent first_bad
	e2e_section vmcore | grep -E '^VMCORE: ' >"$out/vmcore-check.txt" || true
	read_line=$(vc 'read ')
	size_line=$(vc 'size ')
	echo "# /proc/vmcore: ${size_line#VMCORE: } ${read_line#VMCORE: }"
	check "capture kernel has a /proc/vmcore (${size_line:-no size line})" test -n "$size_line"
	check "/proc/vmcore read to its end without error (${read_line#VMCORE: })" \
		test -n "$read_line" -a "$(field error "$read_line")" = none -a \
		"$(field bytes "$read_line")" = "$(field bytes "$size_line")"
	bad_count=$(first 'E2E2: dmesg-bad count=' | sed 's/.*count=//')
	after_boot2=""
	[ "${boot2_n:-0}" != 0 ] && after_boot2=$(tail -n +"$boot2_n" "$log" |
		grep -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle' | head -n 1 | sed 's/^[^ ]* //' || true)
	check "no Oops/BUG/Unable to handle in the capture kernel (dmesg count ${bad_count:-?}${after_boot2:+, console: \"$after_boot2\"})" \
		test "${bad_count:-x}" = 0 -a -z "$after_boot2"
	check "vmcore-check ran to its end (rc=$(sed -n 's/.* rc=//p' <<<"$(first 'E2E: END vmcore rc=')"))" \
		test -n "$(vc 'pfns ')"

	elf=$(vc 'elf ')
	check "/proc/vmcore is an ELF$class core for $machine_name (${elf#VMCORE: })" \
		test "$(field class "$elf")" = "$class" -a "$(field machine "$elf")" = "$machine" -a "$(field type "$elf")" = 4
	notes=$(vc 'notes ')
	check "exactly one PT_NOTE (${notes#VMCORE: })" eq "$(field pt_note "$notes")" 1
	check "one NT_PRSTATUS per possible CPU ($smp; found $(field prstatus "$notes"))" eq "$(field prstatus "$notes")" "$smp"
	check "one VMCOREINFO note" eq "$(field vmcoreinfo "$notes")" 1
	osrel=$(vc 'vmcoreinfo OSRELEASE=' | sed 's/.*OSRELEASE=//')
	check "VMCOREINFO's OSRELEASE is the first kernel's uname -r (${osrel:-none} vs ${uname1:-?})" \
		test -n "$osrel" -a "$osrel" = "$uname1"

	{ iomem_ranges '^[0-9a-f]+-[0-9a-f]+ : System RAM$' || true; } | merge_ranges >"$work/ram.txt"
	{ iomem_ranges ': Crash kernel$' || true; } | merge_ranges >"$work/crash.txt"
	subtract_ranges "$work/crash.txt" <"$work/ram.txt" | merge_ranges | to_hex >"$out/expected-loads.txt"
	{ grep '^VMCORE: load ' "$out/vmcore-check.txt" || true; } | while read -r line; do
		p=$(field paddr "$line") z=$(field size "$line")
		echo "$((p)) $((p + z))"
	done | merge_ranges | to_hex >"$out/vmcore-loads.txt"
	n_loads=$(grep -c '^VMCORE: load ' "$out/vmcore-check.txt" || true)
	echo "# System RAM minus Crash kernel: $(tr '\n' ' ' <"$out/expected-loads.txt")"
	echo "# union of the $n_loads PT_LOADs:  $(tr '\n' ' ' <"$out/vmcore-loads.txt")"
	check "the union of the PT_LOADs is exactly System RAM minus the crash region" \
		test -s "$out/expected-loads.txt" -a "$(cat "$out/vmcore-loads.txt")" = "$(cat "$out/expected-loads.txt")"

	# The PT_LOADs' virtual addresses, as dump tools use them: the dead
	# kernel's init_uts_ns, found at its VMCOREINFO address, holds its
	# release (arm64: the kernel image's mapping; arm: the linear map
	# the loader derived, kallsyms' _text or the defaults).
	uts=$(vc 'symbol name=init_uts_ns ')
	check "init_uts_ns at its virtual address holds OSRELEASE (${uts#VMCORE: })" \
		test -n "$uts" -a "$(field release "$uts")" = found

	# Every planted page, found with its token and index at its physical address.
	{ grep '^VMCORE: pfn .*result=ok' "$out/vmcore-check.txt" || true; } |
		sed -E 's/.* index=([0-9]+) pfn=0x([0-9a-f]+) .*/\1:\2/' | LC_ALL=C sort >"$work/found.txt"
	n_found=$(LC_ALL=C comm -12 "$work/planted.txt" "$work/found.txt" | wc -l)
	absent=$(LC_ALL=C comm -23 "$work/planted.txt" "$work/found.txt" | head -n 3 | tr '\n' ' ')
	first_bad=$(grep '^VMCORE: pfn ' "$out/vmcore-check.txt" | grep -m1 -v 'result=ok' || true)
	check "all $n_planted planted pages found in /proc/vmcore with token and index ($n_found found${absent:+; missing e.g. $absent}${first_bad:+; e.g. ${first_bad#VMCORE: }})" \
		test "$n_planted" -gt 0 -a "$n_found" = "$n_planted"
	check "capture /init powered the machine off (QEMU exit status 0)" \
		test -n "$(first 'E2E2: init2 done')" -a "$qemu_rc" = 0
}

# --- Debian's dump tools (--dump-tools) ---------------------------------------
# In the capture kernel: vmcore-dmesg (kexec-tools) and makedumpfile
# (--dump-dmesg, -l -d 31, and --dump-dmesg again on its own dump file) on
# /proc/vmcore, as Debian's arm64/armhf binaries with their libraries
# (fetch-dump-tools.sh).  The files they write go to a virtio disk (its
# modules loaded with insmod) as a tar; on the host, crash reads the dump
# file with the -dbg package's vmlinux (qemu-user).

# e2e_kdump_dump_tools_guest: the capture /init's part (after vmcore-check).
# Each step between "E2E: BEGIN dt-NAME: CMD" and "E2E: END dt-NAME rc=N",
# its messages as "DUMPTOOL: NAME: LINE" and, when it wrote a dmesg
# (/tmp/dt/NAME.txt), that file's line count and its lines of this run's
# panic ("DUMPTOOL: NAME dmesg: LINE").
e2e_kdump_dump_tools_guest() {
	cat <<'EOF'
DT=/tmp/dt
mkdir -p $DT
dt() {
	name=$1
	shift
	echo "E2E: BEGIN dt-$name: $*"
	timeout 240 "$@" >$DT/$name.out 2>&1
	rc=$?
	# makedumpfile redraws its progress lines with carriage returns.
	tr '\r' '\n' <$DT/$name.out | grep -v -E '^ *$|\[ *[0-9.]+ ?%\]' | head -n 40 |
		sed "s|^|DUMPTOOL: $name: |"
	if [ -f $DT/$name.txt ]; then
		echo "DUMPTOOL: $name dmesg lines=$(wc -l <$DT/$name.txt)"
		grep -E 'sysrq|e2e-kmsg|Kernel panic' $DT/$name.txt | head -n 10 | sed "s|^|DUMPTOOL: $name dmesg: |"
	fi
	echo "E2E: END dt-$name rc=$rc"
}
dt vmcore-dmesg sh -c '/usr/sbin/vmcore-dmesg /proc/vmcore >/tmp/dt/vmcore-dmesg.txt'
dt makedumpfile-dmesg /usr/sbin/makedumpfile --dump-dmesg /proc/vmcore $DT/makedumpfile-dmesg.txt
dt makedumpfile /usr/sbin/makedumpfile -l -d 31 /proc/vmcore $DT/dumpfile
# makedumpfile reads back the dump it wrote.
[ ! -s $DT/dumpfile ] ||
	dt dumpfile-dmesg /usr/sbin/makedumpfile --dump-dmesg $DT/dumpfile $DT/dumpfile-dmesg.txt

echo "E2E: BEGIN dt-disk: insmod $(cat /etc/dump-modules | tr '\n' ' '); tar to /dev/vda"
for m in $(cat /etc/dump-modules); do
	insmod $m 2>&1 | sed "s|^|DUMPTOOL: disk: insmod: |"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
for f in $DT/*; do
	echo "DUMPTOOL: disk file=${f##*/} bytes=$(wc -c <$f) sha256=$(sha256sum <$f | cut -d' ' -f1)"
done
if [ -b /dev/vda ]; then
	tar -c -f /dev/vda -C $DT .
	rc=$?
	sync
else
	echo "DUMPTOOL: disk: no /dev/vda"
	rc=1
fi
echo "E2E: END dt-disk rc=$rc"
EOF
}

# e2e_kdump_dump_tools_prepare ARCH KERNEL: fetches the tools (and, with
# dt_crash=yes, crash and the vmlinux) for the kernel file KERNEL; sets
# dt_initrd_args (mkinitramfs.sh arguments for the capture initramfs),
# dt_qemu_args (the virtio disk $out/dump-disk.raw, 256 MiB, sparse) and
# dt_crash_qemu (qemu-aarch64 or qemu-arm, which runs crash).
e2e_kdump_dump_tools_prepare() {
	local arch=$1 kernel=$2 what path
	local req=(--guest --modules)
	case $arch in
	arm64) dt_crash_qemu=qemu-aarch64 ;;
	*) dt_crash_qemu=qemu-arm ;;
	esac
	e2e_need_tools tar:tar truncate:coreutils sha256sum:coreutils
	if [ "${dt_crash:-no}" = yes ]; then
		req+=(--crash --vmlinux)
		e2e_need_tools "$dt_crash_qemu:qemu-user"
	fi
	"$e2e_dir/fetch-dump-tools.sh" --arch "$arch" --kernel "$kernel" "${req[@]}" >"$work/dump-tools.paths" ||
		e2e_die "fetch-dump-tools.sh failed"
	dt_guest="" dt_modules="" dt_crash_root="" dt_vmlinux=""
	while read -r what path; do
		case $what in
		guest) dt_guest=$path ;;
		modules) dt_modules=$path ;;
		crash) dt_crash_root=$path ;;
		vmlinux) dt_vmlinux=$path ;;
		esac
	done <"$work/dump-tools.paths"
	echo "# dump tools: $(tr '\n' ' ' <"$dt_guest/versions")"
	dt_initrd_args=(--tree "$dt_guest/tree" --tree "$dt_modules/tree"
		--file "$dt_modules/load-order:/etc/dump-modules")
	rm -f "$out/dump-disk.raw"
	truncate -s 256M "$out/dump-disk.raw"
	# shellcheck disable=SC2054 # QEMU's own comma-separated options
	dt_qemu_args=(-drive "if=none,file=$out/dump-disk.raw,format=raw,id=dump"
		-device virtio-blk-device,drive=dump)
}

# e2e_kdump_check_dump_tools: after e2e_kdump_check_dump, with --dump-tools.
# Reads the dt-* steps from the serial log; takes the files out of the
# virtio disk ($out/dump-tools/) and checks them against the guest's
# SHA-256; runs crash on the dump file when dt_crash=yes.  Globals:
#   dt_makedumpfile  "works", or an ERE of makedumpfile's own refusal (then
#                    it must exit non-zero saying so, and no dump file is made)
e2e_kdump_check_dump_tools() {
	local panic_ere name rc lines msg f want got n_files n_ok crash_rc line
	case ${kdump_panic:-sysrq} in
	sysrq) panic_ere='Kernel panic - not syncing: sysrq triggered crash' ;;
	*) panic_ere='Kernel panic - not syncing: Attempted to kill init' ;;
	esac
	# dt_dmesg NAME WHAT: step NAME exited 0 and its dmesg holds this run's
	# kernel log line and the panic.
	dt_dmesg() {
		local name=$1 what=$2 rc lines msg
		rc=$(rc_of "dt-$name")
		lines=$(output_of "dt-$name" | sed -n "s/^DUMPTOOL: $name dmesg lines=//p")
		msg=$(output_of "dt-$name" | sed -n "s/^DUMPTOOL: $name: //p" | tail -n 1)
		check "$what exits 0 (rc=${rc:-none}${msg:+, \"$msg\"})" eq "$rc" 0
		check "$what: the dead kernel's log (${lines:-no} lines) holds this run's line \"e2e-kmsg: token $token\"" \
			grep -q "^DUMPTOOL: $name dmesg: .*e2e-kmsg: token $token," <<<"$(output_of "dt-$name")"
		msg=$(output_of "dt-$name" | grep -m1 -E "^DUMPTOOL: $name dmesg: .*$panic_ere" | sed 's/^[^]]*\] //' || true)
		check "$what: the dead kernel's log holds the panic (\"${msg:-no line matching $panic_ere}\")" test -n "$msg"
	}
	# dt_refused NAME WHAT: step NAME exited non-zero with makedumpfile's
	# own refusal ($dt_makedumpfile).
	dt_refused() {
		local name=$1 what=$2 rc msg
		rc=$(rc_of "dt-$name")
		msg=$(output_of "dt-$name" | sed -n "s/^DUMPTOOL: $name: //p" | grep -m1 -E -- "$dt_makedumpfile" || true)
		check "$what refuses this kernel: exit status non-zero (rc=${rc:-none})" ne "${rc:-0}" 0
		check "$what says why in its own words (\"${msg:-no line matching /$dt_makedumpfile/}\")" test -n "$msg"
	}

	echo "# --- dump tools ---"
	dt_dmesg vmcore-dmesg "vmcore-dmesg /proc/vmcore (kexec-tools)"
	if [ "$dt_makedumpfile" = works ]; then
		dt_dmesg makedumpfile-dmesg "makedumpfile --dump-dmesg /proc/vmcore"
		rc=$(rc_of dt-makedumpfile)
		msg=$(output_of dt-makedumpfile | sed -n 's/^DUMPTOOL: makedumpfile: //p' | tail -n 1)
		check "makedumpfile -l -d 31 /proc/vmcore exits 0 and completes (rc=${rc:-none}, \"$msg\")" \
			test "$rc" = 0 -a "$msg" = "makedumpfile Completed."
		dt_dmesg dumpfile-dmesg "makedumpfile --dump-dmesg on its own -l -d 31 dump file"
	else
		dt_refused makedumpfile-dmesg "makedumpfile --dump-dmesg /proc/vmcore"
		dt_refused makedumpfile "makedumpfile -l -d 31 /proc/vmcore"
	fi

	# The files, out of the virtio disk, byte for byte what the guest wrote.
	check "capture kernel loaded virtio_blk and wrote its files to the disk (rc=$(rc_of dt-disk))" eq "$(rc_of dt-disk)" 0
	rm -rf "$out/dump-tools"
	mkdir -p "$out/dump-tools"
	tar -x -f "$out/dump-disk.raw" -C "$out/dump-tools" 2>/dev/null || true
	n_files=0 n_ok=0
	while read -r f want; do
		n_files=$((n_files + 1))
		got=$(sha256sum <"$out/dump-tools/$f" 2>/dev/null | cut -d' ' -f1 || true)
		[ "$got" != "$want" ] || n_ok=$((n_ok + 1))
	done < <(output_of dt-disk | sed -n 's/^DUMPTOOL: disk file=\([^ ]*\) .* sha256=\([0-9a-f]*\)$/\1 \2/p')
	check "the host read all $n_files files back from the disk, SHA-256 as in the guest ($n_ok match)" \
		test "$n_files" -gt 0 -a "$n_ok" = "$n_files"
	rm -f "$out/dump-disk.raw"
	[ ! -f "$out/dump-tools/dumpfile" ] ||
		echo "# makedumpfile -l -d 31 dump file: $out/dump-tools/dumpfile ($(stat -c %s "$out/dump-tools/dumpfile") bytes)"

	[ "${dt_crash:-no}" = yes ] || return 0
	# crash, as a user runs it on the dump file: the crashed kernel's
	# vmlinux with debug info, batch commands on stdin.
	if [ ! -f "$out/dump-tools/dumpfile" ]; then
		check "crash: a dump file to read (makedumpfile made none)" false
		return 0
	fi
	printf 'sys\nbt\nlog\nquit\n' >"$work/crash.cmds"
	dt_crash_t0=$EPOCHREALTIME
	set +e
	timeout --kill-after=10 600 "$dt_crash_qemu" -L "$dt_crash_root" "$dt_crash_root/usr/bin/crash" -s \
		"$dt_vmlinux" "$out/dump-tools/dumpfile" <"$work/crash.cmds" >"$out/crash.txt" 2>&1
	crash_rc=$?
	set -e
	dt_crash_t1=$EPOCHREALTIME
	while IFS= read -r line; do echo "# crash said: $line"; done < <(grep -E '^(WARNING|crash):' "$out/crash.txt" | head -n 5)
	check "crash -s vmlinux dumpfile (sys, bt, log) exits 0 (rc=$crash_rc; output $out/crash.txt)" eq "$crash_rc" 0
	line=$(grep -m1 -E '^ +RELEASE: ' "$out/crash.txt" | sed 's/^ *//' || true)
	check "crash sys: ${line:-no RELEASE line}, the first kernel's release" eq "${line#RELEASE: }" "$uname1"
	line=$(grep -m1 -E '^ +PANIC: ' "$out/crash.txt" | sed 's/^ *//' || true)
	check "crash sys: ${line:-no PANIC line}" grep -q -E -- "$panic_ere" <<<"$line"
	# bt's frames: arm64 " #0 [SP] FUNCTION at PC", arm " #0 [<PC>] (FUNCTION) from [<LR>]".
	grep -E '^ ?#[0-9]+ \[' "$out/crash.txt" | sed -E 's/^ ?#[0-9]+ \[[<>0-9a-f]+\] \(?([^ )]+).*/\1/' \
		>"$work/crash-frames.txt" || true
	n_files=$(wc -l <"$work/crash-frames.txt")
	line=$(head -n 6 "$work/crash-frames.txt" | tr '\n' ' ')
	check "crash bt: the panicking task's backtrace from panic down to the crash kexec ($n_files frames: ${line:-none})" \
		test "$n_files" -ge 3 -a -n "$(grep -x panic "$work/crash-frames.txt")" \
		-a -n "$(grep -x -E '__crash_kexec|machine_kexec|crash_kexec' "$work/crash-frames.txt")"
	check "crash log: the dead kernel's log holds this run's line \"e2e-kmsg: token $token\"" \
		grep -q "e2e-kmsg: token $token," "$out/crash.txt"
}

# e2e_kdump_dump_tools_timings: the dump tools' spans (host clock).
e2e_kdump_dump_tools_timings() {
	local name
	for name in vmcore-dmesg makedumpfile-dmesg makedumpfile dumpfile-dmesg disk; do
		[ -n "$(end_line "dt-$name")" ] || continue
		span "dump tools: $name (guest)" "$(first "E2E: BEGIN dt-$name:")" "$(end_line "dt-$name")"
	done
	[ -z "${dt_crash_t0:-}" ] ||
		awk -v a="$dt_crash_t0" -v b="$dt_crash_t1" 'BEGIN { printf "# time: %-44s %7.2f s\n", "dump tools: crash (host, qemu-user)", b - a }'
}

# e2e_kdump_timings: the standard spans of a kdump run.
e2e_kdump_timings() {
	local qemu_start first2 guest_read
	qemu_start=$(head -n 1 "$log")
	first2=""
	[ "${bye_n:-0}" != 0 ] && first2=$(awk -v n="$bye_n" 'NR > n && $2 != "" { print; exit }' "$log")
	span "QEMU start to first /init" "$qemu_start" "$init1"
	span "kexec -p (first load)" "$(first 'E2E: BEGIN load:')" "$(end_line load)"
	span "kexec -p (second load)" "$(first 'E2E: BEGIN reload:')" "$(end_line reload)"
	span "${kdump_panic:-sysrq} panic to Bye!" "$(first 'E2E: panic now')" "$(first 'Bye!')"
	span "Bye! to the capture kernel's first line" "$(first 'Bye!')" "$first2"
	span "panic to the capture kernel's first line" "$(first 'Kernel panic - not syncing')" "$first2"
	span "capture kernel's first line to its /init" "$first2" "$init2"
	span "/proc/vmcore check (host clock)" "$(first 'E2E: BEGIN vmcore')" "$(first 'E2E: END vmcore')"
	guest_read=$(field seconds "$read_line")
	if [ -n "$guest_read" ]; then
		printf '# time: %-44s %7s s\n' '/proc/vmcore full read (guest clock)' "$guest_read"
	else
		printf '# time: %-44s     n/a\n' '/proc/vmcore full read (guest clock)'
	fi
	span "QEMU start to QEMU exit" "$qemu_start" "$(tail -n 1 "$log")"
	[ -z "$first2" ] || echo "# capture kernel's first line: $(text "$first2")"
}
