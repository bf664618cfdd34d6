# shellcheck shell=bash disable=SC2034,SC2154
# Shared helpers for the scenarios in the Debian system image
# (system-kexec.sh, system-kdump.sh).  Sourced after lib.sh, not run.
#
# A scenario: builds or finds the image (build-system-image.sh), makes a
# qcow2 overlay of its disk (the cached disk.raw is never written) and a
# small control disk labelled E2ECTL holding the scenario's guest script
# (tests/e2e/system/*-control.sh, run by e2e-control.service after
# multi-user.target on every boot; it keeps its state in /var/lib/e2e),
# boots them under qemu-system-aarch64 with UEFI (QEMU_EFI.fd; systemd-boot
# on the image's ESP boots the image's own kernel and initrd) and reads the
# stamped serial log.  The guest reports on lines starting "E2E: " and
# powers off when it is done.
#
# Globals the scenario sets before sys_boot: out, work, log, verbose,
# failures, mode (el2|el1).  sys_* set: image_dir (and image.env's KVER,
# ROOT_UUID, ROOT_PARTUUID, ROOT_OFFSET, CMDLINE), machine, expect_mode,
# overlay, qemu_rc.

sys_firmware=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd

# sys_prepare MODE: host tools, the image (built once per machine), the
# machine for MODE.  UEFI with acpi=off: a DT boot, so its=off is allowed
# (with ACPI, QEMU 7.2's tables list an ITS whatever its= says), and the ITS
# stays off across kexec (ARM-BOOT-NOTES.md).
sys_prepare() {
	e2e_need_tools qemu-system-aarch64:qemu-system-arm qemu-img:qemu-utils \
		mkfs.ext4:e2fsprogs debugfs:e2fsprogs
	[ -f "$sys_firmware" ] || e2e_need_tools e2e-no-such-command:qemu-efi-aarch64
	[ -f "$sys_firmware" ] || e2e_die "no UEFI firmware at $sys_firmware (qemu-efi-aarch64)"
	e2e_arm64_mode "$1"
	machine=$machine,acpi=off
	image_dir=$("$e2e_dir/build-system-image.sh") || e2e_die "build-system-image.sh failed"
	if [ ! -f "$image_dir/disk.raw" ] || [ ! -f "$image_dir/image.env" ]; then
		e2e_die "no image in $image_dir"
	fi
	# shellcheck disable=SC1091
	. "$image_dir/image.env"
}

# sys_make_disks CONTROL_SCRIPT: the overlay of the image's disk and the
# control disk (ext2, label E2ECTL, made with mkfs -d: no mount) holding
# CONTROL_SCRIPT as control.sh and system/facts.sh, which it sources.
sys_make_disks() {
	overlay=$work/disk.qcow2
	rm -f "$overlay"
	qemu-img create -q -f qcow2 -b "$image_dir/disk.raw" -F raw "$overlay" ||
		e2e_die "qemu-img create (overlay) failed"
	rm -rf "$work/ctl"
	mkdir -p "$work/ctl"
	install -m 0644 "$1" "$work/ctl/control.sh"
	install -m 0644 "$e2e_dir/system/facts.sh" "$work/ctl/facts.sh"
	rm -f "$work/ctl.img"
	mkfs.ext4 -q -F -t ext2 -L E2ECTL -d "$work/ctl" "$work/ctl.img" 4M >/dev/null ||
		e2e_die "cannot make the control disk"
}

# sys_qemu_argv: the QEMU command line in array qemu_argv (plus the words
# of $SYS_QEMU_EXTRA).  No NIC, no reboot suppression: kdump-tools reboots
# through the firmware after the dump.
# tb-size=64 (MiB of translated code; QEMU 7.2's default is 1 GiB): every
# store to a guest page that holds translated code takes TCG's slow path
# (docs/PERFORMANCE.md), and after a kexec from a full system most of RAM
# is such pages.  Measured with the default: 48 s from "Bye!" to the
# purgatory's report and soft lockups in the next kernel's copy_page.
# With 64 MiB the buffer fills, and is flushed, far more often (presumably
# what makes those pages fast again): 0.3-0.7 s, no lockup.  Both loaders
# pay the same price without it; it is QEMU's cost, not the kexec's.
sys_qemu_argv() {
	# shellcheck disable=SC2054 # QEMU's own commas
	qemu_argv=(qemu-system-aarch64 -M "$machine" -accel tcg,thread=multi,tb-size=64
		-cpu cortex-a57 -smp 2 -m 1024
		-nographic -bios "$sys_firmware" -nic none
		-drive "if=none,id=hd0,file=$overlay,format=qcow2,cache=unsafe"
		-device virtio-blk-pci,drive=hd0
		-drive "if=none,id=ctl,file=$work/ctl.img,format=raw,readonly=on"
		-device virtio-blk-pci,drive=ctl
		-pidfile "$work/qemu.pid")
	# shellcheck disable=SC2206 # words on purpose
	[ -z "${SYS_QEMU_EXTRA:-}" ] || qemu_argv+=($SYS_QEMU_EXTRA)
}

