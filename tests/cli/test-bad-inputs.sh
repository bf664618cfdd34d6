#!/usr/bin/env bash
# Every file and fact kexec reads, made hostile: one table row per bad
# input, run natively with --dry-run (no root, nothing loaded).  For each
# row, four checks:
#   - kexec exits non-zero, by itself (not killed by a signal or by the
#     10 s timeout that guards against a hang, e.g. on a FIFO);
#   - stderr is exactly one line, "kexec: ...", matching the row's regex
#     (the problem) and naming the file at fault, when a file is;
#   - it finished within a few seconds (a huge sparse file must be refused
#     from its size, never read);
#   - no AddressSanitizer / UndefinedBehaviorSanitizer report (make check
#     runs this under a sanitizer build too).
# The hostile files are made at run time in a temporary folder (a few KiB
# each, except sparse ones, which take no disk), with coreutils, gzip, perl
# and dtc.  Prints ok / not ok lines;
# exits 1 if any check failed.
#
# env: KEXEC (default kexec/kexec of the build), FIXTURES_DIR (tests/fixtures),
#      KEXEC_BAD_INPUT_MAX_MS (default 5000: the time allowed per row).
set -uo pipefail

kexec=${KEXEC:-$(dirname "$0")/../../kexec/kexec}
fixtures=${FIXTURES_DIR:-$(dirname "$0")/../fixtures}
max_ms=${KEXEC_BAD_INPUT_MAX_MS:-5000}
tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
rows=0
# shellcheck source=tap.sh
. "$(dirname "$0")/tap.sh"

# "# " lines after a failed check: what kexec actually printed.
show() { head -n 3 "$1" | cut -c1-300 | sed 's/^/#   /'; }

