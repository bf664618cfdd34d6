#!/usr/bin/env bash
# End-to-end test of kexec_file_load(2) on arm64 under QEMU (TCG): Debian's
# kernels have no kexec_file_load, so this boots the small test kernel that
# build-file-kernel.sh makes (KEXEC_FILE, KEXEC_SIG with a test key in its
# trusted keyring, the lockdown LSM off unless `lockdown=integrity` is on its
# command line), whose busybox /init loads the next kernel with our kexec;
# the host checks every step and the next kernel in the serial log.
#
# usage: tests/e2e/arm64-file.sh --kexec PATH --mode el2|el1 --scenario S
#            [--kernel-dir DIR] [--out DIR] [--timeout SECONDS] [--verbose]
#   --kexec PATH        a static arm64 kexec binary (ours), put at /sbin/kexec
#   --mode el2|el1      QEMU with / without virtualization=on
#   --kernel-dir DIR    build-file-kernel.sh's folder (Image, Image.signed,
#                       Image.signed.gz, vmlinuz.signed.efi, config); default:
#                       run build-file-kernel.sh (cached: it builds once)
#   --out DIR           logs and captured data (default
#                       tests/e2e/.out/arm64-file-MODE-SCENARIO)
#   --timeout SECONDS   hard limit for one QEMU run (default 300)
#   --verbose           also copy the serial console to stderr as it comes
#   --scenario (each boots the unsigned Image, then kexec -e's the next
#   kernel with a second initramfs and a marker on its command line):
#     sign      kexec -s -d -l Image.signed --initrd --append: -d names
#               kexec_file_load(2) (-s) and passes the file itself
#     auto      the same with no syscall option (-a, the default): -d shows
#               kexec_file_load(2) chosen and no fall back to kexec_load(2)
#     gz        kexec -s -d -l Image.signed.gz: a sealed memfd holding the
#               Image unpacked in memory, byte for byte Image.signed
#     zboot     the same with vmlinuz.signed.efi (EFI zboot)
#     lockdown  the first kernel boots with lockdown=integrity: unsigned
#               Image refused with -s and with -a (no fall back), -c refused
#               (kexec_load(2) is locked down), each in one line with exit
#               status 255 and nothing loaded; then -s with Image.signed
#               loads and boots
#     kdump     kexec -s -p Image.signed with crashkernel=256M, a panic, and
#               the capture kernel's /proc/vmcore checked as arm64-kdump.sh
#               checks it (lib.sh's e2e_kdump_*)
#     uki       a UKI from make-uki.sh (Image.signed, the second initramfs,
#               a command line with the marker): kexec -s -l boot.efi boots
#               with the UKI's initrd and command line; a second QEMU run
#               loads it with --append and boots with that command line
#               (serial-append.log)
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives serial.log (every line stamped with the host's wall clock),
# iomem.txt, the initramfs and, per scenario, boot.efi or the kdump reports.
set -euo pipefail
E2E_PROG=arm64-file # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" mode="" out="" timeout_s=300 verbose=no scenario="" kernel_dir=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--kernel-dir) kernel_dir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
e2e_arm64_mode "$mode"
case $scenario in
sign|auto|gz|zboot|lockdown|kdump|uki) ;;
*) e2e_die "--scenario must be one of: sign auto gz zboot lockdown kdump uki" ;;
esac
[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH"
[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
e2e_out_dir "$e2e_dir/.out/arm64-file-$mode-$scenario"

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip readelf:binutils awk:mawk sha256sum:coreutils

# --- inputs -------------------------------------------------------------------
if [ -z "$kernel_dir" ]; then
	kernel_dir=$("$e2e_dir/build-file-kernel.sh") || e2e_die "build-file-kernel.sh failed"
fi
for f in Image Image.signed Image.signed.gz vmlinuz.signed.efi config; do
	[ -f "$kernel_dir/$f" ] || e2e_die "no $f in $kernel_dir (build-file-kernel.sh's folder)"
done
"$e2e_dir/fetch-debian.sh" >/dev/null # busybox (and Debian's kernel, unused here)
busybox=$e2e_debian/busybox/bin/busybox
e2e_our_kexec arm64
signed_sha=$(sha256sum <"$kernel_dir/Image.signed" | cut -d' ' -f1)

work=$out/work
rm -rf "$work"
mkdir -p "$work"
rm -f "$out"/serial*.log

# A token the host invents, passed to the next kernel only through what
# kexec is given (--append, or the UKI's .cmdline).
token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1"
# earlycon: the next kernel prints from its first instructions.
append2_base="console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1"
append2="$append2_base e2e_marker=$token"
case $scenario in
lockdown) append1="$append1 lockdown=integrity" ;;
kdump) append1="$append1 crashkernel=256M" ;;
esac