# sys_boot TIMEOUT: starts QEMU in the background under a hard timeout, its
# console stamped into $log (lib.sh's e2e_stamp); sys_wait_exit reaps it.
sys_boot() {
	local timeout_s=$1
	sys_qemu_argv
	rm -f "$work/qemu.pid" "$work/qemu.rc"
	sys_t0=$EPOCHREALTIME
	echo "$EPOCHREALTIME HOST: qemu start: ${qemu_argv[*]}" >"$log"
	(
		set +e
		timeout --kill-after=10 "$timeout_s" "${qemu_argv[@]}" </dev/null 2>&1 | e2e_stamp >>"$log"
		rc=${PIPESTATUS[0]}
		echo "$EPOCHREALTIME HOST: qemu exit status $rc" >>"$log"
		echo "$rc" >"$work/qemu.rc"
	) &
	sys_qemu_job=$!
	# A scenario that dies or is interrupted does not leave QEMU running.
	trap 'sys_running && [ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null; true' EXIT
	trap 'exit 130' INT TERM
}

sys_running() { [ ! -f "$work/qemu.rc" ]; }

# sys_wait ERE SECONDS: waits until a line of the log matches ERE (0), QEMU
# ends (1) or SECONDS pass (2).
sys_wait() {
	local ere=$1 end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		grep -q -E -- "$ere" "$log" 2>/dev/null && return 0
		sys_running || { grep -q -E -- "$ere" "$log" && return 0; return 1; }
		sleep 1
	done
	return 2
}

# sys_wait_exit: waits for QEMU (bounded by sys_boot's timeout); sets qemu_rc.
sys_wait_exit() {
	wait "$sys_qemu_job" 2>/dev/null || true
	qemu_rc=$(cat "$work/qemu.rc" 2>/dev/null || echo 255)
}

# sys_stop: ends a QEMU that is still running (ours, by its pid file).
sys_stop() {
	if sys_running && [ -s "$work/qemu.pid" ]; then
		kill "$(cat "$work/qemu.pid")" 2>/dev/null || true
	fi
	sys_wait_exit
}

# sys_log_tail [N]: the log's last N lines (40), for a failure.
sys_log_tail() {
	echo "# --- last ${1:-40} lines of $log ---"
	tail -n "${1:-40}" "$log" | sed 's/^[^ ]* //; s/^/# /'
}

# --- reading the guest's report -------------------------------------------------
# The E2E lines of boot N (as e2e-control counts boots) between
# "E2E: control start boot=N" and the next control start, unstamped.
sys_boot_lines() {
	awk -v n="$1" '
		/E2E: control start boot=/ { p = ($0 ~ ("boot=" n "$")) }
		p { sub(/^[^ ]* /, ""); print }' "$log"
}
# sys_fact N KEY: the value of the first "E2E: KEY VALUE" line of boot N.
sys_fact() {
	sys_boot_lines "$1" | sed -n "s/^.*E2E: $2 //p" | head -n 1 || true
}
# sys_facts N KEY: every such value, one a line.
sys_facts() {
	sys_boot_lines "$1" | sed -n "s/^.*E2E: $2 //p" || true
}

# sys_elapsed FROM_ERE TO_ERE: seconds between the first lines matching
# each (host clock), "n/a" if either is missing.
sys_elapsed() {
	local a b
	a=$(first "$1" | cut -d' ' -f1)
	b=$(first "$2" | cut -d' ' -f1)
	if [ -n "$a" ] && [ -n "$b" ]; then
		printf '%.1f' "$(echo "$b - $a" | bc)"
	else
		echo n/a
	fi
}

# sys_read_root PATH DIR: copies PATH (a folder) out of the overlay's root
# filesystem into DIR (as DIR/BASENAME) without mounting it: the overlay
# flattened to raw, debugfs at the root partition's offset.
sys_read_root() {
	local raw=$work/after.raw
	rm -rf "${2:?}/${1##*/}"
	mkdir -p "$2"
	qemu-img convert -O raw "$overlay" "$raw" || e2e_die "qemu-img convert failed"
	debugfs -R "rdump $1 $2" "$raw?offset=$ROOT_OFFSET" >"$work/debugfs.log" 2>&1 ||
		{ cat "$work/debugfs.log" >&2; e2e_die "debugfs cannot read $1"; }
	rm -f "$raw"
}

