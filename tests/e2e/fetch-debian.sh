#!/usr/bin/env bash
# Downloads (apt-get download, never installs) and unpacks (dpkg-deb -x) the
# Debian bookworm arm64 pieces the end-to-end test boots under QEMU:
#   - the cloud kernel linux-image-6.1.0-*-cloud-arm64 (its /boot/vmlinuz-* is
#     an uncompressed arm64 Image, KEXEC=y), version resolved through the
#     linux-image-cloud-arm64 meta package so we follow Debian's updates;
#   - busybox-static (the whole user space of both initramfs);
#   - with --kexec-tools: Debian's dynamically linked kexec-tools plus the
#     shared libraries it needs, to validate the harness before our own
#     loader exists.
#
# Cache: ${KEXEC_E2E_CACHE:-<repo>/tests/e2e/.cache}/debian-arm64.  Idempotent:
# each unpacked package carries a .complete stamp and is not fetched again.
#
# usage: tests/e2e/fetch-debian.sh [--kexec-tools]
# stdout: the path of the kernel Image (and nothing else).
set -euo pipefail
E2E_PROG=fetch-debian # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

with_kexec_tools=no
for arg in "$@"; do
	case $arg in
	--kexec-tools) with_kexec_tools=yes ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) e2e_die "unknown argument $arg" ;;
	esac
done

e2e_need_tools apt-get:apt dpkg-deb:dpkg readelf:binutils od:coreutils
mkdir -p "$e2e_debian"

# unpack_once NAME PKG...: downloads PKG... and unpacks them all into
# $e2e_debian/NAME unless NAME/.complete says that was already done.
unpack_once() {
	local dir=$e2e_debian/$1 deb
	shift
	[ -f "$dir/.complete" ] && return 0
	local pkg
	for pkg in "$@"; do e2e_arm64_visible "${pkg%%:*}"; done
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
# Resolve the current ABI package (linux-image-6.1.0-NN-cloud-arm64) from the
# meta package's dependency.  Offline with a cached kernel: use the newest one.
resolve_kernel_pkg() {
	apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-cloud-arm64\).*/\1/p' | head -n 1
}
kpkg=$(resolve_kernel_pkg || true)
if [ -z "$kpkg" ]; then
	cached=$(ls -d "$e2e_debian"/kernel-linux-image-*/.complete 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$cached" ]; then
		kpkg=$(basename "$(dirname "$cached")")
		kpkg=${kpkg#kernel-}
		e2e_log "apt-cache cannot resolve the kernel; using the cached $kpkg"
	else
		e2e_arm64_visible linux-image-cloud-arm64
		kpkg=$(resolve_kernel_pkg)
		[ -n "$kpkg" ] || e2e_die "cannot resolve the dependency of linux-image-cloud-arm64:arm64"
	fi
fi
if [ ! -f "$e2e_debian/kernel-$kpkg/.complete" ]; then
	unpack_once "kernel-$kpkg" "$kpkg:arm64"
	# The initramfs loads no modules: drop them (67 MB) to keep the cache small.
	rm -rf "$e2e_debian/kernel-$kpkg/lib/modules"
fi
image=$(ls "$e2e_debian/kernel-$kpkg"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$image" ] || e2e_die "no /boot/vmlinuz-* in $kpkg"
e2e_is_arm64_image "$image" || e2e_die "$image lacks the arm64 Image magic ARM\\x64 at 0x38"

# --- busybox ------------------------------------------------------------------
unpack_once busybox busybox-static:arm64
[ -x "$e2e_debian/busybox/bin/busybox" ] || e2e_die "busybox-static:arm64 has no /bin/busybox"

# --- Debian's kexec-tools (validation only) -----------------------------------
# kexec-tools:arm64 is dynamically linked (libc, zlib and, through
# libxenctrl, a handful of Xen libraries).  Download it with every library
# package of its dependency closure (not debconf, dpkg, tar...), unpack all
# into a sysroot, then copy only what the ELF NEEDED entries reach into
# kexec-tools/min: sbin/kexec, lib/ld-linux-aarch64.so.1 and
# lib/aarch64-linux-gnu/*.so.* (Debian's ld.so searches that directory
# without an ld.so.cache).
if [ $with_kexec_tools = yes ] && [ ! -f "$e2e_debian/kexec-tools/min/.complete" ]; then
	e2e_arm64_visible kexec-tools
	mapfile -t kt_pkgs < <(
		apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances kexec-tools:arm64 |
		grep -E '^(lib|zlib1g)[^ <]*:arm64$' | sort -u)
	unpack_once kexec-tools kexec-tools:arm64 "${kt_pkgs[@]}"
	root=$e2e_debian/kexec-tools
	min=$root/min
	rm -rf "$min"
	mkdir -p "$min/sbin" "$min/lib/aarch64-linux-gnu"
	cp "$root/sbin/kexec" "$min/sbin/kexec"
	find_lib() {
		local d
		for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
			[ -e "$root/$d/$1" ] && { echo "$root/$d/$1"; return 0; }
		done
		return 1
	}
	todo=("$min/sbin/kexec")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$min/lib/aarch64-linux-gnu/$so" ] && continue
			src=$(find_lib "$so") || e2e_die "kexec-tools needs $so, not found in the downloaded packages"
			cp -L "$src" "$min/lib/aarch64-linux-gnu/$so"
			todo+=("$min/lib/aarch64-linux-gnu/$so")
		done
	done
	cp -L "$(find_lib ld-linux-aarch64.so.1)" "$min/lib/ld-linux-aarch64.so.1"
	touch "$min/.complete"
	e2e_log "kexec-tools closure: $(cd "$min" && find . -type f ! -name .complete | sort | tr '\n' ' ')"
fi

e2e_log "kernel package: $kpkg"
echo "$image"
