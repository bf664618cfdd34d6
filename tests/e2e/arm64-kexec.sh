#!/usr/bin/env bash
# End-to-end kexec test for arm64 under QEMU (TCG): boots Debian bookworm's
# cloud kernel with a busybox initramfs whose /init exercises `kexec -l/-S/-u`,
# `kexec -s` (refused with 253: the kernel has no kexec_file_load), a final
# `kexec -a -l` and `kexec -e` into the same kernel with a second initramfs, then
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
#   --scenario bad-inputs instead: load the kernel, then make the failed loads
#                         of lib.sh's e2e_bad_inputs (a FIFO as initrd,
#                         /dev/zero, a truncated kernel, a hostile DTB, a
#                         3000-byte command line, a directory): each must
#                         fail by itself with one line and leave the kernel
#                         loaded; then kexec -e must boot it as in boot
#   --scenario uki        instead: a UKI made by make-uki.sh from the Image,
#                         the second initramfs and the marker command line,
#                         loaded with `kexec -c -d -l /boot.efi` (no --initrd,
#                         no command line option: the UKI's own are used) and
#                         booted through our purgatory; -d's plan must name
#                         the UKI in the kernel file's chain
#   --append2 "ARGS"      extra arguments for the second kernel's command line
#                         (e.g. initcall_debug to see where its boot time goes)
#   --cpu MODEL           QEMU CPU (default cortex-a57); "max" has VHE, so a
#                         kernel at EL2 runs with HCR_EL2.E2H set and the
#                         purgatory meets that layout
#   --kexec-env VAR=VALUE environment for the guest's kexec, e.g.
#                         KEXEC_SHA256_PORTABLE=1 or KEXEC_PURGATORY_UNCACHED=1
#                         (the fallbacks), with --kexec-debug to see them used
#   --kexec-debug         load with -d: the plan is printed in the serial log
#                         and the purgatory says when its checks passed
#   --kernel-file PATH    the guest kexecs PATH (put in the first initramfs
#                         under its own name) instead of /Image, the Image the
#                         first kernel booted; e.g. an Image.zst or a zboot
#                         made by make-kernel-formats.sh.  The broken file is
#                         PATH cut to 4 KiB.
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
scenario=boot load_flags="" kernel_file=""
kexec_env="" cpu=cortex-a57
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
	--kexec-env) kexec_env=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--kernel-file) kernel_file=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
e2e_arm64_mode "$mode"
case $s_loaded in
0|1) s_not_loaded=$((1 - s_loaded)) ;;
*) e2e_die "--status-loaded-rc must be 0 or 1" ;;
esac
e2e_scenario_valid uki
if [ $debian_kexec = yes ]; then
	[ -z "$kexec_bin" ] || e2e_die "--kexec and --kexec-tools-debian exclude each other"
else
	[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH or --kexec-tools-debian"
	[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
fi
e2e_out_dir "$e2e_dir/.out/arm64-$mode-$scenario"

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip base64:coreutils readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
if [ $debian_kexec = yes ]; then
	image=$("$e2e_dir/fetch-debian.sh" --kexec-tools)
	kexec_payload=(--tree "$e2e_debian/kexec-tools/min")
else
	image=$("$e2e_dir/fetch-debian.sh")
	e2e_our_kexec arm64
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
e2e_write_init2 "$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz"

# --- the first initramfs: the scenario ----------------------------------------
# Two files that are not kernels: the Image cut to 4 KiB (a valid header but
# no body) and 64 KiB of random bytes.  Loading either must fail and must
# leave the already loaded kernel in place.
# With --kernel-file, the file the guest loads is that one, by its own name.
kfile=${kernel_file:-$image} kname=Image
if [ -n "$kernel_file" ]; then
	[ -f "$kernel_file" ] || e2e_die "no kernel file at $kernel_file"
	kname=$(basename "$kernel_file")
fi
# A UKI carries the second initramfs and the marker command line itself.
if [ "$scenario" = uki ]; then
	[ -z "$kernel_file" ] || e2e_die "--scenario uki makes its own kernel file; leave out --kernel-file"
	"$e2e_dir/make-uki.sh" --linux "$image" --initrd "$out/initrd2.cpio.gz" \
		--cmdline "$append2" --out "$out/boot.efi" >&2 || e2e_die "make-uki.sh failed"
	kfile=$out/boot.efi kname=boot.efi
fi

e2e_write_init1 "$work/init1" "$scenario" "/$kname" "$append2" "$load_flags" "$kexec_env"
e2e_make_initrd1 "$kfile" "$kname"

# -nic none: the default virtio NIC needs efi-virtio.rom (package
# ipxe-qemu), which a minimal host lacks, and the test needs no network.
qemu=(qemu-system-aarch64 -M "$machine" -cpu "$cpu" -smp 2 -m 1024
	-nographic -no-reboot -nic none -kernel "$image" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid")

e2e_dump_dtb "${qemu[@]}"

# --- boot ---------------------------------------------------------------------
log=$out/serial.log
e2e_log "booting ($mode, token $token, timeout ${timeout_s}s); serial log: $log"
e2e_boot "$timeout_s" "${qemu[@]}"

# --- assertions ---------------------------------------------------------------
failures=0 kernel_desc=$kname
e2e_check_first_kernel "$out"
e2e_check_scenario

# --- timings ------------------------------------------------------------------
e2e_timings

e2e_finish "$mode"
