#!/usr/bin/env bash
# Regenerates the seeds of the planner harnesses (plan_arm64, plan_arm)
# and of the arm64_image, zimage, atags and idmap harnesses from
# tests/fixtures, and the regressions of the defects they were written for.  The part layouts are described at the top of
# tests/fuzz/fuzz_plan.h and of each harness.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fuzz=$(cd "$here/.." && pwd)
fx=$(cd "$fuzz/../fixtures" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bytes FILE HEX...: FILE holds the given bytes.
bytes() {
	local out=$1
	shift
	printf "$(printf '\\x%s' "$@")" >"$out"
}
pack() { python3 "$fuzz/pack.py" "$@"; }

printf 'console=ttyAMA0 panic=-1' >"$tmp/cmdline"
head -c 4096 /dev/zero | tr '\0' '\105' >"$tmp/elfcorehdr"

d=$here/plan_arm64
rm -rf "$d" && mkdir -p "$d"
a64=$fx/qemu-virt-arm64
# flags byte 0: 0x40 initrd, 0x10 memory from the DTB, 0x01 crash,
# 0x02 --no-checks, 0x20 raw memory pairs; byte 1: page size, no UART.
bytes "$tmp/f-initrd" 40 00
bytes "$tmp/f-dtbmem" 50 00
bytes "$tmp/f-crash" 41 00
bytes "$tmp/f-nochecks" 02 04
bytes "$tmp/f-64k" 40 02
bytes "$tmp/f-raw" 60 00
pack "$d/iomem-el2-initrd" "$tmp/f-initrd" "$fx/formats/Image" "$fx/formats/initramfs.cpio" \
	"$a64/guest-fdt-el2.dtb" "$a64/iomem-el2.txt" "$tmp/cmdline"
pack "$d/iomem-el1-nochecks" "$tmp/f-nochecks" "$fx/formats/Image" - \
	"$a64/guest-fdt-el1.dtb" "$a64/iomem-el1.txt" "$tmp/cmdline"
pack "$d/dtb-memory" "$tmp/f-dtbmem" "$fx/formats/Image" "$fx/formats/initramfs.cpio.gz" \
	"$fx/dtb/two-bank.dtb" - "$tmp/cmdline"
pack "$d/uefi-64k" "$tmp/f-64k" "$fx/formats/Image" "$fx/formats/initramfs.cpio" \
	"$fx/dtb/uefi.dtb" "$fx/iomem/server.txt" "$tmp/cmdline"
pack "$d/crash" "$tmp/f-crash" "$fx/formats/Image" "$fx/formats/initramfs.cpio" \
	"$fx/dtb/qemu-virt.dtb" "$fx/crash/qemu-arm64/iomem.txt" "$tmp/cmdline" "$tmp/elfcorehdr"
python3 - "$tmp/raw" <<'PY'
import struct, sys
# RAM at 1 GiB (1 GiB of it) and above 2^48.
open(sys.argv[1], "wb").write(struct.pack("<4Q", 0x40000000, 0x40000000, 1 << 48, 0x10000000))
PY
pack "$d/raw-memory" "$tmp/f-raw" "$fx/formats/Image" "$fx/formats/initramfs.cpio" \
	"$fx/dtb/qemu-virt.dtb" "$tmp/raw" "$tmp/cmdline"

d=$here/plan_arm
rm -rf "$d" && mkdir -p "$d"
arm=$fx/qemu-virt-arm
# --atags with --machine-type 0x8e0
bytes "$tmp/a-atags" 40 28 00 00 00 00 00 00 00 00 00 00 00 00 e0 08
# a container's raw Image at 0x40008000, entered at its start
bytes "$tmp/a-raw" 40 10 00 80 00 40 00 00 00 00 00 00 00 00
python3 - "$tmp/atags" <<'PY'
import struct, sys
core = struct.pack("<5I", 5, 0x54410001, 0, 4096, 0)
mem = struct.pack("<4I", 4, 0x54410002, 0x40000000, 0x40000000)
cmd = b"console=ttyAMA0\0"
cmdline = struct.pack("<2I", 2 + len(cmd) // 4, 0x54410009) + cmd
initrd = struct.pack("<4I", 4, 0x54410005, 0xc8000000, 0x1000)
open(sys.argv[1], "wb").write(core + mem + cmdline + initrd + struct.pack("<2I", 0, 0))
PY
pack "$d/armmp-hyp-initrd" "$tmp/f-initrd" "$fx/formats/zImage" "$fx/formats/initramfs.cpio" \
	"$arm/guest-fdt-armmp-hyp.dtb" "$arm/iomem-armmp-hyp.txt" "$tmp/cmdline"
pack "$d/lpae-svc-dtb-memory" "$tmp/f-dtbmem" "$fx/formats/zImage" "$fx/formats/initramfs.cpio" \
	"$arm/guest-fdt-lpae-svc.dtb" - "$tmp/cmdline"
pack "$d/crash" "$tmp/f-crash" "$fx/formats/zImage" "$fx/formats/initramfs.cpio" \
	"$arm/guest-fdt-armmp-svc.dtb" "$fx/crash/qemu-armhf/iomem.txt" "$tmp/cmdline" \
	"$tmp/elfcorehdr"
pack "$d/atags" "$tmp/a-atags" "$fx/formats/zImage" "$fx/formats/initramfs.cpio" - \
	"$arm/iomem-armmp-svc.txt" "$tmp/cmdline" "$tmp/atags"
pack "$d/raw-image" "$tmp/a-raw" "$fx/formats/Image" "$fx/formats/initramfs.cpio" \
	"$arm/guest-fdt-armmp-svc.dtb" "$arm/iomem-armmp-svc.txt" "$tmp/cmdline"

d=$here/arm64_image
rm -rf "$d" && mkdir -p "$d"
cp "$fx/formats/Image" "$d/Image"
cp "$fx/formats/vmlinux-arm64.bin" "$d/vmlinux-arm64.bin"

d=$here/zimage
rm -rf "$d" && mkdir -p "$d"
cp "$fx/formats/zImage" "$d/zImage"

d=$here/atags
rm -rf "$d" && mkdir -p "$d"
bytes "$tmp/t-both" 03 00 00 00 48 00 00 10 00
pack "$d/cmdline-initrd" "$tmp/t-both" "$tmp/atags" "$tmp/cmdline"
bytes "$tmp/t-none" 00
pack "$d/unchanged" "$tmp/t-none" "$tmp/atags" -

d=$here/idmap
rm -rf "$d" && mkdir -p "$d"
python3 - "$d" <<'PY'
import struct, sys
def region(start, pages, device=0):
    return struct.pack("<QHB", start, pages, device)
# Tables at 0x48000000; a kernel at a 2 MiB boundary, an initrd and DTB
# after it, the purgatory, a UART, a range above 4 GiB.
plan = struct.pack("<QB", 0x48000000, 0) + region(0x41a00000, 6816) + \
    region(0x434a0000, 254) + region(0x4359e000, 2) + region(0x40000000, 16) + \
    region(0x09000000, 1, 1) + region(0x8ff000000, 1536)
open(sys.argv[1] + "/plan", "wb").write(plan)
# Regions across 1 GiB and 512 GiB boundaries, fewer table pages.
cross = struct.pack("<QB", 0x1000, 1) + region(0x3ff00000, 1024) + \
    region(0x7fffe00000, 1024)
open(sys.argv[1] + "/boundaries", "wb").write(cross)
PY

# The regressions of the defects fixed with these harnesses: each input
# once crashed, hung or misled the planner (see the README.md beside it).
r=$fuzz/regressions
mkdir -p "$r/plan_arm64" "$r/idmap" "$r/arm64_image"
python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]

def fdt(reg_cells):
    """A DTB with 1-cell addresses and sizes and one /memory node."""
    strings = b"#address-cells\0#size-cells\0device_type\0reg\0"
    off = {b"#address-cells": 0, b"#size-cells": 15, b"device_type": 27, b"reg": 39}
    def prop(name, value):
        pad = (4 - len(value) % 4) % 4
        return struct.pack(">III", 3, len(value), off[name]) + value + b"\0" * pad
    def node(name):
        raw = name + b"\0"
        return struct.pack(">I", 1) + raw + b"\0" * ((4 - len(raw) % 4) % 4)
    body = node(b"") + prop(b"#address-cells", struct.pack(">I", 1)) + \
        prop(b"#size-cells", struct.pack(">I", 1)) + node(b"memory") + \
        prop(b"device_type", b"memory\0") + \
        prop(b"reg", struct.pack(">%dI" % len(reg_cells), *reg_cells)) + \
        struct.pack(">II", 2, 2) + struct.pack(">I", 9)
    rsv = 40
    st = rsv + 16
    strs = st + len(body)
    total = strs + len(strings)
    head = struct.pack(">10I", 0xd00dfeed, total, st, strs, rsv, 17, 16, 0,
                       len(strings), len(body))
    return head + b"\0" * 16 + body + strings

# 250,000 reg ranges in descending order, the last one large enough for
# the plan: inserting each at the front moved the whole array (10-20 s).
cells = []
for i in range(249999, 0, -1):
    cells += [0x40000000 + i * 0x2000, 0x1000]
cells += [0x10000000, 0x10000000]
open(tmp + "/many.dtb", "wb").write(fdt(cells))
PY
python3 - "$fx/formats/Image" "$tmp" <<'PY'
import struct, sys
img = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<QQ", img, 8, 0x80000, 2**64 - 0x80000)
open(sys.argv[2] + "/wrap-Image", "wb").write(img)
# Memory: 64 KiB at 1 GiB; and RAM only above 2^48.
open(sys.argv[2] + "/ram-64k", "wb").write(struct.pack("<2Q", 0x40000000, 0x10000))
open(sys.argv[2] + "/ram-high", "wb").write(struct.pack("<2Q", 1 << 48, 0x10000000))
open(sys.argv[2] + "/initrd-128k", "wb").write(b"\x5a" * (128 << 10))
# idmap: one page at 1 GiB, tables at 2^48 (their descriptors lost bit 48).
open(sys.argv[2] + "/idmap-high-tables", "wb").write(
    struct.pack("<QB", 1 << 48, 0) + struct.pack("<QHB", 0x40000000, 0, 0))
PY
bytes "$tmp/f-dtbmem-noinitrd" 10 00
bytes "$tmp/f-raw-initrd" 60 00
bytes "$tmp/f-raw" 20 00
pack "$r/plan_arm64/many-descending-ranges" "$tmp/f-dtbmem-noinitrd" "$fx/formats/Image" - \
	"$tmp/many.dtb" - "$tmp/cmdline"
pack "$r/plan_arm64/image-size-wraps" "$tmp/f-initrd" "$tmp/wrap-Image" \
	"$fx/formats/initramfs.cpio" "$a64/guest-fdt-el2.dtb" "$a64/iomem-el2.txt" "$tmp/cmdline"
pack "$r/plan_arm64/empty-initrd" "$tmp/f-initrd" "$fx/formats/Image" - \
	"$a64/guest-fdt-el2.dtb" "$a64/iomem-el2.txt" "$tmp/cmdline"
pack "$r/plan_arm64/initrd-larger-than-ram" "$tmp/f-raw-initrd" "$fx/formats/Image" \
	"$tmp/initrd-128k" "$fx/dtb/qemu-virt.dtb" "$tmp/ram-64k" "$tmp/cmdline"
pack "$r/plan_arm64/ram-above-2-48" "$tmp/f-raw" "$fx/formats/Image" - \
	"$fx/dtb/qemu-virt.dtb" "$tmp/ram-high" "$tmp/cmdline"
cp "$tmp/wrap-Image" "$r/arm64_image/image-size-wraps"
cp "$tmp/idmap-high-tables" "$r/idmap/tables-at-2-48"
