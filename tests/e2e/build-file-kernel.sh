#!/usr/bin/env bash
# Builds, once per machine, the small arm64 kernel the kexec_file_load(2)
# end-to-end tests boot: Debian's arm64 kernels have CONFIG_KEXEC_FILE off.
# Debian's linux-source-6.1, `make ARCH=arm64 allnoconfig` plus the fragment
# tests/e2e/file-kernel.config (merge_config.sh -m, olddefconfig; every line
# of the fragment is then checked in .config), cross-compiled with
# aarch64-linux-gnu-gcc out of tree, its Image signed with sbsign by a test
# key whose certificate is built into the kernel's trusted keyring.
#
# Cache: ${KEXEC_E2E_CACHE:-tests/e2e/.cache}/file-kernel-KEY/, KEY a hash of
# the fragment, this script, mkzboot.sh, the linux-source-6.1 package version
# and the cross compiler's version.  It holds
#   Image               the kernel, unsigned (a PE file: EFI stub)
#   Image.signed        Image signed by sbsign (Authenticode, SHA-256)
#   Image.signed.gz     gzip -9n of Image.signed
#   vmlinuz.signed.efi  EFI zboot (zstd) of Image.signed, as
#                       make-kernel-formats.sh makes (tests/fixtures/formats/mkzboot.sh)
#   vmlinux             the ELF kernel (no debug info)
#   config              its .config (also in the guest's /proc/config.gz)
#   signing.crt         the test certificate (PEM), in the trusted keyring
#   signing.key         its private key (PEM, unencrypted)
#   build-seconds       the wall time of the kernel's make, in seconds
#   stamp               written last: a folder without it is never used
# The folder is built under another name and renamed into place; a run that
# finds it (with its stamp) only prints it.  The extracted source and the
# object tree are deleted after the build.
#
# usage: tests/e2e/build-file-kernel.sh [--jobs N]
# stdout: the cache folder (and nothing else); logs on stderr.
# Installs what it needs with apt-get when run as root (linux-source-6.1,
# flex, bison, bc, libssl-dev, sbsigntool, openssl, the cross compiler).
set -euo pipefail
E2E_PROG=build-file-kernel # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

jobs=$(nproc)
while [ $# -gt 0 ]; do
	case $1 in
	--jobs) jobs=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done

