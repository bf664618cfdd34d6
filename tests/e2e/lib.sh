# shellcheck shell=bash disable=SC2034
# Shared helpers for the end-to-end scripts in tests/e2e/.  Sourced, not run.
#
# Everything here must work on a fresh Debian bookworm machine: host tools
# are installed with apt-get only when missing, and arm64 packages become
# downloadable only after `dpkg --add-architecture arm64` + `apt-get update`.

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
e2e_top=$(cd "$e2e_dir/../.." && pwd)
e2e_cache=${KEXEC_E2E_CACHE:-$e2e_dir/.cache}
# Our own sub-folder of the cache: tests/build-static-kexec.sh keeps its
# sysroot in the same cache and must not collide with us.
e2e_debian=$e2e_cache/debian-arm64

e2e_log() { echo "${E2E_PROG:-e2e}: $*" >&2; }
e2e_die() { e2e_log "error: $*"; exit 1; }

# Debian mirrors answer "Mirror sync in progress" now and then, which makes
# `apt-get update` fail on one index: retry a few times.
e2e_apt_update() {
	local i
	for i in 1 2 3 4 5; do
		apt-get update -q >&2 && return 0
		e2e_log "apt-get update failed (try $i of 5), retrying in 10 s"
		sleep 10
	done
	# An index that still fails is often a foreign one we do not need
	# (e.g. armhf security): carry on and let the download say what is missing.
	e2e_log "apt-get update kept failing; continuing with the indexes we have"
	return 0
}

# e2e_need_tools CMD:PACKAGE...: installs the packages whose command is
# missing.  Needs root only when something must be installed.
e2e_need_tools() {
	local spec missing=()
	for spec in "$@"; do
		command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || e2e_die "missing host packages (${missing[*]}); install them or run as root"
	e2e_log "installing host packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
		e2e_apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	}
}

# e2e_arm64_visible PACKAGE: makes sure apt can download PACKAGE:arm64,
# adding the architecture and refreshing the indexes when it cannot.
e2e_arm64_visible() {
	local pkg=$1
	apt-cache show "$pkg:arm64" >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || e2e_die "$pkg:arm64 is not downloadable; as root run: dpkg --add-architecture arm64 && apt-get update"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		e2e_log "adding the arm64 architecture to dpkg"
		dpkg --add-architecture arm64
	fi
	e2e_apt_update
	apt-cache show "$pkg:arm64" >/dev/null 2>&1 || e2e_die "$pkg:arm64 still not downloadable after apt-get update"
}

# e2e_download DEST_DIR PKG...: `apt-get download` (no install) into DEST_DIR.
# apt-get download as root warns that it cannot drop to the _apt user when
# the folder is not writable by _apt; the warning is harmless.
e2e_download() {
	local dest=$1
	shift
	mkdir -p "$dest"
	(cd "$dest" && apt-get download -q "$@" 2>&1 | grep -v "unsandboxed as root" >&2) || true
	# apt-get's status is lost in the pipe: check that a .deb arrived per package.
	local p
	for p in "$@"; do
		ls "$dest/${p%%[:=]*}_"*.deb >/dev/null 2>&1 || e2e_die "apt-get download $p failed"
	done
}

# Is this file an uncompressed arm64 Image?  ("ARM\x64" at offset 0x38.)
e2e_is_arm64_image() {
	[ "$(od -An -c -j 56 -N 4 "$1" 2>/dev/null | tr -d ' ')" = 'ARMd' ]
}
