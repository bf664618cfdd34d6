#!/usr/bin/env bash
# Refreshes tests/fixtures/qemu-virt-arm64/ with real data for the unit tests:
# boots the arm64 scenario at EL2 and at EL1 and keeps, per mode,
#   iomem-MODE.txt      the first kernel's /proc/iomem, read as root
#   virt-MODE.dtb       the DTB QEMU hands the kernel (-M virt,...,dumpdtb=)
#   guest-fdt-MODE.dtb  /sys/firmware/fdt read inside that guest
# The boots use Debian's kexec-tools unless --kexec PATH is given; the
# scenario's own assertions do not matter here, only the captured data.
#
# With --arch armhf: tests/fixtures/qemu-virt-arm/ instead, from arm-kexec.sh
# boots of the armmp-lpae and armmp kernels in HYP and in SVC mode, named
# iomem-FLAVOUR-MODE.txt, virt-FLAVOUR-MODE.dtb, guest-fdt-FLAVOUR-MODE.dtb
# (and .dts of each, for reading).
#
# usage: tests/e2e/capture-fixtures.sh [--arch arm64|armhf] [--kexec PATH]
set -euo pipefail
E2E_PROG=capture-fixtures # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_args=(--kexec-tools-debian) arch=arm64
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_args=(--kexec "$2"); shift 2 ;;
	--arch) arch=$2; shift 2 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done
if [ "$arch" = armhf ]; then
	dest=$e2e_top/tests/fixtures/qemu-virt-arm
	mkdir -p "$dest"
	for flavour in lpae armmp; do
		for mode in hyp svc; do
			fm=$flavour-$mode out=$e2e_dir/.out/fixtures-arm-$flavour-$mode
			"$e2e_dir/arm-kexec.sh" "${kexec_args[@]}" --flavour "$flavour" --mode "$mode" \
				--out "$out" >"$out.tap" 2>&1 || true
			grep -q 'System RAM' "$out/iomem.txt" 2>/dev/null || e2e_die "no /proc/iomem captured for $fm (see $out.tap)"
			[ -s "$out/qemu-virt.dtb" ] || e2e_die "no dumpdtb output for $fm (see $out.tap)"
			[ -s "$out/guest-fdt.dtb" ] || e2e_die "no /sys/firmware/fdt captured for $fm (see $out.tap)"
			cp "$out/iomem.txt" "$dest/iomem-$fm.txt"
			# Repacked: QEMU pads its DTB to 1 MiB of zeros.
			dtc -q -I dtb -O dtb -o "$dest/virt-$fm.dtb" "$out/qemu-virt.dtb"
			dtc -q -I dtb -O dtb -o "$dest/guest-fdt-$fm.dtb" "$out/guest-fdt.dtb"
			dtc -q -I dtb -O dts -o "$dest/virt-$fm.dts" "$dest/virt-$fm.dtb"
			dtc -q -I dtb -O dts -o "$dest/guest-fdt-$fm.dts" "$dest/guest-fdt-$fm.dtb"
			e2e_log "$fm: captured (see $out.tap)"
		done
	done
	ls -l "$dest" >&2
	exit 0
fi
[ "$arch" = arm64 ] || e2e_die "--arch must be arm64 or armhf"
dest=$e2e_top/tests/fixtures/qemu-virt-arm64
mkdir -p "$dest"
for mode in el2 el1; do
	out=$e2e_dir/.out/fixtures-$mode
	"$e2e_dir/arm64-kexec.sh" "${kexec_args[@]}" --mode "$mode" --out "$out" >"$out.tap" 2>&1 || true
	grep -q 'System RAM' "$out/iomem.txt" 2>/dev/null || e2e_die "no /proc/iomem captured at $mode (see $out.tap)"
	[ -s "$out/qemu-virt.dtb" ] || e2e_die "no dumpdtb output at $mode (see $out.tap)"
	cp "$out/iomem.txt" "$dest/iomem-$mode.txt"
	# Repacked: QEMU pads its DTB to 1 MiB of zeros, which tests do not need.
	dtc -q -I dtb -O dtb -o "$dest/virt-$mode.dtb" "$out/qemu-virt.dtb"
	if [ -s "$out/guest-fdt.dtb" ]; then
		dtc -q -I dtb -O dtb -o "$dest/guest-fdt-$mode.dtb" "$out/guest-fdt.dtb"
	else
		e2e_log "warning: no /sys/firmware/fdt captured at $mode"
	fi
	e2e_log "$mode: $(grep -c '^ok' "$out.tap") ok, $(grep -c '^not ok' "$out.tap" || true) not ok (see $out.tap)"
done
ls -l "$dest" >&2
