#!/usr/bin/env bash
# The kexec command as a user meets it, run natively on the build machine:
# help and version, one clear line and a non-zero exit for bad input, and
# --dry-run (no root needed) printing a plan whose digests are the files'.
# Prints ok / not ok lines; exits 1 if any check failed.
set -uo pipefail

kexec=${KEXEC:-$(dirname "$0")/../../kexec/kexec}
fixtures=${FIXTURES_DIR:-$(dirname "$0")/../fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tap.sh
. "$(dirname "$0")/tap.sh"

# Runs kexec; keeps stdout, stderr and status for the checks that follow.
run() {
	"$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}
# As an unprivileged user when we are root, to prove no root is needed.
run_unprivileged() {
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	status=$?
}
one_error_line() { # the message is one line that says kexec: and names $1
	[ "$status" -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^kexec: .*$1" "$tmp/err"
}

# A synthetic arm64 Image: a valid header (image_size 8 MiB, 4K pages,
# placement anywhere) and 1 MiB of data.
make_image() {
	head -c $((1 << 20)) /dev/urandom >"$1"
	{
		printf '\0\0\0\0\0\0\0\0'         # code0, code1
		printf '\0\0\0\0\0\0\0\0'         # text_offset 0
		printf '\0\0\200\0\0\0\0\0'       # image_size 8 MiB
		printf '\012\0\0\0\0\0\0\0'       # flags: LE, 4K, anywhere
		head -c 24 /dev/zero              # reserved
		printf 'ARM\144\0\0\0\0'             # magic, PE offset 0
	} | dd of="$1" conv=notrunc status=none
}
make_image "$tmp/Image"
chmod 0755 "$tmp"
chmod 0644 "$tmp/Image"
head -c 300000 /dev/urandom >"$tmp/initrd"
chmod 0644 "$tmp/initrd"
cp "$fixtures/dtb/qemu-virt.dtb" "$tmp/virt.dtb"
chmod 0644 "$tmp/virt.dtb"

run --help
check "--help exits 0" test "$status" -eq 0
check "--help lists --dry-run and --reuse-cmdline" grep -q -- '--reuse-cmdline' "$tmp/out"
run --version
check "--version prints a version" grep -q '^kexec [0-9]' "$tmp/out"

run -l "$tmp/Image" --frobnicate
check "unknown option: one line naming it, non-zero exit" one_error_line "unknown option '--frobnicate'"
run
check "no action: one line, non-zero exit" one_error_line "nothing to do"
run --help
check "--help lists the three syscall options (KIWI greps kexec-syscall-auto)" \
	sh -c 'grep -q -- --kexec-syscall-auto "$1" && grep -q -- --kexec-file-syscall "$1" && grep -q -- "--kexec-syscall " "$1"' _ "$tmp/out"

# Exit statuses, as kexec-tools gives them: 1 usage, 255 a failed load,
# 253 kexec_file_load(2) not available.
run -l "$tmp/Image" --frobnicate
check "a usage error exits 1" test "$status" -eq 1
run --dry-run --arch=arm64 -l "$tmp/nonexistent" --dtb="$tmp/virt.dtb"
check "a failed load exits 255" test "$status" -eq 255
run --dry-run --arch=arm -s -l "$tmp/Image"
check "-s on 32-bit arm: one line, exit 253" \
	sh -c '[ "$1" -eq 253 ] && [ "$(wc -l <"$2")" -eq 1 ] && grep -q "does not exist on 32-bit arm" "$2"' _ "$status" "$tmp/err"
run -s -l "$tmp/Image" --dtb="$tmp/virt.dtb"
check "-s with --dtb: one line naming both, exit 1" \
	sh -c '[ "$1" -eq 1 ] && grep -q -- "--dtb cannot go with -s" "$2"' _ "$status" "$tmp/err"

# kexec_file_load(2) planned for an arm64 machine: what each fd holds.
gzip -9n <"$tmp/Image" >"$tmp/Image.gz"
chmod 0644 "$tmp/Image.gz"
run_unprivileged --dry-run --arch=arm64 -s -l "$tmp/Image.gz" --initrd="$tmp/initrd" \
	--append="console=ttyAMA0 marker=file"
check "-s dry run succeeds without root" test "$status" -eq 0
check "-s dry run names the syscall" grep -q "^syscall: kexec_file_load(2) (-s)" "$tmp/out"
image_sum=$(sha256sum "$tmp/Image" | cut -d' ' -f1)
check "-s: the kernel fd is a sealed memfd holding the unpacked Image (its SHA-256)" \
	grep -q "^kernel fd: sealed memfd: Image unpacked from $tmp/Image.gz (gzip -> Image), 1048576 bytes, sha256 $image_sum" "$tmp/out"
check "-s: the initrd fd is the file as given (its SHA-256)" \
	grep -q "^initrd fd: $tmp/initrd: initrd, as given, 300000 bytes, sha256 $(sha256sum "$tmp/initrd" | cut -d' ' -f1)" "$tmp/out"
check "-s: the command line and its length" \
	grep -qF 'command line: "console=ttyAMA0 marker=file" (28 bytes with its NUL' "$tmp/out"
check "-s with an initrd: no flags" grep -q "^flags: 0 (none)" "$tmp/out"
run --dry-run --arch=arm64 -s -p "$tmp/Image"
check "-s -p of a raw Image: the file itself is the fd" \
	grep -q "^kernel fd: $tmp/Image: Image, 1048576 bytes, sha256 $image_sum" "$tmp/out"
check "-s -p without initrd: KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS" \
	grep -q "^flags: 0x6 (KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS)" "$tmp/out"
run --dry-run --arch=arm64 -s -l "$tmp/random"
check "-s of random bytes: one line naming the file, exit 255" \
	sh -c '[ "$1" -eq 255 ] && one() { :; } && grep -q "$2" "$3"' _ "$status" "$tmp/random" "$tmp/err"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp/virt.dtb"
check "-a (default) with --dtb: kexec_load, said why" \
	grep -qF "syscall: kexec_load(2) (-a: --dtb given, which kexec_file_load(2) cannot take)" "$tmp/out"
# A unified kernel image: its .initrd and .cmdline unless the user gives
# an initrd or a command line (tests/fixtures/uki/make-fixtures.py).
uki=$fixtures/uki/uki-image.efi
run --dry-run --arch=arm64 -s -l "$uki"
check "-s of a UKI: the Image unpacked from it" grep -q "^kernel fd: sealed memfd: Image unpacked from $uki (UKI -> Image)" "$tmp/out"
check "-s of a UKI: its .initrd in a sealed memfd" grep -qF "initrd fd: sealed memfd: $uki (the UKI's .initrd)" "$tmp/out"
check "-s of a UKI: its .cmdline" grep -qF "(30 bytes with its NUL; the UKI's .cmdline)" "$tmp/out"
check "-s of a UKI with its .initrd: no KEXEC_FILE_NO_INITRAMFS" grep -q "^flags: 0 (none)" "$tmp/out"
run --dry-run --arch=arm64 -s -l "$uki" --initrd="$tmp/initrd" --append="mine"
check "-s of a UKI: --initrd wins over .initrd" grep -q "^initrd fd: $tmp/initrd: initrd, as given" "$tmp/out"
check "-s of a UKI: --append makes the command line alone" grep -qF 'command line: "mine" (5 bytes' "$tmp/out"
run --dry-run --arch=arm64 -l "$uki" --dtb="$tmp/virt.dtb"
check "kexec_load of a UKI: the chain says UKI" grep -q "^kernel file: UKI -> Image" "$tmp/out"
check "kexec_load of a UKI: its .initrd is the initrd segment" grep -qF "from $uki (the UKI's .initrd)" "$tmp/out"
run --dry-run --arch=arm64 -l "$uki" --dtb="$tmp/virt.dtb" --initrd="$tmp/initrd"
check "kexec_load of a UKI: --initrd wins" grep -q "initrd .* from $tmp/initrd\$" "$tmp/out"

run --dry-run --arch=arm64 -s -l "$tmp/Image" --command-line="$(head -c 2100 /dev/zero | tr '\0' x)"
check "-s: a command line past COMMAND_LINE_SIZE is refused as with kexec_load" one_error_line "2047"

run_unprivileged --dry-run --arch=arm64 -l "$tmp/Image" --initrd="$tmp/initrd" \
	--dtb="$tmp/virt.dtb" --append="console=ttyAMA0 marker=dry"
check "dry run succeeds without root" test "$status" -eq 0
check "dry run names the memory source" grep -q "memory from: the DTB's /memory nodes" "$tmp/out"
kernel_sum=$(sha256sum "$tmp/Image" | cut -d' ' -f1)
initrd_sum=$(sha256sum "$tmp/initrd" | cut -d' ' -f1)
check "dry run prints the kernel file's SHA-256" grep -q "sha256 $kernel_sum" "$tmp/out"
check "dry run prints the initrd file's SHA-256" grep -q "sha256 $initrd_sum" "$tmp/out"
check "dry run lists four segments" test "$(grep -cE '^  [0-9] ' "$tmp/out")" -eq 4
check "dry run says the purgatory verifies 3 segments" grep -q "purgatory: verifies 3 segments" "$tmp/out"

# An initrd over 4 MiB is hashed in 4 MiB chunks (on several threads): each
# chunk's digest is the SHA-256 of those bytes of the file.
head -c $((9 << 20)) /dev/urandom >"$tmp/initrd9"
chmod 0644 "$tmp/initrd9"
run_unprivileged --dry-run --arch=arm64 -l "$tmp/Image" --initrd="$tmp/initrd9" --dtb="$tmp/virt.dtb"
check "dry run with a 9 MiB initrd succeeds" test "$status" -eq 0
chunk_ok=yes
for c in 0 1 2; do
	sum=$(dd if="$tmp/initrd9" bs=4M skip=$c count=1 status=none | sha256sum | cut -d' ' -f1)
	last=$(( c == 2 ? (9 << 20) - 1 : ((c + 1) << 22) - 1 ))
	grep -q "sha256 $sum bytes $(printf '%#x' $((c << 22)) | sed 's/^0$/0x0/')-$(printf '%#x' $last)" "$tmp/out" ||
		chunk_ok=no
done
check "the initrd's three chunk digests are those of its 4 MiB slices" test $chunk_ok = yes
check "the plan counts the digests (kernel 1, initrd 3, dtb 1)" \
	grep -q "checks: 5 SHA-256 digests, of chunks of up to 4 MiB" "$tmp/out"
check "dry run shows the console from stdout-path" grep -q "reports on: pl011 at 0x9000000" "$tmp/out"
check "dry run shows the Image header" grep -q "text_offset 0x0, image_size 0x800000" "$tmp/out"

run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp/virt.dtb" --no-checks
check "--no-checks shows in the plan" grep -q "does NOT verify" "$tmp/out"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp/virt.dtb" --serial=ns16550,0x1c020000,2,4
check "--serial overrides the console" grep -q "reports on: ns16550 at 0x1c020000" "$tmp/out"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp/virt.dtb" --serial=uart9,1
check "bad --serial: one line" one_error_line "unknown UART kind"

: >"$tmp/empty"
run --dry-run --arch=arm64 -l "$tmp/empty" --dtb="$tmp/virt.dtb"
check "empty kernel file: one line naming it" one_error_line "$tmp/empty"
head -c 100000 /dev/urandom >"$tmp/random"
run --dry-run --arch=arm64 -l "$tmp/random" --dtb="$tmp/virt.dtb"
check "random bytes as kernel: one line naming it" one_error_line "$tmp/random: not an arm64 Image"
run --dry-run --arch=arm64 -l "$tmp/Image" --initrd="$tmp/nonexistent" --dtb="$tmp/virt.dtb"
check "missing initrd: one line naming it" one_error_line "$tmp/nonexistent: No such file"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp/random"
check "a DTB that is not one: one line naming it" one_error_line "$tmp/random"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$tmp"
check "a directory as DTB: one line naming it" one_error_line "$tmp: is a directory"
run --dry-run --arch=sparc -l "$tmp/Image" --dtb="$tmp/virt.dtb"
check "unknown --arch: one line" one_error_line "unknown architecture"

# 32-bit ARM: a synthetic zImage (header, KLSZ tag with TEXT_OFFSET 0x8000)
# planned on QEMU virt's memory, and the combinations that cannot work.
le32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
	$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
put32() { le32 "$2" | dd of="$tmp/zImage" bs=1 seek=$(($1)) conv=notrunc status=none; }
head -c $((0x40000)) /dev/urandom >"$tmp/zImage"
put32 0x24 0x016f2818; put32 0x28 0; put32 0x2c 0x40000; put32 0x30 0x04030201
put32 0x34 0x45454545; put32 0x38 0x200
put32 0x200 6; put32 0x204 0x5a534c4b; put32 0x208 0x3fffc; put32 0x20c 0x10000
put32 0x210 0x8000; put32 0x214 0x10000; put32 0x218 0
put32 0x3fffc 0x100000
chmod 0644 "$tmp/zImage"
cp "$fixtures/qemu-virt-arm/guest-fdt-lpae-hyp.dtb" "$tmp/arm.dtb"
chmod 0644 "$tmp/arm.dtb"
run_unprivileged --dry-run --arch=arm -l "$tmp/zImage" --initrd="$tmp/initrd" --dtb="$tmp/arm.dtb" \
	--append=console=ttyAMA0
check "arm zImage dry run succeeds without root" test "$status" -eq 0
check "arm dry run: TEXT_OFFSET read from the tag" grep -q 'TEXT_OFFSET 0x8000 (from the KLSZ tag)' "$tmp/out"
check "arm dry run: r0 = 0, r1 = ~0, r2 = the DTB" grep -q 'registers: 0x0 0xffffffff 0x4' "$tmp/out"
check "arm dry run: the zImage's digest is the file's" \
	grep -q "sha256 $(sha256sum "$tmp/zImage" | cut -d' ' -f1)" "$tmp/out"
run --dry-run --arch=arm64 -l "$tmp/Image" --atags
check "--atags for arm64: one line" one_error_line "--atags: arm64 kernels boot with a device tree only"
run --dry-run --arch=arm -l "$tmp/zImage" --atags --dtb="$tmp/arm.dtb"
check "--atags with --dtb: one line" one_error_line "--atags and --dtb exclude each other"
run --dry-run --arch=arm -l "$tmp/Image" --dtb="$tmp/arm.dtb"
check "an arm64 Image for arm: one line" one_error_line "not a zImage"

# A message is one line even when the path it names holds a newline.
mkdir -p "$tmp/new
line"
run --dry-run --arch=arm64 -l "$tmp/new
line/Image" --dtb="$tmp/virt.dtb"
check "a path with a newline: still one line" one_error_line "new?line/Image: No such file"
run --dry-run --arch=arm64 -l "$tmp/Image" --dtb="$fixtures/dtb/uefi.dtb"
check "a DTB with no /memory, for another machine: one line naming it" \
	one_error_line "uefi.dtb: .*memory"

# A kernel kept in a raw partition (a block device, or an MTD partition on
# a board) is read, as kexec-tools reads it: a uImage on a loop device of
# 4 MiB plans, and only its payload is loaded, not the rest of the
# partition.
if [ "$(id -u)" -eq 0 ] && command -v losetup >/dev/null &&
   loop=$(losetup -f --show "$(cp "$fixtures/formats/uImage-zImage" "$tmp/part" &&
	  truncate -s 4M "$tmp/part" && echo "$tmp/part")" 2>/dev/null); then
	run --dry-run --arch=arm -l "$loop" --dtb="$tmp/arm.dtb"
	losetup -d "$loop"
	check "a uImage in a block device plans" test "$status" -eq 0
	check "a block device's uImage is unwrapped to its 8 KiB zImage" \
		grep -q "kernel file: uImage -> zImage, 8 KiB" "$tmp/out"
else
	echo "# skipped the block-device check: needs root and a loop device"
fi

exit $((failures > 0))
