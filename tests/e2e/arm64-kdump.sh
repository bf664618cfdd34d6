#!/usr/bin/env bash
# End-to-end kdump test for arm64 under QEMU (TCG): boots Debian bookworm's
# cloud kernel with crashkernel=256M; its /init plants pages holding a fresh
# token at known physical addresses (guest/plant.c), loads a capture kernel
# with `kexec -p`, exercises `kexec -S` / `kexec -u -p`, and panics the
# kernel through sysrq.  The capture kernel's /init reads /proc/vmcore
# (guest/vmcore-check.c) and reports its ELF notes, its PT_LOADs and the
# planted pages it finds there; the host checks all of it against what the
# first kernel reported (its /proc/iomem, uname -r, the pages' frame numbers).
# At EL2 it also checks that KVM owned EL2 when the first kernel panicked (a
# panic runs no reboot notifier) and that the capture kernel got EL2 back.
#
# usage: tests/e2e/arm64-kdump.sh (--kexec PATH | --kexec-tools-debian)
#            --mode el2|el1 [--out DIR] [--timeout SECONDS] [--verbose]
#            [--pages N] [--crashkernel SIZE] [--kexec-debug] [--dump-tools]
#   --kexec PATH          a static arm64 kexec binary (ours), put at /sbin/kexec
#   --kexec-tools-debian  Debian's kexec-tools:arm64 instead (to validate the
#                         harness; see ARM-BOOT-NOTES.md: its dumps of this
#                         kernel are known to be broken)
#   --mode el2            QEMU with virtualization=on: the kernel starts at EL2
#   --mode el1            without it: the kernel starts at EL1
#   --out DIR             logs and captured data (default tests/e2e/.out/arm64-kdump-MODE)
#   --timeout SECONDS     hard limit for the whole QEMU run (default 240)
#   --pages N             pages to plant and look for (default 64)
#   --crashkernel SIZE    the first kernel's crashkernel= (default 256M)
#   --kexec-debug         load with -d (the plan goes to the serial log)
#   --dump-tools          also read the dump with Debian's tools: vmcore-dmesg
#                         and makedumpfile (--dump-dmesg, -l -d 31) in the
#                         capture kernel, whose files leave through a virtio
#                         disk; then crash (arm64, under qemu-aarch64) on the
#                         host with the -dbg vmlinux (docs/DUMP-TOOLS.md)
#   --verbose             also copy the serial console to stderr as it comes
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives: serial.log (every line stamped with the host's wall clock),
# iomem.txt (the first kernel's /proc/iomem), expected-loads.txt (System RAM
# minus the crash region), vmcore-loads.txt (the union of the dump's
# PT_LOADs), vmcore-check.txt (the capture kernel's report), the two
# initramfs and the guest programs; with --dump-tools also dump-tools/ (the
# files the tools wrote: dumpfile, *-dmesg.txt, each tool's messages in
# *.out) and crash.txt.
set -euo pipefail
E2E_PROG=arm64-kdump # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" debian_kexec=no mode="" out="" timeout_s=240 verbose=no
pages=64 crashkernel=256M load_flags="" kdump_dump_tools=no dt_crash=no
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--kexec-tools-debian) debian_kexec=yes; shift ;;
	--mode) mode=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--pages) pages=$2; shift 2 ;;
	--crashkernel) crashkernel=$2; shift 2 ;;
	--kexec-debug) load_flags=-d; shift ;;
	--dump-tools) kdump_dump_tools=yes dt_crash=yes; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
e2e_arm64_mode "$mode"
# 64 entries of "INDEX:PFN," fit the capture kernel's command line
# (COMMAND_LINE_SIZE is 2048 on arm64) with room to spare.
case $pages in
''|*[!0-9]*) e2e_die "--pages must be a number" ;;
esac
if [ "$pages" -lt 1 ] || [ "$pages" -gt 100 ]; then e2e_die "--pages must be 1 to 100"; fi
if [ $debian_kexec = yes ]; then
	[ -z "$kexec_bin" ] || e2e_die "--kexec and --kexec-tools-debian exclude each other"
