#!/usr/bin/env bash
# Builds an arm64 unified kernel image (UKI): systemd-boot's EFI stub
# linuxaa64.efi.stub (Debian bookworm's systemd-boot-efi:arm64, downloaded
# and unpacked, never installed) with the kernel, initrd, command line and an
# os-release added as PE sections by objcopy:
#   .osrel    os-release text (--osrel FILE, or a short one made here)
#   .cmdline  the command line, without a trailing newline
#   .initrd   the initrd, as given
#   .linux    the kernel (an arm64 Image with its EFI stub, i.e. a PE file)
# in that order, each at the next multiple of the stub's SectionAlignment
# after the previous one, the first after the stub's last section (and its
# SizeOfImage), so that no two overlap.  The result is checked with objdump
# -h: every section present, sizes, no overlaps, and the contents of
# .cmdline, .initrd and .linux read back equal to the inputs.
#
# usage: tests/e2e/make-uki.sh --linux KERNEL --initrd FILE --cmdline TEXT
#            --out FILE.efi [--osrel FILE]
# stdout: the path of the UKI; the section table goes to stderr.
# Cache: the stub in ${KEXEC_E2E_CACHE:-tests/e2e/.cache}/debian-arm64/systemd-boot-efi.
set -euo pipefail
E2E_PROG=make-uki # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

linux="" initrd="" cmdline="" cmdline_set=no out="" osrel=""
while [ $# -gt 0 ]; do
	case $1 in
	--linux) linux=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--cmdline) cmdline=$2; cmdline_set=yes; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--osrel) osrel=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done
if [ -z "$linux" ] || [ -z "$initrd" ] || [ $cmdline_set = no ] || [ -z "$out" ]; then
	e2e_die "usage: make-uki.sh --linux KERNEL --initrd FILE --cmdline TEXT --out FILE.efi [--osrel FILE]"
fi
[ -f "$linux" ] || e2e_die "--linux: no file $linux"
[ -f "$initrd" ] || e2e_die "--initrd: no file $initrd"
[ -z "$osrel" ] || [ -f "$osrel" ] || e2e_die "--osrel: no file $osrel"
e2e_is_arm64_image "$linux" || e2e_die "--linux $linux is not an uncompressed arm64 Image"
# The stub starts the kernel through its own EFI stub: it must be a PE file.
[ "$(head -c 2 "$linux")" = MZ ] || e2e_die "--linux $linux has no EFI stub (no MZ header): systemd-stub cannot start it"

objcopy=aarch64-linux-gnu-objcopy objdump=aarch64-linux-gnu-objdump
e2e_need_tools "$objcopy:binutils-aarch64-linux-gnu" "$objdump:binutils-aarch64-linux-gnu" \
	dpkg-deb:dpkg apt-get:apt flock:util-linux cmp:diffutils

# --- the stub -----------------------------------------------------------------
stub_dir=$(e2e_debian_for arm64)/systemd-boot-efi
stub=$stub_dir/usr/lib/systemd/boot/efi/linuxaa64.efi.stub
if [ ! -f "$stub_dir/.complete" ]; then
	mkdir -p "$(dirname "$stub_dir")"
	exec 9>"$stub_dir.lock"
	flock 9
	if [ ! -f "$stub_dir/.complete" ]; then
		e2e_arch_visible arm64 systemd-boot-efi
		rm -rf "$stub_dir" "$stub_dir.debs"
		e2e_download "$stub_dir.debs" systemd-boot-efi:arm64
		mkdir -p "$stub_dir"
		dpkg-deb -x "$stub_dir.debs"/systemd-boot-efi_*.deb "$stub_dir"
		[ -f "$stub" ] || e2e_die "systemd-boot-efi:arm64 has no $(basename "$stub")"
		basename "$stub_dir.debs"/systemd-boot-efi_*.deb >"$stub_dir/.complete"
		rm -rf "$stub_dir.debs"
	fi
	exec 9>&-
fi
"$objdump" -f "$stub" | grep -q 'file format pei-aarch64-little' ||
	e2e_die "$stub is not a pei-aarch64-little file"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the sections' contents ------------------------------------------------------
if [ -n "$osrel" ]; then
	cp "$osrel" "$tmp/osrel"
else
	release=$(grep -a -m1 -o 'Linux version [^ ]*' "$linux" | cut -d' ' -f3 || true)
	cat >"$tmp/osrel" <<EOF
NAME="kexec-arm e2e"
ID=kexec-arm-e2e
PRETTY_NAME="kexec-arm e2e UKI${release:+ ($release)}"
VERSION_ID="${release:-unknown}"
EOF
fi
printf '%s' "$cmdline" >"$tmp/cmdline"

