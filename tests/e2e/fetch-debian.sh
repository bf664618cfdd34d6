#!/usr/bin/env bash
# Downloads (apt-get download, never installs) and unpacks (dpkg-deb -x) the
# Debian bookworm pieces the end-to-end tests boot under QEMU:
#   - the kernel, version resolved through its meta package so we follow
#     Debian's updates:
#       arm64: linux-image-6.1.0-*-cloud-arm64 (/boot/vmlinuz-* is an
#              uncompressed arm64 Image, KEXEC=y);
#       armhf: linux-image-6.1.0-*-armmp-lpae (--flavour lpae, the default)
#              or linux-image-6.1.0-*-armmp (--flavour armmp); their
#              /boot/vmlinuz-* is a zImage;
#   - busybox-static (the whole user space of both initramfs);
#   - with --kexec-tools: Debian's dynamically linked kexec-tools plus the
#     shared libraries it needs, to validate the harness before our own
#     loader exists.
#
# Cache: ${KEXEC_E2E_CACHE:-<repo>/tests/e2e/.cache}/debian-ARCH.  Idempotent:
# each unpacked package carries a .complete stamp and is not fetched again.
#
# usage: tests/e2e/fetch-debian.sh [--arch arm64|armhf] [--flavour lpae|armmp]
#            [--kexec-tools]
# stdout: the path of the kernel (and nothing else).
set -euo pipefail
E2E_PROG=fetch-debian # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

with_kexec_tools=no arch=arm64 flavour=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec-tools) with_kexec_tools=yes; shift ;;
	--arch) arch=$2; shift 2 ;;
	--flavour) flavour=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done
# Per architecture: the kernel's meta package, the multiarch triplet and
# the dynamic loader (for the kexec-tools closure).
case $arch/$flavour in
arm64/|arm64/cloud) kmeta=linux-image-cloud-arm64 triplet=aarch64-linux-gnu ldso=ld-linux-aarch64.so.1 ;;
armhf/|armhf/lpae) kmeta=linux-image-armmp-lpae triplet=arm-linux-gnueabihf ldso=ld-linux-armhf.so.3 ;;
armhf/armmp) kmeta=linux-image-armmp triplet=arm-linux-gnueabihf ldso=ld-linux-armhf.so.3 ;;
*) e2e_die "unsupported --arch $arch${flavour:+ --flavour $flavour} (arm64; armhf with lpae or armmp)" ;;
esac
kflavour=${kmeta#linux-image-}
e2e_debian=$(e2e_debian_for "$arch")

e2e_need_tools apt-get:apt dpkg-deb:dpkg readelf:binutils od:coreutils
mkdir -p "$e2e_debian"

# unpack_once NAME PKG...: downloads PKG... and unpacks them all into
# $e2e_debian/NAME unless NAME/.complete says that was already done.
unpack_once() {
	local dir=$e2e_debian/$1 deb
	shift
	[ -f "$dir/.complete" ] && return 0
	local pkg
	for pkg in "$@"; do e2e_arch_visible "$arch" "${pkg%%:*}"; done
	rm -rf "$dir" "$dir.debs"
	e2e_download "$dir.debs" "$@"
	mkdir -p "$dir"
	for deb in "$dir.debs"/*.deb; do
		dpkg-deb -x "$deb" "$dir"
	done
	printf '%s\n' "$@" >"$dir/.complete"
	rm -rf "$dir.debs"
}

# --- the kernel ---------------------------------------------------------------
# Resolve the current ABI package (e.g. linux-image-6.1.0-NN-cloud-arm64) from
# the meta package's dependency.  Offline with a cached kernel: use the newest.
resolve_kernel_pkg() {
	apt-cache depends "$kmeta:$arch" 2>/dev/null |
		sed -n "s/^ *Depends: \\(linux-image-[0-9][^:]*-$kflavour\\)\\(:.*\\)*\$/\\1/p" | head -n 1
}
kpkg=$(resolve_kernel_pkg || true)
if [ -z "$kpkg" ]; then
	cached=$(ls -d "$e2e_debian"/kernel-linux-image-[0-9]*-"$kflavour"/.complete 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$cached" ]; then
		kpkg=$(basename "$(dirname "$cached")")
		kpkg=${kpkg#kernel-}
		e2e_log "apt-cache cannot resolve the kernel; using the cached $kpkg"
	else
		e2e_arch_visible "$arch" "$kmeta"
		kpkg=$(resolve_kernel_pkg)
		[ -n "$kpkg" ] || e2e_die "cannot resolve the dependency of $kmeta:$arch"
	fi
fi
if [ ! -f "$e2e_debian/kernel-$kpkg/.complete" ]; then
	unpack_once "kernel-$kpkg" "$kpkg:$arch"
	# The initramfs loads no modules: drop them (67 MB) to keep the cache small.
	rm -rf "$e2e_debian/kernel-$kpkg/lib/modules"
fi
image=$(ls "$e2e_debian/kernel-$kpkg"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$image" ] || e2e_die "no /boot/vmlinuz-* in $kpkg"
if [ "$arch" = arm64 ]; then
	e2e_is_arm64_image "$image" || e2e_die "$image lacks the arm64 Image magic ARM\\x64 at 0x38"
else
	e2e_is_arm_zimage "$image" || e2e_die "$image lacks the zImage magic 0x016f2818 at 0x24"
fi

# --- busybox ------------------------------------------------------------------
unpack_once busybox "busybox-static:$arch"
[ -x "$e2e_debian/busybox/bin/busybox" ] || e2e_die "busybox-static:$arch has no /bin/busybox"

# --- Debian's kexec-tools (validation only) -----------------------------------
# kexec-tools:ARCH is dynamically linked (libc, zlib and, on arm64 through
# libxenctrl, a handful of Xen libraries).  Download it with every library
# package of its dependency closure (not debconf, dpkg, tar...), unpack all
# into a sysroot, then copy only what the ELF NEEDED entries reach into
# kexec-tools/min: sbin/kexec, lib/$ldso and lib/$triplet/*.so.* (Debian's
# ld.so searches that directory without an ld.so.cache).
if [ $with_kexec_tools = yes ] && [ ! -f "$e2e_debian/kexec-tools/min/.complete" ]; then
	e2e_arch_visible "$arch" kexec-tools
	mapfile -t kt_pkgs < <(
		apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances "kexec-tools:$arch" |
		grep -E "^(lib|zlib1g)[^ <]*:$arch\$" | sort -u)
	unpack_once kexec-tools "kexec-tools:$arch" "${kt_pkgs[@]}"
	root=$e2e_debian/kexec-tools
	min=$root/min
	rm -rf "$min"
	mkdir -p "$min/sbin" "$min/lib/$triplet"
	cp "$root/sbin/kexec" "$min/sbin/kexec"
	find_lib() {
		local d
		for d in "lib/$triplet" "usr/lib/$triplet" lib usr/lib; do
			[ -e "$root/$d/$1" ] && { echo "$root/$d/$1"; return 0; }
		done
		return 1
	}
	todo=("$min/sbin/kexec")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$min/lib/$triplet/$so" ] && continue
			src=$(find_lib "$so") || e2e_die "kexec-tools needs $so, not found in the downloaded packages"
			cp -L "$src" "$min/lib/$triplet/$so"
			todo+=("$min/lib/$triplet/$so")
		done
	done
	cp -L "$(find_lib "$ldso")" "$min/lib/$ldso"
	touch "$min/.complete"
	e2e_log "kexec-tools closure: $(cd "$min" && find . -type f ! -name .complete | sort | tr '\n' ' ')"
fi

e2e_log "kernel package: $kpkg"
echo "$image"
