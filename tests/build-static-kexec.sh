#!/usr/bin/env bash
# Cross-builds a fully static arm64 `kexec` for the QEMU tests (and for
# anyone who wants one for an initramfs).  The static libraries come from
# Debian's arm64 -dev packages, downloaded and unpacked into a private
# sysroot rather than installed: multiarch -dev packages refuse to
# co-install when host and foreign versions differ.
#
# usage: tests/build-static-kexec.sh [BUILD_DIR]     (prints the binary's path)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-arm64}
cache=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache}
sysroot=$cache/sysroot-arm64
packages=(libfdt-dev libfdt1 zlib1g-dev libelf-dev)

log() { echo "build-static-kexec: $*" >&2; }

apt_update() {
	# Debian mirrors answer "Mirror sync in progress" now and then: retry.
	local i
	for i in 1 2 3 4 5; do
		apt-get update -q >&2 && return 0
		log "apt-get update failed (try $i), retrying"
		sleep 10
	done
	return 1
}

ensure_arm64_packages_visible() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt_update
	elif ! apt-cache show libfdt-dev:arm64 >/dev/null 2>&1; then
		apt_update
	fi
}

if [ ! -f "$sysroot/.complete" ]; then
	ensure_arm64_packages_visible
	rm -rf "$sysroot" "$cache/debs-arm64"
	mkdir -p "$sysroot" "$cache/debs-arm64"
	(cd "$cache/debs-arm64" && apt-get download -q "${packages[@]/%/:arm64}" >&2)
	for deb in "$cache"/debs-arm64/*.deb; do
		dpkg-deb -x "$deb" "$sysroot"
	done
	touch "$sysroot/.complete"
fi

if [ ! -x "$top/configure" ]; then
	(cd "$top" && autoreconf -fi >&2)
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
	"$top/configure" --host=aarch64-linux-gnu --enable-static-binary \
		CPPFLAGS="-I$sysroot/usr/include" \
		LDFLAGS="-L$sysroot/usr/lib/aarch64-linux-gnu" >&2
fi
make -j"$(nproc)" kexec/kexec >&2
echo "$build/kexec/kexec"