# -nic none: see arm64-kexec.sh.  The first kernel is the unsigned Image:
# QEMU boots it directly, no signature involved.
smp=2
qemu=(qemu-system-aarch64 -M "$machine" -cpu cortex-a57 -smp "$smp" -m 1024
	-nographic -no-reboot -nic none -kernel "$kernel_dir/Image" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid")

# --- the guest's /init --------------------------------------------------------
# write_init1 FILE STEPS: the first /init: the prologue (run, runx), the
# first kernel's /proc/iomem, securityfs (where our kexec reads the
# lockdown state), then STEPS (shell lines), then kexec -e.
write_init1() {
	{
		echo '#!/bin/sh'
		echo "APPEND2=\"$append2\""
		echo "MODE_ERE='$e2e_mode_ere'"
		e2e_guest_prologue /sys/kernel/kexec_loaded
		cat <<'EOF'
mount -t securityfs securityfs /sys/kernel/security
echo "E2E: BEGIN iomem"
cat /proc/iomem
echo "E2E: END iomem"
EOF
		printf '%s\n' "$2"
		e2e_guest_kexec_e
	} >"$1"
}

# The loads of each scenario (runx: stderr reported line by line), every
# one with the second initramfs and the marker unless the UKI brings them.
files=() # extra files for the first initramfs, as mkinitramfs.sh --file
load_args='--initrd=/initrd2.cpio.gz --append="$APPEND2"'
case $scenario in
sign) steps="runx 120 load \$KEXEC -s -d -l /Image.signed $load_args"
	files+=(--file "$kernel_dir/Image.signed:/Image.signed") ;;
auto) steps="runx 120 load \$KEXEC -d -l /Image.signed $load_args"
	files+=(--file "$kernel_dir/Image.signed:/Image.signed") ;;
gz) steps="runx 120 load \$KEXEC -s -d -l /Image.signed.gz $load_args"
	files+=(--file "$kernel_dir/Image.signed.gz:/Image.signed.gz") ;;
zboot) steps="runx 120 load \$KEXEC -s -d -l /vmlinuz.signed.efi $load_args"
	files+=(--file "$kernel_dir/vmlinuz.signed.efi:/vmlinuz.signed.efi") ;;
lockdown)
	steps=$(cat <<EOF
echo "E2E: lockdown \$(cat /sys/kernel/security/lockdown 2>&1)"
runx 120 s-unsigned \$KEXEC -s -l /Image $load_args
runx 120 c-signed \$KEXEC -c -l /Image.signed $load_args
runx 120 a-unsigned \$KEXEC -l /Image $load_args
runx 120 a-unsigned-debug \$KEXEC -d -l /Image $load_args
runx 120 load \$KEXEC -s -l /Image.signed $load_args
EOF
)
	files+=(--file "$kernel_dir/Image:/Image" --file "$kernel_dir/Image.signed:/Image.signed") ;;
esac

# --- checks shared by the scenarios ---------------------------------------------
# stderr_has NAME ERE: some stderr line of runx step NAME matches ERE.
stderr_has() { e2e_stderr_of "$1" | grep -q -E -- "$2"; }
# check_file_load NAME WHAT CHOICE: step NAME loaded through kexec_file_load
# (CHOICE: "-s" or "-a"), -d's description says so, no fall back.
check_file_load() {
	local name=$1 what=$2 choice=$3 line
	line=$(e2e_stderr_of "$name" | grep -m1 '^syscall: ' || true)
	check "$what exits 0 (rc=$(rc_of "$name"))" eq "$(rc_of "$name")" 0
	check "kexec_loaded is 1 after $what" eq "$(loaded_of "$name")" 1
	check "-d describes kexec_file_load(2) ($choice) (\"${line:-no \"syscall:\" line}\")" \
		grep -q -F "syscall: kexec_file_load(2) ($choice" <<<"$line"
	check "$what did not fall back to kexec_load(2) (no \"falling back\", no \"kexec: syscall: kexec_load\")" \
		test -z "$(e2e_stderr_of "$name" | grep -E 'falling back|^kexec: syscall: kexec_load' || true)"
}
# check_memfd NAME FILE FIRST: -d's kernel fd is a sealed memfd holding the
# Image unpacked from FILE, whose chain starts with FIRST (as "FIRST -> " or
# "FIRST(detail) -> "), byte for byte Image.signed (so the kernel sees the
# signature sbsign wrote).
check_memfd() {
	local name=$1 file=$2 first_layer=$3 line sha
	line=$(e2e_stderr_of "$name" | grep -m1 '^kernel fd: ' || true)
	check "kernel fd: sealed memfd: Image unpacked from $file ($first_layer -> ...) (\"${line:-no \"kernel fd:\" line}\")" \
		grep -q -E "^kernel fd: sealed memfd: Image unpacked from ${file//./\\.} \\($first_layer(\\([a-z0-9]+\\))? -> " <<<"$line"
	sha=$(sed -n 's/.* sha256 \([0-9a-f]*\)$/\1/p' <<<"$line")
	check "the memfd's SHA-256 is Image.signed's (${sha:-none} vs $signed_sha)" eq "$sha" "$signed_sha"
}

