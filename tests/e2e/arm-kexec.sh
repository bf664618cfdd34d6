#!/usr/bin/env bash
# End-to-end kexec test for 32-bit ARM under QEMU (TCG): boots Debian
# bookworm's armmp-lpae or armmp kernel (a zImage) on `virt` with a busybox
# initramfs whose /init exercises `kexec -l/-S/-u` and finally `kexec -e`
# into the same kernel (as a zImage or wrapped in a uImage) with a second
# initramfs, then checks from the host, in the serial log, that every step
# behaved and that the second kernel started in the same mode (HYP or SVC)
# as the first.
#
# usage: tests/e2e/arm-kexec.sh (--kexec PATH | --kexec-tools-debian)
#            --mode hyp|svc [--flavour lpae|armmp] [--kernel-format zimage|uimage]
#            [--scenario boot|mismatch|bad-inputs] [--out DIR] [--timeout SECONDS] [--verbose]
#   --kexec PATH          a static armhf kexec binary (ours), put at /sbin/kexec
#   --kexec-tools-debian  Debian's kexec-tools:armhf plus its shared libraries
#                         instead (to validate the harness itself)
#   --mode hyp            QEMU with virtualization=on: the kernel starts in HYP
#   --mode svc            without it: the kernel starts in SVC
#   --flavour lpae        linux-image-*-armmp-lpae (default)
#   --flavour armmp       linux-image-*-armmp (no LPAE)
#   --cpu MODEL           QEMU CPU (default cortex-a15, ARMv7; "max" is an
#                         ARMv8 CPU in AArch32 with the SHA-256 instructions,
#                         which the purgatory then uses)
#   --kernel-format zimage  kexec the zImage itself (default)
#   --kernel-format uimage  kexec a uImage made from it with mkimage (-C none,
#                         load = entry = RAM base + 0x8000, where a loader
#                         that honoured it would still be sane; our loader
#                         treats the wrapped zImage as position independent)
#   --out DIR             where the logs and captured data go
#                         (default tests/e2e/.out/arm-FLAVOUR-MODE-FORMAT-SCENARIO)
#   --timeout SECONDS     hard limit for the whole QEMU run (default 300): a
#                         failed arm boot never ends by itself
#   --status-loaded-rc N  exit status `kexec -l -S` must give when a kernel is
#                         loaded (default 1, as kexec-tools)
#   --scenario mismatch   instead of the boot scenario: load with segment 1's
#                         digest deliberately wrong (KEXEC_TEST_CORRUPT_DIGEST)
#                         and check that the purgatory reports it and halts;
#                         QEMU is stopped as soon as the purgatory says halted
#   --scenario bad-inputs instead: load the kernel, make the failed loads of
#                         lib.sh's e2e_bad_inputs (each must fail by itself
#                         with one line and leave the kernel loaded), then
#                         kexec -e must boot it as in boot
#   --append2 "ARGS"      extra arguments for the second kernel's command line
#   --kexec-env VAR=VALUE environment for the guest's kexec, e.g.
#                         KEXEC_SHA256_PORTABLE=1 or KEXEC_PURGATORY_UNCACHED=1
#                         (the fallbacks), with --kexec-debug to see them used
#   --kexec-debug         load with -d: the plan is printed in the serial log
#   --verbose             also copy the serial console to stderr as it comes
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives: serial.log (every line stamped with the host's wall clock),
# iomem.txt (the first kernel's /proc/iomem), qemu-virt.dtb (QEMU's dumpdtb),
# guest-fdt.dtb (/sys/firmware/fdt in the first kernel), initrd1.cpio.gz,
# initrd2.cpio.gz.
set -euo pipefail
E2E_PROG=arm-kexec # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" debian_kexec=no mode="" out="" timeout_s=300 verbose=no s_loaded=1 append2_extra=""
scenario=boot load_flags="" flavour=lpae format=zimage
cpu=cortex-a15
kexec_env=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--kexec-tools-debian) debian_kexec=yes; shift ;;
	--mode) mode=$2; shift 2 ;;
	--flavour) flavour=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--kernel-format) format=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--status-loaded-rc) s_loaded=$2; shift 2 ;;
	--append2) append2_extra=" $2"; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--kexec-debug) load_flags=-d; shift ;;
	--kexec-env) kexec_env=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
