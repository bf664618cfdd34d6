#!/usr/bin/env bash
# Cross-builds the Debian package (debian/) for arm64 (default) or armhf on
# this machine with dpkg-buildpackage, and prints the .deb's path.
#
# usage: tests/build-deb.sh [--arch arm64|armhf] [OUTDIR]
#        (OUTDIR defaults to build-deb-ARCH; the source is copied into
#        OUTDIR/src, the working tree's files as git sees them, and the
#        .deb lands in OUTDIR)
#
# The host architecture's libraries are not installed as multiarch -dev
# packages: bookworm's libfdt-dev is not Multi-Arch: same, so installing
# libfdt-dev:arm64 would remove the machine's own libfdt-dev (and pull in
# upgrades of half the system).  Like build-static-kexec.sh, the -dev and
# runtime packages are unpacked into a private sysroot; the build takes
# them through DEB_CPPFLAGS_APPEND/DEB_LDFLAGS_APPEND, and dh_shlibdeps
# takes the Depends from the runtime packages' own shlibs files
# (debian/shlibs.local in the copy).  Hence dpkg-buildpackage -d: the
# Build-Depends for the host architecture are met by the sysroot, not by
# dpkg's database.  Installs only build-machine tools (debhelper, dpkg-dev,
# the cross compilers), as root when they are missing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=arm64
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:-}; shift 2 || true ;;
	*) break ;;
	esac
done
if [ "$arch" != arm64 ] && [ "$arch" != armhf ]; then
	echo "build-deb: --arch must be arm64 or armhf (debian/control's Architecture)" >&2
	exit 1
fi
out=$(mkdir -p "${1:-$top/build-deb-$arch}" && cd "${1:-$top/build-deb-$arch}" && pwd)
cache=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache}
sysroot=$cache/deb-sysroot-$arch
runtime=(libc6 libfdt1 zlib1g libelf1 libzstd1 liblzma5)
packages=(libfdt-dev zlib1g-dev libelf-dev libzstd-dev liblzma-dev "${runtime[@]}")

E2E_PROG='build-deb' # read by lib.sh
. "$top/tests/e2e/lib.sh"

e2e_need_tools dpkg-buildpackage:dpkg-dev dh:debhelper dh_autoreconf:dh-autoreconf \
	aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf \
	git:git
triplet=$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)

# The sysroot, remade when the package list changes (the stamp holds it).
# Another build for the same architecture (build-system-image.sh runs one
# in the background of tests/run-all.sh) must not remake it under us.
mkdir -p "$cache"
exec 8>"$cache/deb-sysroot-$arch.lock"
flock 8
if [ "$(cat "$sysroot/.complete" 2>/dev/null)" != "${packages[*]}" ]; then
	for p in "${packages[@]}"; do e2e_arch_visible "$arch" "$p"; done
	rm -rf "$sysroot" "$cache/deb-debs-$arch"
	mkdir -p "$sysroot"
	e2e_download "$cache/deb-debs-$arch" "${packages[@]/%/:$arch}"
	: >"$sysroot/shlibs.local"
	for deb in "$cache/deb-debs-$arch"/*.deb; do
		dpkg-deb -x "$deb" "$sysroot"
		# The runtime packages' shlibs: what dh_shlibdeps would have read
		# from dpkg's database had they been installed.
		dpkg-deb -I "$deb" shlibs >>"$sysroot/shlibs.local" 2>/dev/null || true
	done
	# The -dev packages' absolute .so links (libz.so -> /lib/...) would
	# name the build machine's files: point them into the sysroot.
	find "$sysroot" -type l -lname '/*' | while read -r link; do
		ln -sfn "$sysroot$(readlink "$link")" "$link"
	done
	echo "${packages[*]}" >"$sysroot/.complete"
fi

# The working tree as git sees it (tracked and new files, nothing ignored),
# so that the package is built from what is being tested.
rm -rf "$out/src"
mkdir -p "$out/src"
# Outside a git checkout, the whole tree but the build and cache folders.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
		xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' |
		tar --null -T - -cf -) | tar -xf - -C "$out/src"
else
	tar -C "$top" --exclude=./build-\* --exclude=./tests/e2e/.cache --exclude=./src -cf - . |
		tar -xf - -C "$out/src"
fi
cp "$sysroot/shlibs.local" "$out/src/debian/shlibs.local"
rm -f "$out"/kexec-arm_*"_$arch".deb "$out"/kexec-arm*_"$arch".changes "$out"/kexec-arm*_"$arch".buildinfo

libdirs="$sysroot/usr/lib/$triplet $sysroot/lib/$triplet"
(
	cd "$out/src"
	export CC=$triplet-gcc # what dpkg-architecture expects of a cross build
	export KEXEC_ARM_LIBDIRS=${libdirs// /:}
	export DEB_CPPFLAGS_APPEND="-I$sysroot/usr/include -I$sysroot/usr/include/$triplet"
	export DEB_LDFLAGS_APPEND="-L${libdirs// / -L} -Wl,-rpath-link,${libdirs// /:}"
	export DEB_BUILD_OPTIONS="nocheck parallel=${KEXEC_DEB_JOBS:-2}"
	dpkg-buildpackage -a "$arch" -Pcross,nocheck -d -us -uc -b
) >&2
deb=$(ls "$out"/kexec-arm_*"_$arch".deb)
echo "$deb"
