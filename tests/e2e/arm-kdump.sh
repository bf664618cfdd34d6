#!/usr/bin/env bash
# End-to-end kdump test for 32-bit ARM under QEMU (TCG): boots Debian
# bookworm's armmp-lpae (or armmp) zImage on `virt` with crashkernel=128M;
# its /init plants pages holding a fresh token at known physical addresses
# (guest/plant.c), loads the same zImage as a capture kernel with `kexec -p`,
# exercises `kexec -S` / `kexec -u -p`, and panics the kernel through sysrq.
# The capture kernel's /init reads /proc/vmcore (guest/vmcore-check.c) and
# reports its ELF notes, its PT_LOADs and the planted pages it finds there;
# the host checks all of it against what the first kernel reported (its
# /proc/iomem, uname -r, the pages' frame numbers), and that the capture
# kernel ran inside the crash region only.  The checks are shared with
# arm64-kdump.sh (lib.sh).
#
# usage: tests/e2e/arm-kdump.sh --kexec PATH --mode hyp|svc [--flavour lpae|armmp]
#            [--out DIR] [--timeout SECONDS] [--pages N] [--crashkernel SIZE]
#            [--append2 "ARGS"] [--kexec-debug] [--verbose] [--dump-tools [--crash]]
#   --kexec PATH          a static armhf kexec binary (ours), put at /sbin/kexec
#   --mode hyp            QEMU with virtualization=on: the kernel starts in HYP
#   --mode svc            without it: the kernel starts in SVC
#   --flavour lpae        linux-image-*-armmp-lpae (default); armmp: no LPAE
#   --out DIR             logs and captured data
#                         (default tests/e2e/.out/arm-kdump-FLAVOUR-MODE)
#   --timeout SECONDS     hard limit for the whole QEMU run (default 300): a
#                         failed arm boot never ends by itself
#   --pages N             pages to plant and look for (default 32: the arm
#                         command line holds 1023 bytes)
#   --crashkernel SIZE    the first kernel's crashkernel= (default 128M)
#   --append2 "ARGS"      extra arguments for the capture kernel
#   --dump-tools          also read the dump with Debian's vmcore-dmesg and
#                         makedumpfile (--dump-dmesg, -l -d 31) in the capture
#                         kernel, whose files leave through a virtio disk; on
#                         armmp-lpae makedumpfile must refuse with its own
#                         message (docs/DUMP-TOOLS.md)
#   --crash               with --dump-tools: then crash (armhf, under qemu-arm)
#                         on the host on makedumpfile's dump file, with the
#                         -dbg vmlinux (armmp only: lpae has no dump file)
#   --kexec-debug         load with -d (the plan goes to the serial log)
#   --verbose             also copy the serial console to stderr as it comes
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives what arm64-kdump.sh leaves, plus iomem2.txt (the capture
# kernel's /proc/iomem); with --dump-tools also dump-tools/ and crash.txt.
set -euo pipefail
E2E_PROG=arm-kdump # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" mode="" flavour=lpae out="" timeout_s=300 verbose=no
pages=32 crashkernel=128M load_flags="" append2_extra="" kdump_dump_tools=no dt_crash=no
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--flavour) flavour=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--pages) pages=$2; shift 2 ;;
	--crashkernel) crashkernel=$2; shift 2 ;;
	--append2) append2_extra=" $2"; shift 2 ;;
	--kexec-debug) load_flags=-d; shift ;;
	--dump-tools) kdump_dump_tools=yes; shift ;;
	--crash) dt_crash=yes; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
# highmem=off: see arm-kexec.sh.
case $mode in
hyp) machine=virt,highmem=off,virtualization=on; expect_mode=HYP ;;
svc) machine=virt,highmem=off; expect_mode=SVC ;;
*) e2e_die "--mode must be hyp or svc" ;;
esac
case $flavour in lpae|armmp) ;; *) e2e_die "--flavour must be lpae or armmp" ;; esac
[ $dt_crash = no ] || [ $kdump_dump_tools = yes ] || e2e_die "--crash goes with --dump-tools"
[ $dt_crash = no ] || [ "$flavour" = armmp ] ||
	e2e_die "--crash reads makedumpfile's dump file, which makedumpfile cannot make on lpae (docs/DUMP-TOOLS.md)"