# launch ARGV...: runs `kexec ARGV` under the timeout; sets status and ms.
# Set on the call: as=nobody runs it as an unprivileged user (for chmod 000
# files, which root could read anyway).  Fails when that is impossible.
launch() {
	local start end pre=()
	if [ "${as:-}" = nobody ] && [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || return 1
		pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	start=$(date +%s%N)
	timeout -k 2 10 "${pre[@]}" "$kexec" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	status=$?
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
}
# finished NAME: the checks every row ends with: in time (limit_ms=N set on
# the row's call tightens the limit), and no sanitizer report.
finished() {
	local limit=${limit_ms:-$max_ms}
	check "$1: finished in $ms ms (limit $limit)" test "$ms" -le "$limit"
	if grep -qE 'ERROR: [A-Za-z]*Sanitizer|runtime error:' "$tmp/err"; then
		not_ok "$1: no sanitizer report"
		grep -m 3 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:' "$tmp/err" | sed 's/^/#   /'
	else
		ok "$1: no sanitizer report"
	fi
}

# row NAME FILE REGEX ARGV...: a bad input: runs `kexec ARGV` and makes the
# four checks.  FILE is the path the message must name ("-": none, e.g. a
# bad option).  See launch and finished for as= and limit_ms=.
row() {
	local name=$1 file=$2 re=$3 msg problem
	shift 3
	rows=$((rows + 1))
	if ! launch "$@"; then
		ok "$name # SKIP as root without setpriv"
		return
	fi
	# 124/137: killed by the timeout; above 128: killed by a signal.
	check "$name: exits 1 (usage) or 255 (failed load) by itself (status $status)" \
		test "$status" -eq 1 -o "$status" -eq 255
	# The regex is matched without the path, which could match it alone.
	msg=$(head -n 1 "$tmp/err")
	problem=${msg#kexec: }
	[ "$file" = - ] || problem=${problem//"$file"/}
	if [ "$(wc -l <"$tmp/err")" -eq 1 ] && [[ $msg == "kexec: "* ]] &&
		grep -qE -- "$re" <<<"$problem" && { [ "$file" = - ] || [[ $msg == *"$file"* ]]; }; then
		ok "$name: one line: $msg"
	else
		if [ "$file" = - ]; then
			not_ok "$name: one line \"kexec: ...\" matching /$re/"
		else
			not_ok "$name: one line \"kexec: ...\" naming $file, matching /$re/"
		fi
		echo "#   got $(wc -l <"$tmp/err") line(s) on stderr:"
		show "$tmp/err"
	fi
	finished "$name"
}

# usable NAME REGEX ARGV...: a hostile input the loader can work around
# (e.g. a console it cannot resolve): the plan succeeds, says so in a line
# of stdout matching REGEX, and nothing on stderr; then the same time and
# sanitizer checks.
usable() {
	local name=$1 re=$2
	shift 2
	rows=$((rows + 1))
	launch "$@"
	check "$name: planned (status $status), nothing on stderr" test "$status" -eq 0 -a ! -s "$tmp/err"
	check "$name: the plan says /$re/" grep -qE -- "$re" "$tmp/out"
	[ "$status" -eq 0 ] || show "$tmp/err"
	finished "$name"
}

for tool in dtc perl gzip timeout truncate; do
	command -v $tool >/dev/null || { not_ok "$tool is needed to make the bad inputs"; exit 1; }
done

# --- the good inputs each row starts from ---------------------------------------
# Copies in our own folder: readable by the unprivileged user too.
chmod 0755 "$tmp"
mkdir "$tmp/fx"
cp "$fixtures"/formats/* "$tmp/fx/"
cp "$fixtures/dtb/qemu-virt.dtb" "$tmp/fx/virt.dtb"
cp "$fixtures/qemu-virt-arm/guest-fdt-lpae-hyp.dtb" "$tmp/fx/arm.dtb"
chmod -R a+rX "$tmp/fx"
fx=$tmp/fx dtb=$tmp/fx/virt.dtb adtb=$tmp/fx/arm.dtb
a64=(--dry-run --arch=arm64)
a32=(--dry-run --arch=arm)

# Sanity: the good inputs plan fine, so a row's failure is its bad input's.
good() { "$kexec" "$@" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; }
check "the good arm64 inputs plan" good "${a64[@]}" -l "$fx/Image" --initrd="$fx/initramfs.cpio.gz" --dtb="$dtb"
check "the good arm inputs plan" good "${a32[@]}" -l "$fx/zImage" --dtb="$adtb"

# --- making bad files -------------------------------------------------------------
d=$tmp/bad
mkdir "$d" "$d/dir"
chmod 0755 "$d"
# cut SRC LEN: SRC's first LEN bytes as $d/SRC@LEN (its path on stdout)
cut_at() { head -c "$2" "$fx/$1" >"$d/$1@$2"; echo "$d/$1@$2"; }
# put FILE OFFSET OCTAL-ESCAPES: overwrites bytes of FILE
put() { printf "$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none; }
# flipped SRC OFFSET: a copy of SRC with the byte at OFFSET inverted
flipped() {
	local f=$d/$1^$2 b
	cp "$fx/$1" "$f"
	b=$(od -An -tu1 -j $(($2)) -N1 "$f" | tr -d ' ')
	put "$f" "$2" "$(printf '\\%03o' $((b ^ 255)))"
	echo "$f"
}

mkfifo "$d/fifo"
perl -MSocket -e 'socket(S, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
	bind(S, pack_sockaddr_un($ARGV[0])) or die "$ARGV[0]: $!\n"' "$d/socket"
cp "$fx/Image" "$d/unreadable" && chmod 000 "$d/unreadable"
ln -s "$d/loop-b" "$d/loop-a" && ln -s "$d/loop-a" "$d/loop-b"
ln -s "$d/nowhere" "$d/dangling"
: >"$d/empty"
truncate -s 600M "$d/sparse-600M"
truncate -s 3G "$d/sparse-3G"
# A decompression bomb: gzip of gzip of gzip of 256 MiB of zeros, ~700 bytes.
head -c $((256 << 20)) /dev/zero | gzip -1 | gzip -9 | gzip -9 >"$d/bomb.gz"
# The Image with an image_size of 2^64 - 64 KiB: no memory holds it, and
# any sum with it wraps.
cp "$fx/Image" "$d/Image-huge-size"
put "$d/Image-huge-size" 0x10 '\000\000\377\377\377\377\377\377'
# The zImage whose end (0x2c) lies before its start (0x28).
cp "$fx/zImage" "$d/zImage-end-before-start"
put "$d/zImage-end-before-start" 0x2c '\020\000\000\000'

# --- hostile device trees -----------------------------------------------------------
# dts NAME: compiles stdin (a .dts) to $d/NAME.dtb.
dts() { dtc -q -I dts -O dtb -o "$d/$1.dtb" - ; }
# A QEMU-virt-like tree around a /memory node and a /chosen (stdin's lines).
virt_dts() {
	cat <<EOF
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "linux,dummy-virt";
	memory@40000000 {
		device_type = "memory";
		reg = <$1>;
	};
	pl011@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x0 0x9000000 0x0 0x1000>;
	};
$(cat)
};
EOF
}
# Only 256 MiB of RAM: a 600 MiB initrd cannot fit.
virt_dts '0x0 0x40000000 0x0 0x10000000' <<'EOF' | dts small-ram
	chosen { stdout-path = "/pl011@9000000"; };
EOF
# All RAM at 2^48 and above: beyond a 48-bit identity map.
virt_dts '0x10000 0x0 0x0 0x40000000' <<'EOF' | dts ram-above-2e48
	chosen { stdout-path = "/pl011@9000000"; };
EOF
# stdout-path names an alias that names itself.
virt_dts '0x0 0x40000000 0x0 0x80000000' <<'EOF' | dts alias-loop
	aliases { serial0 = "serial0"; };
	chosen { stdout-path = "serial0:115200n8"; };
EOF
# 3 MiB: beyond the 2 MiB a device tree may have (padded by dtc).
dtc -q -I dtb -O dtb -S $((3 << 20)) -o "$d/3MiB.dtb" "$dtb"
# totalsize says 64 KiB more than the file holds.
cp "$dtb" "$d/totalsize-too-big.dtb"
size=$(($(stat -c %s "$dtb") + 65536))
put "$d/totalsize-too-big.dtb" 4 "$(printf '\\%03o' $((size >> 24 & 255)) $((size >> 16 & 255)) \
	$((size >> 8 & 255)) $((size & 255)))"
# Version 3 (names are full paths before version 16) with a root node named
# "x", which has no '/'.
printf '/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x80000000>; };\n};\n' |
	dtc -q -I dts -O dtb -V 3 -o "$d/v3-rootname.dtb" -
put "$d/v3-rootname.dtb" 0x3c 'x'
# 250,000 /memory ranges of 4 KiB, every other page, in descending order
# (one cell each for address and size): just under 2 MiB, no room anywhere
# for a kernel, and quadratic work for a naive sort or merge.
perl - "$d/250k-ranges.dtb" <<'EOF'
use strict;
my ($strings, %off) = ("");
sub name { my $n = shift; $off{$n} //= do { my $o = length $strings; $strings .= "$n\0"; $o } }
sub pad { my $b = shift; $b . "\0" x ((4 - length($b) % 4) % 4) }
sub node { pack("N", 1) . pad("$_[0]\0") }
sub prop { my ($n, $v) = @_; pack("NNN", 3, length $v, name($n)) . pad($v) }
my $reg = join "", map { pack "NN", 0x40000000 + 0x2000 * $_, 0x1000 } reverse 0 .. 249999;
my $st = node("") . prop("#address-cells", pack "N", 1) . prop("#size-cells", pack "N", 1) .
	node('memory@40000000') . prop("device_type", "memory\0") . prop("reg", $reg) .
	pack("N", 2) . pack("NN", 2, 9);
my ($off_st, $off_str) = (40 + 16, 40 + 16 + length $st);
open my $f, ">:raw", $ARGV[0] or die "$ARGV[0]: $!";
print $f pack("N10", 0xd00dfeed, $off_str + length $strings, $off_st, $off_str, 40, 17, 16, 0,
	length $strings, length $st), "\0" x 16, $st, $strings;
EOF

long() { head -c "$1" /dev/zero | tr '\0' a; }

# --- the table ------------------------------------------------------------------------
# Not files at all.
row "directory as kernel" "$d/dir" 'is a directory' "${a64[@]}" -l "$d/dir" --dtb="$dtb"
row "directory as initrd" "$d/dir" 'is a directory' "${a64[@]}" -l "$fx/Image" --initrd="$d/dir" --dtb="$dtb"
row "directory as DTB" "$d/dir" 'is a directory' "${a64[@]}" -l "$fx/Image" --dtb="$d/dir"
row "/dev/zero as kernel" /dev/zero 'not a regular file|device' "${a64[@]}" -l /dev/zero --dtb="$dtb"
row "/dev/null as kernel" /dev/null 'not a regular file|device|empty|0 bytes' "${a64[@]}" -l /dev/null --dtb="$dtb"
row "/dev/urandom as initrd" /dev/urandom 'not a regular file|device' \
	"${a64[@]}" -l "$fx/Image" --initrd=/dev/urandom --dtb="$dtb"
row "/dev/zero as DTB" /dev/zero 'not a regular file|device' "${a64[@]}" -l "$fx/Image" --dtb=/dev/zero
row "FIFO with no writer as kernel" "$d/fifo" 'not a regular file|FIFO|fifo|pipe' "${a64[@]}" -l "$d/fifo" --dtb="$dtb"
row "FIFO with no writer as initrd" "$d/fifo" 'not a regular file|FIFO|fifo|pipe' \
	"${a64[@]}" -l "$fx/Image" --initrd="$d/fifo" --dtb="$dtb"
row "FIFO with no writer as DTB" "$d/fifo" 'not a regular file|FIFO|fifo|pipe' "${a64[@]}" -l "$fx/Image" --dtb="$d/fifo"
row "socket as kernel" "$d/socket" 'not a regular file|socket' "${a64[@]}" -l "$d/socket" --dtb="$dtb"
as=nobody row "unreadable kernel (mode 000)" "$d/unreadable" 'Permission denied' \
	"${a64[@]}" -l "$d/unreadable" --dtb="$dtb"
as=nobody row "unreadable initrd (mode 000)" "$d/unreadable" 'Permission denied' \
	"${a64[@]}" -l "$fx/Image" --initrd="$d/unreadable" --dtb="$dtb"
as=nobody row "unreadable DTB (mode 000)" "$d/unreadable" 'Permission denied' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/unreadable"
row "nonexistent kernel" "$d/missing" 'No such file' "${a64[@]}" -l "$d/missing" --dtb="$dtb"
row "nonexistent DTB" "$d/missing" 'No such file' "${a64[@]}" -l "$fx/Image" --dtb="$d/missing"
row "symlink loop as kernel" "$d/loop-a" 'symbolic links' "${a64[@]}" -l "$d/loop-a" --dtb="$dtb"
row "dangling symlink as initrd" "$d/dangling" 'No such file' \
	"${a64[@]}" -l "$fx/Image" --initrd="$d/dangling" --dtb="$dtb"

# Sizes: refused from the size alone (well under a second), never read.
limit_ms=1000 row "sparse 600 MiB kernel" "$d/sparse-600M" 'too large|larger than' \
	"${a64[@]}" -l "$d/sparse-600M" --dtb="$dtb"
limit_ms=1000 row "sparse 3 GiB initrd" "$d/sparse-3G" 'too large|larger than' \
	"${a64[@]}" -l "$fx/Image" --initrd="$d/sparse-3G" --dtb="$dtb"
limit_ms=1000 row "sparse 600 MiB initrd, 256 MiB of RAM" "$d/sparse-600M" \
	'(does not fit|no room|larger than|too large|exceeds).*(RAM|memory)|(RAM|memory).*(too small|does not fit)' \
	"${a64[@]}" -l "$fx/Image" --initrd="$d/sparse-600M" --dtb="$d/small-ram.dtb"
limit_ms=1000 row "sparse 3 GiB DTB" "$d/sparse-3G" 'too large|larger than' "${a64[@]}" -l "$fx/Image" --dtb="$d/sparse-3G"
row "empty kernel" "$d/empty" 'empty|0 bytes' "${a64[@]}" -l "$d/empty" --dtb="$dtb"
row "empty (0-byte) initrd" "$d/empty" 'empty|0 bytes' "${a64[@]}" -l "$fx/Image" --initrd="$d/empty" --dtb="$dtb"
row "empty DTB" "$d/empty" 'empty|0 bytes' "${a64[@]}" -l "$fx/Image" --dtb="$d/empty"

# Kernels cut short or corrupted, in every format.
row "Image cut inside its header" "$(cut_at Image 60)" 'too short|truncated|not an arm64 Image' \
	"${a64[@]}" -l "$d/Image@60" --dtb="$dtb"
row "Image without its magic" "$(flipped Image 0x38)" 'not an arm64 Image|not a kernel|unknown|unrecognized' \
	"${a64[@]}" -l "$d/Image^0x38" --dtb="$dtb"
row "Image with image_size near 2^64" "$d/Image-huge-size" 'image_size|too large|larger than|exceeds' \
	"${a64[@]}" -l "$d/Image-huge-size" --dtb="$dtb"
row "Image.gz cut after 20 bytes" "$(cut_at Image.gz 20)" 'gzip.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$d/Image.gz@20" --dtb="$dtb"
row "Image.gz cut 100 bytes short" "$fx/Image.gz-truncated" 'gzip.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$fx/Image.gz-truncated" --dtb="$dtb"
row "Image.gz with a corrupt stream" "$fx/Image.gz-corrupt" 'gzip.*(corrupt|invalid|error)' \
	"${a64[@]}" -l "$fx/Image.gz-corrupt" --dtb="$dtb"
row "Image.gz with a bad method byte" "$(flipped Image.gz 2)" 'gzip|not an arm64 Image|not a kernel' \
	"${a64[@]}" -l "$d/Image.gz^2" --dtb="$dtb"
row "Image.zst cut 20 bytes short" "$fx/Image.zst-truncated" 'zstd.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$fx/Image.zst-truncated" --dtb="$dtb"
row "Image.zst cut after 10 bytes" "$(cut_at Image.zst 10)" 'zstd.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$d/Image.zst@10" --dtb="$dtb"
row "Image.xz cut short" "$fx/Image.xz-truncated" 'xz.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$fx/Image.xz-truncated" --dtb="$dtb"
row "Image.xz with a flipped header byte" "$(flipped Image.xz 8)" 'xz.*(corrupt|header|invalid|unsupported)' \
	"${a64[@]}" -l "$d/Image.xz^8" --dtb="$dtb"
row "Image.lzma cut after its header" "$(cut_at Image.lzma 13)" 'lzma.*(truncated|unexpected end|corrupt|incomplete)' \
	"${a64[@]}" -l "$d/Image.lzma@13" --dtb="$dtb"
row "Image.lzma with a size that lies" "$fx/Image.lzma-sizelie" 'lzma' \
	"${a64[@]}" -l "$fx/Image.lzma-sizelie" --dtb="$dtb"
row "zboot cut short" "$fx/zboot-truncated.efi" 'zboot|truncated|too short' \
	"${a64[@]}" -l "$fx/zboot-truncated.efi" --dtb="$dtb"
row "zboot cut in its payload" "$(cut_at zboot-gzip.efi 1024)" 'zboot|gzip|truncated|too short' \
	"${a64[@]}" -l "$d/zboot-gzip.efi@1024" --dtb="$dtb"
row "zboot whose payload size lies" "$fx/zboot-sizelie.efi" 'zboot|size' \
	"${a64[@]}" -l "$fx/zboot-sizelie.efi" --dtb="$dtb"
row "uImage cut short" "$fx/uImage-truncated" 'uImage.*(truncated|size|too short)' \
	"${a64[@]}" -l "$fx/uImage-truncated" --dtb="$dtb"
row "uImage with a bad header CRC" "$fx/uImage-badhcrc" 'uImage.*(CRC|checksum)' \
	"${a64[@]}" -l "$fx/uImage-badhcrc" --dtb="$dtb"
row "uImage with a bad data CRC" "$fx/uImage-baddcrc" 'uImage.*(CRC|checksum)' \
	"${a64[@]}" -l "$fx/uImage-baddcrc" --dtb="$dtb"
row "uImage gzip payload cut short" "$(cut_at uImage-gzip-Image 100)" 'uImage|gzip|truncated' \
	"${a64[@]}" -l "$d/uImage-gzip-Image@100" --dtb="$dtb"
row "uImage for x86" "$fx/uImage-x86" 'uImage.*(x86|architecture|arch)' \
	"${a64[@]}" -l "$fx/uImage-x86" --dtb="$dtb"
row "vmlinux cut short" "$fx/vmlinux-arm64-truncated" 'ELF|vmlinux|truncated|beyond|past' \
	"${a64[@]}" -l "$fx/vmlinux-arm64-truncated" --dtb="$dtb"
row "vmlinux cut inside its ELF header" "$(cut_at vmlinux-arm64 40)" 'ELF|vmlinux|truncated|too short' \
	"${a64[@]}" -l "$d/vmlinux-arm64@40" --dtb="$dtb"
row "vmlinux with a bad program header offset" "$(flipped vmlinux-arm64 0x21)" 'ELF|vmlinux|program header' \
	"${a64[@]}" -l "$d/vmlinux-arm64^0x21" --dtb="$dtb"
row "vmlinux for x86" "$fx/vmlinux-x86" 'ELF|vmlinux|x86|machine|architecture' \
	"${a64[@]}" -l "$fx/vmlinux-x86" --dtb="$dtb"
row "gzip bomb (3 layers, 256 MiB of zeros)" "$d/bomb.gz" \
	'too large|larger than|exceeds|bomb|layers|nested|not an arm64 Image|not a kernel' \
	"${a64[@]}" -l "$d/bomb.gz" --dtb="$dtb"
row "arm: zImage cut inside its header" "$(cut_at zImage 48)" 'too short|truncated|not a zImage' \
	"${a32[@]}" -l "$d/zImage@48" --dtb="$adtb"
row "arm: zImage whose end lies before its start" "$d/zImage-end-before-start" 'end|start|size|corrupt|truncated|too short' \
	"${a32[@]}" -l "$d/zImage-end-before-start" --dtb="$adtb"

# Files in each other's place.
row "a kernel as --initrd" "$fx/Image.gz" 'is a kernel' \
	"${a64[@]}" -l "$fx/Image" --initrd="$fx/Image.gz" --dtb="$dtb"
row "an initramfs as kernel" "$fx/initramfs.cpio.gz" 'initramfs.*--initrd' \
	"${a64[@]}" -l "$fx/initramfs.cpio.gz" --dtb="$dtb"
row "a DTB as kernel" "$dtb" 'device tree|--dtb' "${a64[@]}" -l "$dtb" --dtb="$dtb"
row "a kernel as DTB" "$fx/Image" 'not a device tree' "${a64[@]}" -l "$fx/Image" --dtb="$fx/Image"

# Hostile device trees.
row "DTB version 3 whose root name has no '/'" "$d/v3-rootname.dtb" 'version|structure|malformed|corrupt|name' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/v3-rootname.dtb"
# A console it cannot find is no reason to refuse the kernel.
usable "DTB whose stdout-path alias names itself" 'reports on: nothing' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/alias-loop.dtb"
row "DTB of 3 MiB" "$d/3MiB.dtb" 'too large|larger than' "${a64[@]}" -l "$fx/Image" --dtb="$d/3MiB.dtb"
# RAM above 2^48 exists (52-bit physical addresses): planned, but a 48-bit
# identity map cannot cover it, and the plan must say the purgatory hashes
# with the MMU off.
usable "DTB with all RAM above 2^48" 'MMU off.*2\^48' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/ram-above-2e48.dtb"
row "DTB whose totalsize exceeds the file" "$d/totalsize-too-big.dtb" 'truncated|totalsize' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/totalsize-too-big.dtb"
row "DTB with 250,000 descending 4 KiB RAM ranges" - \
	'too many|does not fit|no room|no .*space|no (usable )?(RAM|memory)' \
	"${a64[@]}" -l "$fx/Image" --dtb="$d/250k-ranges.dtb"

# Options that contradict each other or cannot be parsed.
row "--serial with a bad hex address" - '--serial=pl011,0x90zz' \
	"${a64[@]}" -l "$fx/Image" --dtb="$dtb" --serial=pl011,0x90zz
row "--serial with a negative address" - '--serial=pl011,-1' \
	"${a64[@]}" -l "$fx/Image" --dtb="$dtb" --serial=pl011,-1
row "-l with -u" - 'conflicting|cannot be combined|exclude' "${a64[@]}" -l "$fx/Image" -u
row "-p with -e" - '-p cannot be combined with -e|conflicting' "${a64[@]}" -p "$fx/Image" -e
row "--atags on arm64" - '--atags' "${a64[@]}" -l "$fx/Image" --atags
row "unknown --arch" - 'unknown architecture' --dry-run --arch=mips -l "$fx/Image" --dtb="$dtb"
row "3000-byte command line on arm64" - 'command line.*(too long|longer|exceeds|bytes)' \
	"${a64[@]}" -l "$fx/Image" --dtb="$dtb" --command-line="$(long 3000)"
row "arm: 1100-byte command line" - 'command line.*(too long|longer|exceeds|bytes)' \
	"${a32[@]}" -l "$fx/zImage" --dtb="$adtb" --command-line="$(long 1100)"
row "--initrd without -l" - '--initrd.*(-l|load)|nothing to do: give a kernel with -l' \
	"${a64[@]}" --initrd="$fx/initramfs.cpio.gz" --dtb="$dtb"

echo "# $rows rows"
exit $((failures > 0))
