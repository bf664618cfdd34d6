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

E2E_PROG=build-static-kexec
. "$top/tests/e2e/lib.sh"

if [ ! -f "$sysroot/.complete" ]; then
	for p in "${packages[@]}"; do e2e_arm64_visible "$p"; done
	rm -rf "$sysroot" "$cache/debs-arm64"
	mkdir -p "$sysroot"
	e2e_download "$cache/debs-arm64" "${packages[@]/%/:arm64}"
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