case $pages in
''|*[!0-9]*) e2e_die "--pages must be a number" ;;
esac
if [ "$pages" -lt 1 ] || [ "$pages" -gt 64 ]; then e2e_die "--pages must be 1 to 64"; fi
[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH"
[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
out=${out:-$e2e_dir/.out/arm-kdump-$flavour-$mode}
mkdir -p "$out"
out=$(cd "$out" && pwd)

e2e_need_tools qemu-system-arm:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
debian=$(e2e_debian_for armhf)
zimage=$("$e2e_dir/fetch-debian.sh" --arch armhf --flavour "$flavour")
e2e_our_kexec armhf
busybox=$debian/busybox/bin/busybox

work=$out/work
rm -rf "$work"
mkdir -p "$work"
e2e_build_guest armhf "$e2e_dir/guest/plant.c" "$out/plant"
e2e_build_guest armhf "$e2e_dir/guest/vmcore-check.c" "$out/vmcore-check"

token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1 crashkernel=$crashkernel"
# cma=0: Debian's armmp kernels reserve 16 MiB of CMA, a waste in 128 MiB.
# earlycon: the capture kernel prints from its first instructions.
append2="console=ttyAMA0 earlycon=pl011,0x9000000 cma=0 panic=-1 e2e_token=$token$append2_extra"

# --- the initramfs ------------------------------------------------------------
dt_initrd_args=() dt_qemu_args=()
[ $kdump_dump_tools = no ] || e2e_kdump_dump_tools_prepare armhf "$zimage"
e2e_kdump_write_init2 "$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz" \
	--file "$out/vmcore-check:/vmcore-check" "${dt_initrd_args[@]}"
kernel_desc=zImage
e2e_kdump_write_init1 "$work/init1" /zImage "$append2" "$load_flags"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
	"${kexec_payload[@]}" \
	--file "$zimage:/zImage" \
	--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" \
	--file "$out/plant:/plant"

# -nic none: see arm-kexec.sh.
smp=2
qemu=(qemu-system-arm -M "$machine" -cpu cortex-a15 -smp "$smp" -m 1024
	-nographic -no-reboot -nic none -kernel "$zimage" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid" "${dt_qemu_args[@]}")

# --- boot ---------------------------------------------------------------------
log=$out/serial.log
e2e_log "booting ($flavour, $mode, token $token, timeout ${timeout_s}s); serial log: $log"
e2e_boot "$timeout_s" "${qemu[@]}"

# --- assertions ---------------------------------------------------------------
failures=0
echo "# kernel: $(basename "$zimage") ($(stat -c %s "$zimage") bytes)"
e2e_check_first_kernel "$out"
e2e_kdump_check_first

# The capture kernel ran in the crash region only: all the RAM it was given
# (its System RAM) lies inside the first kernel's "Crash kernel".
e2e_section iomem2 | grep -E '^ *[0-9a-f]+-[0-9a-f]+ : ' >"$out/iomem2.txt" || true
{ grep -E '^[0-9a-f]+-[0-9a-f]+ : System RAM$' "$out/iomem2.txt" || true; } |
	sed -E 's/^([0-9a-f]+)-([0-9a-f]+) .*/\1 \2/' |
	while read -r a b; do echo "$((16#$a)) $((16#$b + 1))"; done | merge_ranges >"$work/ram2.txt"
{ iomem_ranges ': Crash kernel$' || true; } | merge_ranges >"$work/crash1.txt"
outside=$(subtract_ranges "$work/crash1.txt" <"$work/ram2.txt" | to_hex | tr '\n' ' ')
echo "# capture kernel's System RAM: $(to_hex <"$work/ram2.txt" | tr '\n' ' ')"
check "capture kernel's System RAM lies inside the crash region${outside:+ (outside: $outside)}" \
	test -s "$work/ram2.txt" -a -z "$outside"

# --- the dump -----------------------------------------------------------------
# ELF32: with highmem=off and 1 GiB all RAM is below 4 GiB.
e2e_kdump_check_dump 32 40 ARM
layout=$(grep '^VMCORE: vmcoreinfo ' "$out/vmcore-check.txt" | grep -v -E 'OSRELEASE|PAGESIZE' |
	sed 's/^VMCORE: vmcoreinfo //' | tr '\n' ' ' || true)
echo "# the dead kernel's VMCOREINFO layout keys: ${layout:-none}"
if [ $kdump_dump_tools = yes ]; then
	dt_makedumpfile=works
	if [ "$flavour" = lpae ]; then
		# makedumpfile (1.7.2, and upstream) takes 32-bit ARM's PAGE_OFFSET
		# to be SYMBOL(_stext) & 0xffc00000; armmp-lpae's _stext is
		# PAGE_OFFSET + 4 MiB, so it reads init_uts_ns 4 MiB too low and
		# gives up (docs/DUMP-TOOLS.md).
		stext=$(sed -n 's/^VMCORE: vmcoreinfo SYMBOL(_stext)=//p' "$out/vmcore-check.txt" | head -n 1)
		[ -z "$stext" ] || printf '# makedumpfile on armmp-lpae: _stext 0x%s, so its PAGE_OFFSET guess is %#x\n' \
			"$stext" "$((16#$stext & 0xffc00000))"
		dt_makedumpfile="check_release: Can't get the kernel version\\."
	fi
	e2e_kdump_check_dump_tools
fi

# --- timings ------------------------------------------------------------------
e2e_kdump_timings
[ $kdump_dump_tools = no ] || e2e_kdump_dump_tools_timings

e2e_finish "arm kdump $flavour $mode"