# boot_and_check LOG: builds the first initramfs from $work/init1, boots,
# runs the first kernel's checks; the scenario's own follow.
boot_and_check() {
	log=$1
	"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
		"${kexec_payload[@]}" --file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" "${files[@]}"
	e2e_log "booting ($mode, $scenario, token $token, timeout ${timeout_s}s); serial log: $log"
	e2e_boot "$timeout_s" "${qemu[@]}"
	e2e_check_first_kernel "$out"
}

failures=0 kernel_desc=Image.signed

# --- kdump ----------------------------------------------------------------------
if [ "$scenario" = kdump ]; then
	pages=64
	e2e_build_guest arm64 "$e2e_dir/guest/plant.c" "$out/plant"
	e2e_build_guest arm64 "$e2e_dir/guest/vmcore-check.c" "$out/vmcore-check"
	# The capture kernel's command line: cma=0 as arm64-kdump.sh has it
	# (harmless here), e2e_pfns= is appended in the guest.
	append2="$append2_base cma=0 e2e_token=$token"
	e2e_kdump_write_init2 "$work/init2"
	"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz" \
		--file "$out/vmcore-check:/vmcore-check"
	# The test kernel may lack CONFIG_MAGIC_SYSRQ (no /proc/sysrq-trigger):
	# then /init's exit is the panic ("Attempted to kill init!"), which
	# takes the same path into the crash kernel.
	kdump_panic=init-exit
	grep -qx 'CONFIG_MAGIC_SYSRQ=y' "$kernel_dir/config" && kdump_panic=sysrq
	e2e_kdump_write_init1 "$work/init1" /Image.signed "$append2" "-s -d"
	"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
		"${kexec_payload[@]}" --file "$kernel_dir/Image.signed:/Image.signed" \
		--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" --file "$out/plant:/plant"
	log=$out/serial.log
	e2e_log "booting ($mode, kdump, token $token, timeout ${timeout_s}s); serial log: $log"
	e2e_boot "$timeout_s" "${qemu[@]}"
	e2e_check_first_kernel "$out"
	check "the first kernel's kexec -s -d -p described kexec_file_load(2) (-s)" \
		grep -q -F "syscall: kexec_file_load(2) (-s)" <(output_of load)
	check "... with KEXEC_FILE_ON_CRASH in its flags" \
		grep -q -E '^flags: .*KEXEC_FILE_ON_CRASH' <(output_of load)
	e2e_kdump_check_first
	# arm64-kdump.sh's two KVM checks at EL2 (KVM owned EL2 when the first
	# kernel panicked; the capture kernel initialised KVM) cannot apply:
	# the test kernel is built without CONFIG_KVM.  The capture kernel's
	# entry mode is still checked (e2e_kdump_check_first).
	[ "$mode" != el2 ] || echo "# not checked: KVM at EL2 (the test kernel has no CONFIG_KVM)"
	e2e_kdump_check_dump 64 183 AArch64
	e2e_kdump_timings
	e2e_finish "file kdump $mode"
	exit 0
fi

# --- the second initramfs: report and power off -------------------------------
e2e_write_init2 "$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz"

