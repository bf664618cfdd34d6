#!/usr/bin/env bash
# Installs what building and testing need on a Debian bookworm machine.
# Idempotent: installs only what is missing.  Needs root.
set -euo pipefail

packages=(
	build-essential autoconf automake pkg-config
	libfdt-dev zlib1g-dev libelf-dev device-tree-compiler
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm cpio gzip xz-utils
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
for i in 1 2 3 4 5; do
	# A mirror mid-sync fails one index now and then: try again.
	apt-get update -q && break
	echo "setup-debian: apt-get update failed (try $i), retrying" >&2
	sleep 10
done
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
