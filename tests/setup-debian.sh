#!/usr/bin/env bash
# Installs what building and testing need on a Debian bookworm machine.
# Idempotent: installs only what is missing.  Needs root.
set -euo pipefail
E2E_PROG=setup-debian
. "$(dirname "$0")/e2e/lib.sh"

packages=(
	build-essential autoconf automake pkg-config
	libfdt-dev zlib1g-dev libelf-dev libzstd-dev liblzma-dev device-tree-compiler
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	qemu-system-arm qemu-user cpio gzip xz-utils u-boot-tools
	clang libclang-rt-14-dev
	# tests/e2e/build-file-kernel.sh: the kexec_file_load test kernel
	linux-source-6.1 flex bison bc libssl-dev sbsigntool openssl zstd
	# tests/build-deb.sh: the Debian package, cross-built, and lintian
	dpkg-dev debhelper lintian git
	# tests/e2e/build-system-image.sh: the Debian arm64 system image (made
	# with qemu-user through binfmt_misc), its disk and EFI system partition,
	# booted with UEFI firmware
	mmdebstrap qemu-user-static binfmt-support arch-test qemu-efi-aarch64
	mtools dosfstools e2fsprogs fdisk qemu-utils
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-debian: missing packages (${missing[*]}); run as root to install them" >&2
	exit 1
fi
e2e_apt_update
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