# --- uki: two boots --------------------------------------------------------------
if [ "$scenario" = uki ]; then
	"$e2e_dir/make-uki.sh" --linux "$kernel_dir/Image.signed" --initrd "$out/initrd2.cpio.gz" \
		--cmdline "$append2" --out "$out/boot.efi" >&2 || e2e_die "make-uki.sh failed"
	files+=(--file "$out/boot.efi:/boot.efi")
	# 1: the UKI alone: its .initrd and .cmdline.
	write_init1 "$work/init1" 'runx 120 load $KEXEC -s -d -l /boot.efi'
	boot_and_check "$out/serial.log"
	check_file_load load "kexec -s -d -l boot.efi (no --initrd, no command line option)" -s
	check_memfd load /boot.efi UKI
	line=$(e2e_stderr_of load | grep -m1 '^command line: ' || true)
	check "-d: the command line passed is the UKI's (\"${line:-none}\")" grep -q -F "e2e_marker=$token" <<<"$line"
	line=$(e2e_stderr_of load | grep -m1 '^initrd fd: ' || true)
	sha=$(sha256sum <"$out/initrd2.cpio.gz" | cut -d' ' -f1)
	check "-d: the initrd passed is the UKI's .initrd, the second initramfs (\"${line:-none}\")" \
		grep -q -E " sha256 $sha\$" <<<"$line"
	e2e_check_second_kernel
	e2e_timings
	# 2: with --append, which replaces the UKI's command line; the
	# UKI's initrd is still the one booted.
	uki_token=$token
	token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	write_init1 "$work/init1" "runx 120 load \$KEXEC -s -d -l /boot.efi --append=\"$append2_base e2e_marker=$token\""
	boot_and_check "$out/serial-append.log"
	check_file_load load "kexec -s -d -l boot.efi --append=\"... e2e_marker=$token\"" -s
	e2e_check_second_kernel
	check "second kernel's /proc/cmdline does not carry the UKI's marker ($uki_token)" \
		test -n "$(first 'E2E2: cmdline2 ')" -a -z "$(first "E2E2: cmdline2 .*$uki_token")"
	e2e_timings
	e2e_finish "file uki $mode"
	exit 0
fi

# --- sign, auto, gz, zboot, lockdown: one boot ----------------------------------
write_init1 "$work/init1" "$steps"
boot_and_check "$out/serial.log"
case $scenario in
sign)
	check_file_load load "kexec -s -d -l Image.signed --initrd --append" -s
	check "-d: the kernel fd is Image.signed itself (a raw Image is passed as it is)" \
		stderr_has load '^kernel fd: /Image\.signed: Image, '
	;;
auto)
	check_file_load load "kexec -d -l Image.signed --initrd --append (no syscall option: -a)" -a
	;;
gz)
	check_file_load load "kexec -s -d -l Image.signed.gz --initrd --append" -s
	check_memfd load /Image.signed.gz gzip
	;;
zboot)
	check_file_load load "kexec -s -d -l vmlinuz.signed.efi --initrd --append" -s
	check_memfd load /vmlinuz.signed.efi zboot
	;;
lockdown)
	signature='refused under lockdown \(integrity\): its signature is missing or not from a key the running kernel trusts \(EPERM\)'
	line=$(first 'E2E: lockdown ')
	check "the first kernel is locked down: /sys/kernel/security/lockdown shows [integrity] (\"$(text "$line" | sed 's/.*E2E: lockdown //')\")" \
		grep -q -F '[integrity]' <<<"$line"
	e2e_check_one_line_refusal s-unsigned 255 "kexec -s -l Image (unsigned) under lockdown" 0 \
		"^kexec: kexec_file_load\(2\): /Image: $signature"
	e2e_check_one_line_refusal c-signed 255 "kexec -c -l Image.signed under lockdown" 0 \
		'^kexec: kexec_load\(2\) is refused under lockdown \(integrity, /sys/kernel/security/lockdown\): use -s '
	e2e_check_one_line_refusal a-unsigned 255 "kexec -l Image (unsigned, -a) under lockdown" 0 \
		"^kexec: kexec_file_load\(2\): /Image: $signature"
	check "kexec -d -l Image (unsigned, -a) under lockdown exits 255 (rc=$(rc_of a-unsigned-debug))" \
		eq "$(rc_of a-unsigned-debug)" 255
	check "... -d shows kexec_file_load(2) chosen by -a" stderr_has a-unsigned-debug '^syscall: kexec_file_load\(2\) \(-a'
	check "... and no fall back to kexec_load(2) (no \"falling back\", no \"kexec: syscall: kexec_load\")" \
		test -z "$(e2e_stderr_of a-unsigned-debug | grep -E 'falling back|^kexec: syscall: kexec_load' || true)"
	check "... its last line is the signature refusal" \
		grep -q -E -- "$signature" <<<"$(e2e_stderr_of a-unsigned-debug | tail -n 1)"
	check "kexec_loaded is 0 after the refused loads" eq "$(loaded_of a-unsigned-debug)" 0
	check "kexec -s -l Image.signed under lockdown exits 0 (rc=$(rc_of load))" eq "$(rc_of load)" 0
	check "kexec_loaded is 1 after it" eq "$(loaded_of load)" 1
	;;
esac
e2e_check_second_kernel
e2e_timings
e2e_finish "file $scenario $mode"