fragment=$e2e_dir/file-kernel.config
self=$e2e_dir/build-file-kernel.sh
mkzboot=$e2e_top/tests/fixtures/formats/mkzboot.sh
src_pkg=linux-source-6.1
src_tar=/usr/src/$src_pkg.tar.xz
cross=aarch64-linux-gnu-
case $e2e_cache in /*) ;; *) e2e_cache=$PWD/$e2e_cache ;; esac

# The cache key: what the outputs are made from.  Empty versions (package or
# compiler missing) give a key that is never built, so the slow path runs.
cache_key() {
	{
		sha256sum <"$fragment"
		sha256sum <"$self"
		sha256sum <"$mkzboot"
		echo "$src_pkg $(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null || true)"
		"${cross}gcc" --version 2>/dev/null | head -n 1 || true
	} | sha256sum | cut -c1-16
}
cached() { [ -f "$1/stamp" ]; }

key=$(cache_key)
final=$e2e_cache/file-kernel-$key
if cached "$final"; then
	echo "$final"
	exit 0
fi

# --- the slow path: tools, then build under a lock ----------------------------
t_install=$EPOCHREALTIME
# linux-source-6.1 and libssl-dev have no command to look for: the ones dpkg
# does not list as installed go to e2e_need_tools as commands that never exist.
pkgs=()
for p in "$src_pkg" libssl-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		pkgs+=("/nonexistent/$p:$p")
done
e2e_need_tools "${pkgs[@]}" make:make gcc:gcc "${cross}gcc:gcc-aarch64-linux-gnu" \
	flex:flex bison:bison bc:bc openssl:openssl sbsign:sbsigntool sbverify:sbsigntool \
	xz:xz-utils gzip:gzip zstd:zstd flock:util-linux
[ -f "$src_tar" ] || e2e_die "$src_pkg is installed but $src_tar is missing"
t_install=$(printf '%.1f' "$(echo "$EPOCHREALTIME - $t_install" | bc)")

mkdir -p "$e2e_cache"
key=$(cache_key) # the package or compiler may just have been installed
final=$e2e_cache/file-kernel-$key
exec 9>"$e2e_cache/file-kernel.lock"
if ! flock -n 9; then
	e2e_log "another build holds $e2e_cache/file-kernel.lock; waiting"
	flock 9
fi
if cached "$final"; then # built while we waited
	echo "$final"
	exit 0
fi
# A folder by the final name without its stamp is not ours to trust, nor
# are the leftovers of builds that were killed (none runs: we hold the lock).
rm -rf "$final" "$e2e_cache"/.file-kernel-*

tmp=$(mktemp -d "${TMPDIR:-/tmp}/file-kernel.XXXXXX")
stage=$(mktemp -d "$e2e_cache/.file-kernel-$key.XXXXXX")
trap 'rm -rf "$tmp" "$stage"' EXIT
src=$tmp/$src_pkg
obj=$tmp/obj
mkdir -p "$obj"

e2e_log "extracting $src_tar"
t=$EPOCHREALTIME
tar -C "$tmp" -xf "$src_tar"
[ -f "$src/Makefile" ] || e2e_die "$src_tar did not unpack to $src_pkg/"
t_extract=$(printf '%.1f' "$(echo "$EPOCHREALTIME - $t" | bc)")

# The test signing key: RSA 2048, self-signed, code signing.
e2e_log "making the test signing key"
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \
	-subj "/CN=kexec-arm e2e kexec_file_load test key/" \
	-addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" \
	-keyout "$stage/signing.key" -out "$stage/signing.crt" 2>/dev/null ||
	e2e_die "openssl could not make the signing key"
cp "$stage/signing.crt" "$obj/signing.crt" # CONFIG_SYSTEM_TRUSTED_KEYS="signing.crt"

kmake() {
	make -s -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE="$cross" \
		KBUILD_BUILD_USER=kexec-e2e KBUILD_BUILD_HOST=kexec-e2e "$@" >&2
}

# --- configure: allnoconfig + fragment, then check every line survived --------
e2e_log "configuring (allnoconfig + $(basename "$fragment"))"
kmake allnoconfig
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >"$tmp/merge.log" 2>&1) ||
	{ cat "$tmp/merge.log" >&2; e2e_die "merge_config.sh failed"; }
kmake olddefconfig
dropped=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		name=${line%%=*}
		grep -qxF -- "$line" "$obj/.config" ||
			dropped+=("$line (.config: $(grep -m1 -E "^(# )?${name}[= ]" "$obj/.config" || echo 'absent'))") ;;
	'# CONFIG_'*' is not set')
		name=${line#\# }
		name=${name%% *}
		if grep -q "^$name=" "$obj/.config"; then
			dropped+=("$line (.config: $(grep -m1 "^$name=" "$obj/.config"))")
		fi ;;
	esac
done <"$fragment"
if [ ${#dropped[@]} -gt 0 ]; then
	for line in "${dropped[@]}"; do e2e_log "dropped by Kconfig: $line"; done
	e2e_die "${#dropped[@]} option(s) of $(basename "$fragment") did not survive olddefconfig (a dependency missing from the fragment, or a select or def_bool forcing it): ${dropped[*]%% (*}"
fi
e2e_log "every option of $(basename "$fragment") is in .config"

# --- build ---------------------------------------------------------------------
e2e_log "building Image with $jobs jobs (${cross}gcc: $("${cross}gcc" -dumpfullversion))"
# bash's `time`: wall, user and system seconds of the make.  A wall time far
# above CPU / jobs means other work shared the machine.
TIMEFORMAT='%R %U %S'
{ time kmake -j"$jobs" Image 2>&3; } 3>&2 2>"$tmp/time" || e2e_die "the kernel build failed"
read -r wall user sys <"$tmp/time"
build_seconds=$(printf '%.1f' "$wall")
cpu_seconds=$(printf '%.1f' "$(echo "$user + $sys" | bc)")
e2e_log "kernel built in $build_seconds s (CPU: user $user s + system $sys s)"
e2e_is_arm64_image "$obj/arch/arm64/boot/Image" || e2e_die "the build made no arm64 Image"
cp "$obj/arch/arm64/boot/Image" "$stage/Image"
cp "$obj/vmlinux" "$stage/vmlinux"
cp "$obj/.config" "$stage/config"
rm -rf "$src" "$obj" # the source and objects take about 2 GB

# --- sign and wrap ---------------------------------------------------------------
e2e_log "signing Image"
sbsign --key "$stage/signing.key" --cert "$stage/signing.crt" \
	--output "$stage/Image.signed" "$stage/Image" >"$tmp/sbsign.log" 2>&1 ||
	{ cat "$tmp/sbsign.log" >&2; e2e_die "sbsign failed"; }
sbverify --cert "$stage/signing.crt" "$stage/Image.signed" >"$tmp/sbverify.log" 2>&1 ||
	{ cat "$tmp/sbverify.log" >&2; e2e_die "sbverify does not accept Image.signed"; }
e2e_is_arm64_image "$stage/Image.signed" || e2e_die "Image.signed lost the arm64 Image header"
gzip -9 -n -c "$stage/Image.signed" >"$stage/Image.signed.gz"
"$mkzboot" zstd "$stage/Image.signed" "$stage/vmlinuz.signed.efi"
echo "$build_seconds" >"$stage/build-seconds"
{
	echo "key=$key"
	echo "$src_pkg=$(dpkg-query -W -f='${Version}' "$src_pkg")"
	echo "cc=$("${cross}gcc" --version | head -n 1)"
	echo "release=$(grep -a -m1 -o 'Linux version [^ ]*' "$stage/Image" | cut -d' ' -f3 || true)"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "build_seconds=$build_seconds build_cpu_seconds=$cpu_seconds jobs=$jobs"
	echo "extract_seconds=$t_extract install_seconds=$t_install"
} >"$stage/stamp.tmp"
chmod 755 "$stage"
mv "$stage/stamp.tmp" "$stage/stamp"
mv -T "$stage" "$final"
e2e_log "cache: $final ($(du -sh "$final" | cut -f1)); build $build_seconds s (CPU $cpu_seconds s), extract $t_extract s, installs $t_install s"
echo "$final"
