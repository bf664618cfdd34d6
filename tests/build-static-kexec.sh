#!/usr/bin/env bash
# Cross-builds a fully static arm64 (default) or armhf `kexec` for the QEMU
# tests (and for anyone who wants one for an initramfs).  The static
# libraries come from Debian's -dev packages for that architecture,
# downloaded and unpacked into a private sysroot rather than installed:
# multiarch -dev packages refuse to co-install when host and foreign
# versions differ.
#
# usage: tests/build-static-kexec.sh [--arch arm64|armhf] [--test-hooks] [BUILD_DIR]
#        (prints the binary's path; BUILD_DIR defaults to build-ARCH;
#        --test-hooks builds with --enable-test-hooks, which the end-to-end
#        mismatch scenarios need for KEXEC_TEST_CORRUPT_DIGEST)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=arm64
test_hooks=()
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:-}; shift 2 || true ;;
	--test-hooks) test_hooks=(--enable-test-hooks); shift ;;
	*) break ;;
	esac
done
case $arch in
arm64) triplet=aarch64-linux-gnu ;;
armhf) triplet=arm-linux-gnueabihf ;;
*) echo "build-static-kexec: --arch must be arm64 or armhf" >&2; exit 1 ;;
esac
build=${1:-$top/build-$arch}
cache=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache}
sysroot=$cache/sysroot-$arch
packages=(libfdt-dev libfdt1 zlib1g-dev libelf-dev libzstd-dev liblzma-dev)

E2E_PROG='build-static-kexec' # read by lib.sh
. "$top/tests/e2e/lib.sh"

# The stamp records the package list: a sysroot made for a shorter list
# (an older checkout) is remade rather than silently used without a library.
if [ "$(cat "$sysroot/.complete" 2>/dev/null)" != "${packages[*]}" ]; then
	for p in "${packages[@]}"; do e2e_arch_visible "$arch" "$p"; done
	rm -rf "$sysroot" "$cache/debs-$arch"
	mkdir -p "$sysroot"
	e2e_download "$cache/debs-$arch" "${packages[@]/%/:$arch}"
	for deb in "$cache/debs-$arch"/*.deb; do
		dpkg-deb -x "$deb" "$sysroot"
	done
	echo "${packages[*]}" >"$sysroot/.complete"
	rm -f "$build/Makefile" # configure again: the libraries it found changed
fi

if [ ! -x "$top/configure" ]; then
	(cd "$top" && autoreconf -fi >&2)
fi
mkdir -p "$build"
cd "$build"
# Configured again when the options differ from the last run's.
configure_args="--host=$triplet --enable-static-binary ${test_hooks[*]}"
if [ ! -f Makefile ] || [ "$(cat .configure-args 2>/dev/null)" != "$configure_args" ]; then
	# shellcheck disable=SC2086
	"$top/configure" $configure_args \
		CPPFLAGS="-I$sysroot/usr/include" \
		LDFLAGS="-L$sysroot/usr/lib/$triplet" >&2
	echo "$configure_args" >.configure-args
fi
make -j"$(nproc)" kexec/kexec >&2
echo "$build/kexec/kexec"