# highmem=off: with -m 1024 all RAM is below 4 GiB anyway, and the armmp
# (non-LPAE) kernel cannot use devices above it.
case $mode in
hyp) machine=virt,highmem=off,virtualization=on; expect_mode=HYP ;;
svc) machine=virt,highmem=off; expect_mode=SVC ;;
*) e2e_die "--mode must be hyp or svc" ;;
esac
case $flavour in lpae|armmp) ;; *) e2e_die "--flavour must be lpae or armmp" ;; esac
case $format in
zimage) kernel_desc=zImage ;;
uimage) kernel_desc=uImage ;;
*) e2e_die "--kernel-format must be zimage or uimage" ;;
esac
case $s_loaded in
0|1) s_not_loaded=$((1 - s_loaded)) ;;
*) e2e_die "--status-loaded-rc must be 0 or 1" ;;
esac
e2e_scenario_valid
if [ $debian_kexec = yes ]; then
	[ -z "$kexec_bin" ] || e2e_die "--kexec and --kexec-tools-debian exclude each other"
else
	[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH or --kexec-tools-debian"
	[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
fi
out=${out:-$e2e_dir/.out/arm-$flavour-$mode-$format-$scenario}
mkdir -p "$out"
out=$(cd "$out" && pwd)

e2e_need_tools qemu-system-arm:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip base64:coreutils readelf:binutils awk:mawk
[ "$format" = zimage ] || e2e_need_tools mkimage:u-boot-tools

# --- inputs -------------------------------------------------------------------
debian=$(e2e_debian_for armhf)
if [ $debian_kexec = yes ]; then
	zimage=$("$e2e_dir/fetch-debian.sh" --arch armhf --flavour "$flavour" --kexec-tools)
	kexec_payload=(--tree "$debian/kexec-tools/min")
else
	zimage=$("$e2e_dir/fetch-debian.sh" --arch armhf --flavour "$flavour")
	e2e_our_kexec armhf
fi
busybox=$debian/busybox/bin/busybox

token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1"
# earlycon makes the second kernel print from its first instructions, so the
# gap from the old kernel's "Bye!" to the new one can be timed.
append2="console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 e2e_marker=$token$append2_extra"

work=$out/work
rm -rf "$work"
mkdir -p "$work"

# The kernel the first kernel kexecs: the zImage, or a uImage around it.
# QEMU's virt machine has its RAM at 0x40000000; a loader that honoured the
# uImage's load address would put the zImage at RAM + 0x8000, from where its
# decompressor relocates itself above the kernel it writes.
ram_base=0x40000000 uload=""
if [ "$format" = uimage ]; then
	uload=$(printf '0x%08x' $((ram_base + 0x8000)))
	mkimage -A arm -O linux -T kernel -C none -a "$uload" -e "$uload" \
		-n "$(basename "$zimage")" -d "$zimage" "$work/uImage" >"$work/mkimage.log" 2>&1 ||
		e2e_die "mkimage failed (see $work/mkimage.log)"
	kernel=$work/uImage kname=uImage
else
	kernel=$zimage kname=zImage
fi

# --- the second initramfs: report and power off -------------------------------
e2e_write_init2 "$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz"

# --- the first initramfs: the scenario ----------------------------------------
# Two files that are not kernels: the kernel cut to 4 KiB (a valid header but
# no body; for a uImage, a header whose size and CRC the data cannot match)
# and 64 KiB of random bytes.

e2e_write_init1 "$work/init1" "$scenario" "/$kname" "$append2" "$load_flags" "$kexec_env"
e2e_make_initrd1 "$kernel" "$kname"

# -nic none: the default virtio NIC needs efi-virtio.rom (package
# ipxe-qemu), which a minimal host lacks, and the test needs no network.
qemu=(qemu-system-arm -M "$machine" -cpu "$cpu" -smp 2 -m 1024
	-nographic -no-reboot -nic none -kernel "$zimage" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid")

e2e_dump_dtb "${qemu[@]}"

# --- boot ---------------------------------------------------------------------
log=$out/serial.log
e2e_log "booting ($flavour, $mode, $format, $scenario, token $token, timeout ${timeout_s}s); serial log: $log"
e2e_boot "$timeout_s" "${qemu[@]}"

# --- assertions ---------------------------------------------------------------
failures=0
echo "# kernel: $(basename "$zimage") ($(stat -c %s "$zimage") bytes)${uload:+, loaded as a uImage (load = entry = $uload)}"
e2e_check_first_kernel "$out"
e2e_check_scenario

# --- timings ------------------------------------------------------------------
e2e_timings

e2e_finish "$flavour $mode $format $scenario"
