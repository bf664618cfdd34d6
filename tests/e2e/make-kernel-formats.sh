#!/usr/bin/env bash
# Makes the other forms people hand to kexec from Debian's arm64 Image
# (tests/e2e/fetch-debian.sh), for the end-to-end runs of
# arm64-kexec.sh --kernel-file:
#   Image.gz, Image.zst, Image.xz   gzip, zstd and xz of the Image
#   vmlinuz.efi                     an EFI zboot with a zstd payload, header
#                                   as the kernel's zboot-header.S lays it
#                                   out (tests/fixtures/formats/mkzboot.sh;
#                                   the EFI decompressor is not included)
#   uImage                          mkimage of Image.gz (U-Boot's gzip kernel)
#   vmlinux                         the Image wrapped in an ELF by objcopy and
#                                   ld, at the kernel's virtual base, with
#                                   its BSS (image_size) as memory size.  Not
#                                   Debian's vmlinux (only its -dbg package
#                                   has one, at hundreds of MiB): an ELF of
#                                   the same layout a vmlinux flattens to.
#
# usage: tests/e2e/make-kernel-formats.sh [OUT_DIR]
#        (default tests/e2e/.out/kernel-formats; files already newer than
#        the Image are kept)
# stdout: one line per file, "PATH<TAB>CHAIN", CHAIN being what kexec must
# report for it ("kernel file: CHAIN, ...").
set -euo pipefail
E2E_PROG=make-kernel-formats # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:-$e2e_dir/.out/kernel-formats}
e2e_need_tools gzip:gzip zstd:zstd xz:xz-utils mkimage:u-boot-tools \
	aarch64-linux-gnu-objcopy:binutils-aarch64-linux-gnu \
	aarch64-linux-gnu-ld:binutils-aarch64-linux-gnu
image=$("$e2e_dir/fetch-debian.sh")
e2e_is_arm64_image "$image" || e2e_die "$image is not an arm64 Image"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# fresh FILE: true when FILE exists and is newer than the Image
fresh() { [ -s "$1" ] && [ "$1" -nt "$image" ]; }
# make FILE COMMAND...: runs COMMAND (writing FILE.tmp) unless FILE is fresh
make_one() {
	local file=$1
	shift
	fresh "$file" && return 0
	e2e_log "making $(basename "$file")"
	"$@"
	mv "$file.tmp" "$file"
}

make_one "$out/Image.gz" sh -c 'gzip -9 -n -c "$1" >"$2.tmp"' - "$image" "$out/Image.gz"
# Through a pipe: zstd would copy the Image's old mtime onto its output.
make_one "$out/Image.zst" sh -c 'zstd -q -19 -T0 -c "$1" >"$2.tmp"' - "$image" "$out/Image.zst"
# --check=crc32: as the kernel's own xz images (liblzma checks it).
make_one "$out/Image.xz" sh -c 'xz -q -6 -T0 --check=crc32 -c "$1" >"$2.tmp"' - "$image" "$out/Image.xz"
make_one "$out/vmlinuz.efi" "$e2e_top/tests/fixtures/formats/mkzboot.sh" zstd "$image" "$out/vmlinuz.efi.tmp"
# The load address is U-Boot's business; kexec places an arm64 Image by its
# own header and only carries these along.
make_one "$out/uImage" sh -c 'SOURCE_DATE_EPOCH=0 mkimage -A arm64 -O linux -T kernel -C gzip \
	-a 0x40200000 -e 0x40200000 -n "Debian arm64 (kexec e2e)" -d "$1" "$2.tmp" >/dev/null' \
	- "$out/Image.gz" "$out/uImage"

make_vmlinux() {
	local tmp image_size
	tmp=$(mktemp -d)
	# image_size (Image header, offset 16, LE64): what the kernel occupies
	# with its BSS; the ELF's memory size, as a vmlinux's is.
	image_size=$(od -An -tu8 -j16 -N8 "$image" | tr -d ' ')
	cp "$image" "$tmp/Image"
	(cd "$tmp" && aarch64-linux-gnu-objcopy -I binary -O elf64-littleaarch64 -B aarch64 \
		--rename-section .data=.text,contents,alloc,load,readonly,code Image image.o)
	cat >"$tmp/vmlinux.lds" <<LDS
ENTRY(_text)
PHDRS { text PT_LOAD FLAGS(7); }
SECTIONS {
	. = 0xffff800008000000;
	_text = .;
	.text : { image.o(.text) } :text
	.bss (NOLOAD) : { . += $image_size - SIZEOF(.text); } :text
	/DISCARD/ : { *(.note*) }
}
LDS
	(cd "$tmp" && aarch64-linux-gnu-ld -z max-page-size=4096 -z noexecstack \
		--no-warn-rwx-segments -T vmlinux.lds -o vmlinux image.o)
	mv "$tmp/vmlinux" "$out/vmlinux.tmp"
	rm -rf "$tmp"
}
make_one "$out/vmlinux" make_vmlinux

printf '%s\t%s\n' \
	"$out/Image.gz" "gzip -> Image" \
	"$out/Image.zst" "zstd -> Image" \
	"$out/Image.xz" "xz -> Image" \
	"$out/vmlinuz.efi" "zboot(zstd) -> Image" \
	"$out/uImage" "uImage -> gzip -> Image" \
	"$out/vmlinux" "ELF -> Image"