else
	[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH or --kexec-tools-debian"
	[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
fi
e2e_out_dir "$e2e_dir/.out/arm64-kdump-$mode"

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
if [ $debian_kexec = yes ]; then
	image=$("$e2e_dir/fetch-debian.sh" --kexec-tools)
	kexec_payload=(--tree "$e2e_debian/kexec-tools/min")
else
	image=$("$e2e_dir/fetch-debian.sh")
	e2e_our_kexec arm64
fi
busybox=$e2e_debian/busybox/bin/busybox

work=$out/work
rm -rf "$work"
mkdir -p "$work"
e2e_build_guest arm64 "$e2e_dir/guest/plant.c" "$out/plant"
e2e_build_guest arm64 "$e2e_dir/guest/vmcore-check.c" "$out/vmcore-check"

# A token the host invents: written into the planted pages by the first
# kernel's user space and handed to the capture kernel only through the
# command line of `kexec -p --append`.
token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1 crashkernel=$crashkernel"
# cma=0: Debian reserves 64 MiB of CMA, too much inside a 256 MiB region.
# earlycon: the capture kernel prints from its first instructions, so the
# gap from the panic to it can be timed.  e2e_pfns= is appended in the guest.
append2="console=ttyAMA0 earlycon=pl011,0x9000000 cma=0 panic=-1 e2e_token=$token"

# --- the capture kernel's initramfs -------------------------------------------
dt_initrd_args=() dt_qemu_args=()
[ $kdump_dump_tools = no ] || e2e_kdump_dump_tools_prepare arm64 "$image"
e2e_kdump_write_init2 "$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz" \
	--file "$out/vmcore-check:/vmcore-check" "${dt_initrd_args[@]}"

# --- the first initramfs ------------------------------------------------------
kernel_desc=Image
e2e_kdump_write_init1 "$work/init1" /Image "$append2" "$load_flags"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
	"${kexec_payload[@]}" \
	--file "$image:/Image" \
	--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" \
	--file "$out/plant:/plant"

# -nic none: see arm64-kexec.sh.
smp=2
qemu=(qemu-system-aarch64 -M "$machine" -cpu cortex-a57 -smp "$smp" -m 1024
	-nographic -no-reboot -nic none -kernel "$image" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid" "${dt_qemu_args[@]}")

# --- boot ---------------------------------------------------------------------
log=$out/serial.log
e2e_log "booting ($mode, token $token, timeout ${timeout_s}s); serial log: $log"
e2e_boot "$timeout_s" "${qemu[@]}"

# --- assertions ---------------------------------------------------------------
failures=0
e2e_check_first_kernel "$out"
e2e_kdump_check_first
if [ "$mode" = el2 ]; then
	# A panic runs no reboot notifier: KVM still owns EL2 when the first
	# kernel dies, and must hand it back for the crash kexec (seed 002).
	kvm1=$(grep -n -m1 'kvm \[[0-9]*\]: Hyp mode initialized successfully' "$log" | cut -d: -f1 || true)
	check "KVM owned EL2 in the first kernel when it panicked" \
		test -n "$kvm1" -a "${kvm1:-0}" -lt "${panic_n:-0}"
	kvm2=0
	[ "${boot2_n:-0}" != 0 ] && kvm2=$(e2e_after "$boot2_n" 'kvm \[[0-9]+\]: Hyp mode initialized successfully')
	check "capture kernel initialised KVM at EL2 too" test "${kvm2:-0}" != 0
fi

# --- the dump -----------------------------------------------------------------
e2e_kdump_check_dump 64 183 AArch64
if [ $kdump_dump_tools = yes ]; then
	dt_makedumpfile=works
	e2e_kdump_check_dump_tools
fi

# --- timings ------------------------------------------------------------------
e2e_kdump_timings
[ $kdump_dump_tools = no ] || e2e_kdump_dump_tools_timings

e2e_finish "kdump $mode"