# --- the layout ------------------------------------------------------------------
hex() { printf '%d' "0x$1"; }
# sections PE: "NAME SIZE VMA FILE_OFFSET" a line, in decimal (objdump -h).
sections() {
	"$objdump" -h "$1" | awk '$1 ~ /^[0-9]+$/ { print $2, $3, $4, $6 }' |
		while read -r n z v o; do echo "$n $((0x$z)) $((0x$v)) $((0x$o))"; done
}
pe_field() { "$objdump" -p "$1" | awk -v f="$2" '$1 == f { print $2; exit }'; }
align=$(hex "$(pe_field "$stub" SectionAlignment)")
base=$(hex "$(pe_field "$stub" ImageBase)")
[ "$align" -gt 0 ] || e2e_die "cannot read the stub's SectionAlignment"
# The end of the stub: its last section (VMA + size in objdump -h, which
# counts ImageBase) or SizeOfImage (which also covers virtual sizes),
# whichever is further.
end=$((base + $(hex "$(pe_field "$stub" SizeOfImage)")))
while read -r _ size vma _; do
	[ $((vma + size)) -le "$end" ] || end=$((vma + size))
done < <(sections "$stub")
up() { echo $((($1 + align - 1) / align * align)); }

names=(.osrel .cmdline .initrd .linux)
files=("$tmp/osrel" "$tmp/cmdline" "$initrd" "$linux")
args=()
next=$(up "$end")
declare -A want_vma want_size
for i in "${!names[@]}"; do
	size=$(stat -L -c %s "${files[$i]}")
	want_vma[${names[$i]}]=$next
	want_size[${names[$i]}]=$size
	args+=(--add-section "${names[$i]}=${files[$i]}"
		--change-section-vma "${names[$i]}=$(printf '%#x' "$next")")
	next=$(up $((next + size)))
done
mkdir -p "$(dirname "$out")"
"$objcopy" "${args[@]}" "$stub" "$out.tmp" 2>"$tmp/objcopy.log" ||
	{ cat "$tmp/objcopy.log" >&2; rm -f "$out.tmp"; e2e_die "objcopy failed"; }

# --- the check -------------------------------------------------------------------
sections "$out.tmp" >"$tmp/sections"
e2e_log "sections of $out (name, size, VMA, file offset):"
awk '{ printf "  %-10s size %#10x  vma %#10x  file off %#10x\n", $1, $2, $3, $4 }' "$tmp/sections" >&2
bad=()
for i in "${!names[@]}"; do
	n=${names[$i]}
	read -r _ size vma _ < <(awk -v n="$n" '$1 == n' "$tmp/sections") || true
	if [ -z "${size:-}" ]; then
		bad+=("section $n is missing")
		continue
	fi
	[ "$vma" = "${want_vma[$n]}" ] || bad+=("$n at $(printf '%#x' "$vma"), not $(printf '%#x' "${want_vma[$n]}")")
	[ $((vma % align)) = 0 ] || bad+=("$n at $(printf '%#x' "$vma") is not aligned to $(printf '%#x' "$align")")
	# objdump shows the raw size, rounded up to the FileAlignment.
	[ "$size" -ge "${want_size[$n]}" ] || bad+=("$n holds $size bytes, less than the ${want_size[$n]} of ${files[$i]}")
	if [ "$n" != .osrel ]; then
		"$objcopy" -O binary --only-section="$n" "$out.tmp" "$tmp/back" 2>/dev/null || true
		cmp -s -n "${want_size[$n]}" "$tmp/back" "${files[$i]}" ||
			bad+=("$n does not read back as ${files[$i]}")
		rm -f "$tmp/back"
	fi
	unset size vma
done
# No two sections overlap: sorted by VMA, each ends before the next starts.
overlap=$(sort -k3,3n "$tmp/sections" | awk 'NR > 1 && $3 < end { print prev " and " $1 } { end = $3 + $2; prev = $1 }')
[ -z "$overlap" ] || bad+=("overlapping sections: $overlap")
if [ ${#bad[@]} -gt 0 ]; then
	rm -f "$out.tmp"
	for b in "${bad[@]}"; do e2e_log "bad UKI: $b"; done
	e2e_die "the UKI made from $stub is wrong (${#bad[@]} problem(s))"
fi
mv "$out.tmp" "$out"
e2e_log "$out: $(stat -c %s "$out") bytes, stub $(cat "$stub_dir/.complete")"
echo "$out"