# sys_run NAME CONTROL_SCRIPT ARGS...: a whole scenario run: its options,
# --out (default tests/e2e/.out/NAME-MODE/: serial.log, result.txt, work/),
# stdout copied to result.txt, the image, the disks, one boot of QEMU until
# the guest says "E2E: done" and powers off (or the timeout).
sys_run() {
	local name=$1 control=$2
	shift 2
	sys_args "$@"
	e2e_out_dir "$e2e_dir/.out/$name-$mode"
	work=$out/work
	mkdir -p "$work"
	log=$out/serial.log
	failures=0
	exec > >(tee "$out/result.txt")
	sys_prepare "$mode"
	sys_make_disks "$control"
	e2e_log "booting $image_dir/disk.raw (overlay $overlay), -M $machine, timeout ${timeout_s}s"
	sys_boot "$timeout_s"
	sys_wait 'E2E: done' "$timeout_s" || true
	sys_wait 'HOST: qemu exit status' 60 || sys_stop
	sys_wait_exit
}

# sys_check_first_boot: the checks every scenario starts with: QEMU ended
# by itself, the first boot reached multi-user.target and ran the control
# script, in the --mode's exception level, with our package's kexec as
# /sbin/kexec.  Sets mode1.
sys_check_first_boot() {
	local timed_out=no kexec_from
	case $qemu_rc in 124|137) timed_out=yes ;; esac
	check "QEMU ended by itself within ${timeout_s}s (exit status $qemu_rc)" eq "$timed_out" no
	check "first boot ran the control script after multi-user.target" test -n "$(first 'E2E: control start boot=1$')"
	mode1=$(e2e_mode_of "x mode1 $(sys_fact 1 mode)")
	echo "# first boot: $(sys_fact 1 cmdline)"
	check "first kernel entered at $expect_mode (--mode $mode; \"$(sys_fact 1 mode)\")" eq "$mode1" "$expect_mode"
	check "first boot reached multi-user.target ($(sys_fact 1 multi-user))" eq "$(sys_fact 1 multi-user)" active
	kexec_from=$(sys_fact 1 kexec)
	check "/sbin/kexec is our package's (\"$kexec_from\")" eq "$kexec_from" "/usr/sbin/kexec from kexec-arm"
}

# sys_check_journal BOOT...: each boot logged no error (journalctl -p err;
# each line is shown) and left no unit failed.
sys_check_journal() {
	local b
	for b in "$@"; do
		sys_facts "$b" journal-err | { grep -v '^-- No entries --$' || true; } |
			sed "s/^/# boot $b journal error: /"
		check "boot $b: journalctl -b 0 -p err is empty ($(sys_fact "$b" journal-err-count) lines)" \
			eq "$(sys_fact "$b" journal-err-count)" 0
		check "boot $b: no failed unit ($(sys_fact "$b" failed-units))" test -z "$(sys_fact "$b" failed-units | tr -d ' ')"
	done
}

# sys_time LABEL FROM_ERE TO_ERE: one "# time:" line (host clock).
sys_time() { printf '# time: %-44s %7s s\n' "$1" "$(sys_elapsed "$2" "$3")"; }

# sys_args "$@": the options every scenario takes.
sys_usage_common='--mode el2|el1 [--out DIR] [--timeout SECONDS] [--verbose]'
sys_args() {
	mode="" out="" verbose=no
	while [ $# -gt 0 ]; do
		case $1 in
		--mode) mode=$2; shift 2 ;;
		--out) out=$2; shift 2 ;;
		--timeout) timeout_s=$2; shift 2 ;;
		--verbose) verbose=yes; shift ;;
		-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
		*) e2e_die "unknown argument $1 (usage: $sys_usage_common)" ;;
		esac
	done
	[ -n "$mode" ] || e2e_die "--mode is required ($sys_usage_common)"
}

# lib.sh's check, counted: sys_finish reports how many ran.
checks=0
eval "lib_check() $(declare -f check | tail -n +2)"
check() {
	checks=$((checks + 1))
	lib_check "$@"
}

# sys_finish: the summary line and the exit status every scenario ends with.
sys_finish() {
	if [ "$failures" -ne 0 ]; then
		sys_log_tail 40
		echo "# FAILED: $failures of $checks checks (log: $log)"
		return 1
	fi
	echo "# all $checks checks passed (log: $log)"
}
