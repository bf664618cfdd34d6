#!/usr/bin/env bash
# Builds, once per machine, the Debian bookworm arm64 system image that
# system-kexec.sh and system-kdump.sh boot under qemu-system-aarch64 with
# UEFI: mmdebstrap (the arm64 programs run under qemu-user through
# binfmt_misc) with systemd, udev, kdump-tools, makedumpfile,
# initramfs-tools, Debian's cloud-arm64 kernel (the ABI package fetch-debian.sh
# resolves, so every e2e test boots the same kernel) and our kexec-arm
# package (tests/build-deb.sh) in place of kexec-tools.  Debian's kexec-tools
# binary sits beside it, not installed as a package, at
# /usr/local/lib/kexec-tools/kexec (its libraries installed as packages) for
# the benchmark that compares the two loaders in the same image.
#
# The disk (disk.raw, GPT, sparse):
#   1  EFI system partition (vfat, mkfs.vfat + mtools): systemd-boot as
#      \EFI\BOOT\BOOTAA64.EFI, loader.conf (timeout 0) and one entry with
#      the image's own /boot/vmlinuz-KVER and /boot/initrd.img-KVER and
#      root=PARTUUID=... ro console=ttyAMA0 crashkernel=256M
#   2  the root filesystem (ext4, mkfs.ext4 -d from the mmdebstrap folder:
#      no mount, no loop device)
# Configured for the tests: persistent journal; e2e-control.service
# (tests/e2e/system/) runs the control script of a disk labelled E2ECTL
# after multi-user.target, its output on the serial console ("E2E: ...");
# kdump-tools on (USE_KDUMP=1, cma=0 for the capture kernel, dumps in
# /var/crash) with its capture initrd made here, not in the guest; the
# initramfs holds the listed virtio modules only (MODULES=list), which
# also keeps mkinitramfs from probing this build machine's devices.
#
# Cache: ${KEXEC_E2E_CACHE:-/var/cache/kexec-arm-e2e}/system-image-KEY/, KEY a
# hash of the package list, this script, the files of tests/e2e/system/
# it installs (the scenarios' control scripts are not in the image), the sources
# that build our package and the resolved kernel package and version.  It
# holds disk.raw, image.env (KVER, ROOT_UUID, ROOT_PARTUUID, ROOT_OFFSET:
# the root partition's byte offset, ...), packages.txt (dpkg -l of the
# image), build-seconds, and stamp (written last: a folder without it is
# never used).  Scenarios never write to disk.raw: they boot a qcow2
# overlay (system-lib.sh).
#
# usage: tests/e2e/build-system-image.sh [--rebuild]
# stdout: the cache folder (and nothing else); logs on stderr.
# Root only (mmdebstrap's root mode, chroot, binfmt_misc).
set -euo pipefail
E2E_PROG=build-system-image # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

rebuild=no
while [ $# -gt 0 ]; do
	case $1 in
	--rebuild) rebuild=yes; shift ;;
	--customize) customize_root=$2; shift 2 ;; # mmdebstrap's hook: see below
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done

self=$e2e_dir/build-system-image.sh
sysdir=$e2e_dir/system
cache=${KEXEC_E2E_CACHE:-/var/cache/kexec-arm-e2e}
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
# The image's packages, besides the kernel, our package and kexec-tools'
# libraries (added below).  No Recommends.
packages=(systemd systemd-sysv udev dbus kmod e2fsprogs kdump-tools makedumpfile
	initramfs-tools systemd-boot-efi procps)
# The modules the initramfs and the capture initramfs hold (MODULES=list).
initrd_modules=(virtio_pci virtio_blk virtio_mmio)
kernel_cmdline_extra="console=ttyAMA0 crashkernel=256M"
esp_mib=160 root_mib=2048
# The files of tests/e2e/system/ that go into the image (the others go on
# the control disk of each run and are no part of the key).
image_files="e2e-control e2e-control.service"

# --- the customize hook: runs inside mmdebstrap with the root folder ---------
if [ -n "${customize_root:-}" ]; then
	r=$customize_root
	kver=$(find "$r/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | head -n 1)
	[ -n "$kver" ] || e2e_die "no /boot/vmlinuz-* in the image"
	install -m 0755 "$sysdir/e2e-control" "$r/usr/local/sbin/e2e-control"
	install -m 0644 "$sysdir/e2e-control.service" "$r/etc/systemd/system/e2e-control.service"
	chroot "$r" systemctl enable e2e-control.service >&2
	# Nothing runs that the tests do not need: apt's timers, the serial
	# getty (the host never logs in).
	chroot "$r" systemctl mask apt-daily.timer apt-daily-upgrade.timer \
		serial-getty@ttyAMA0.service e2scrub_all.timer fstrim.timer >&2 2>/dev/null || true
	mkdir -p "$r/var/log/journal" # persistent journal
	echo e2e >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\te2e\n' >"$r/etc/hosts"
	# kdump-tools: on; the capture kernel without CMA (ARM-BOOT-NOTES.md).
	kd=$r/etc/default/kdump-tools
	[ -f "$kd" ] || e2e_die "kdump-tools installed no /etc/default/kdump-tools"
	sed -i -E '/^#? *(USE_KDUMP|KDUMP_CMDLINE_APPEND|KDUMP_COREDIR)=/d' "$kd"
	cat >>"$kd" <<'EOF'
# tests/e2e/build-system-image.sh
USE_KDUMP=1
KDUMP_COREDIR="/var/crash"
KDUMP_CMDLINE_APPEND="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 cma=0"
EOF
	# kdump-config makes the capture initrd (its kernel hook, mkinitramfs)
	# when /var/lib/kdump/initrd.img is missing: make it now, not in the
	# guest under TCG.
	# kdump-config load also remakes it when /etc/kdump/sysctl.conf differs
	# from the copy it keeps: keep the copy it would make.
	if [ ! -f "$r/var/lib/kdump/initrd.img-$kver" ]; then
		chroot "$r" /etc/kernel/postinst.d/kdump-tools "$kver" >&2
	fi
	chroot "$r" kdump-config symlinks "$kver" >&2
	cp "$r/etc/kdump/sysctl.conf" "$r/var/lib/kdump/latest_sysctls-$kver"
	[ -f "$r/var/lib/kdump/initrd.img-$kver" ] || e2e_die "no kdump initrd for $kver"
	[ -f "$r/boot/initrd.img-$kver" ] || chroot "$r" update-initramfs -c -k "$kver" >&2
	# Debian's kexec-tools binary, unpacked beside ours (its libraries are
	# installed as packages).
	install -D -m 0755 "$E2E_KT_BIN" "$r/usr/local/lib/kexec-tools/kexec"
	chroot "$r" /usr/local/lib/kexec-tools/kexec --version >&2 ||
		e2e_die "Debian's kexec-tools does not run in the image (a library missing?)"
	chroot "$r" /sbin/kexec --version >&2 || e2e_die "our kexec does not run in the image"
	chroot "$r" dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' >"$E2E_PKGLIST"
	# The local repository of our package is gone after the build.
	grep -v 'copy://' "$r/etc/apt/sources.list" >"$r/etc/apt/sources.list.new" || true
	mv "$r/etc/apt/sources.list.new" "$r/etc/apt/sources.list"
	rm -f "$r/etc/machine-id" "$r/var/lib/dbus/machine-id"
	: >"$r/etc/machine-id" # systemd makes one at first boot
	exit 0
fi

# --- host checks ---------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || e2e_die "must run as root (mmdebstrap root mode, chroot, binfmt_misc)"
e2e_need_tools mmdebstrap:mmdebstrap arch-test:arch-test update-binfmts:binfmt-support \
	qemu-aarch64-static:qemu-user-static mkfs.vfat:dosfstools mcopy:mtools \
	mkfs.ext4:e2fsprogs sfdisk:fdisk flock:util-linux dpkg-scanpackages:dpkg-dev
# binfmt_misc: a fresh machine may have it unmounted or qemu-aarch64 off.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
	update-binfmts --enable qemu-aarch64 >&2 2>/dev/null || true
fi
arch-test arm64 >/dev/null 2>&1 ||
	e2e_die "arm64 binaries cannot run on this machine (binfmt_misc mounted: $([ -e /proc/sys/fs/binfmt_misc/register ] && echo yes || echo no), qemu-aarch64 registered: $([ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && echo yes || echo no)); install qemu-user-static and binfmt-support"

# --- the cache key --------------------------------------------------------------
e2e_arm64_visible linux-image-cloud-arm64
kpkg=$(apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-cloud-arm64\)\(:.*\)*$/\1/p' | head -n 1)
[ -n "$kpkg" ] || e2e_die "cannot resolve the kernel package of linux-image-cloud-arm64:arm64"
kpkg_version=$(apt-cache policy "$kpkg:arm64" | sed -n 's/^ *Candidate: //p')
# kexec-tools' libraries (its Depends that are libraries), installed as
# packages so that its binary finds them.
mapfile -t kt_libs < <(apt-cache depends "kexec-tools:arm64" |
	sed -n 's/^ *Depends: \(lib[^ <>:]*\)\(:arm64\)\{0,1\}$/\1/p' | grep -v '^libc6$' | sort -u)
# What our package is built from: the working tree as tests/build-deb.sh
# copies it, but the tests and docs.
sources_hash() {
	(cd "$e2e_top" && git ls-files -z -c -o --exclude-standard |
		tr '\0' '\n' | grep -v -E '^(tests|docs)/' | { cat; echo tests/build-deb.sh; } |
		LC_ALL=C sort -u | while IFS= read -r f; do [ -f "$f" ] && sha256sum "$f"; done) |
		sha256sum | cut -c1-64
}
key=$({
	echo "${packages[*]} | ${kt_libs[*]} | ${initrd_modules[*]} | $kernel_cmdline_extra"
	echo "$kpkg $kpkg_version"
	sha256sum <"$self"
	# shellcheck disable=SC2086 # a list of names
	(cd "$sysdir" && sha256sum $image_files)
	sources_hash
} | sha256sum | cut -c1-16)
final=$cache/system-image-$key
if [ $rebuild = no ] && [ -f "$final/stamp" ]; then
	e2e_log "cached: $final (built in $(cat "$final/build-seconds") s)"
	echo "$final"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/system-image.lock"
if ! flock -n 9; then
	e2e_log "another build holds $cache/system-image.lock; waiting"
	flock 9
fi
if [ $rebuild = no ] && [ -f "$final/stamp" ]; then # built while we waited
	echo "$final"
	exit 0
fi
rm -rf "$final" "$cache"/.system-image-*
t0=$EPOCHREALTIME
tmp=$(mktemp -d "${TMPDIR:-/tmp}/system-image.XXXXXX")
stage=$(mktemp -d "$cache/.system-image-$key.XXXXXX")
trap 'rm -rf "$tmp" "$stage"' EXIT

# --- our package and kexec-tools' binary ------------------------------------------
e2e_log "building our package (tests/build-deb.sh --arch arm64)"
deb=$("$e2e_top/tests/build-deb.sh" --arch arm64 "$tmp/deb" 2>"$tmp/build-deb.log") ||
	{ tail -n 30 "$tmp/build-deb.log" >&2; e2e_die "tests/build-deb.sh failed"; }
e2e_download "$tmp/kt" kexec-tools:arm64
dpkg-deb -x "$tmp"/kt/kexec-tools_*.deb "$tmp/kt/x"
[ -x "$tmp/kt/x/sbin/kexec" ] || e2e_die "kexec-tools:arm64 has no /sbin/kexec"

# --- mmdebstrap ------------------------------------------------------------------------
root=$tmp/root
e2e_log "mmdebstrap: bookworm arm64, $kpkg, our $(basename "$deb"), ${packages[*]} ${kt_libs[*]}"
include=$(printf '%s,' "${packages[@]}" "${kt_libs[@]}" "$kpkg")kexec-arm
# Our package comes from a local repository (dpkg inside the chroot cannot
# see a .deb path of this machine; apt's copy:// method copies the .deb
# into the chroot's archive cache, where dpkg finds it).
mkdir -p "$tmp/repo"
cp "$deb" "$tmp/repo/"
(cd "$tmp/repo" && dpkg-scanpackages --multiversion . >Packages 2>/dev/null) ||
	e2e_die "dpkg-scanpackages failed"
# The modules list and MODULES=list must be in place before the kernel's
# postinst runs mkinitramfs.
setup_hook="mkdir -p \"\$1/etc/initramfs-tools/conf.d\" \"\$1/usr/share/initramfs-tools/modules.d\" &&
	echo MODULES=list >\"\$1/etc/initramfs-tools/conf.d/e2e-modules\" &&
	printf '%s\n' ${initrd_modules[*]} >\"\$1/usr/share/initramfs-tools/modules.d/e2e-virtio\""
t=$EPOCHREALTIME
E2E_KT_BIN=$tmp/kt/x/sbin/kexec E2E_PKGLIST=$stage/packages.txt KEXEC_E2E_CACHE=$cache \
mmdebstrap --variant=apt --architectures=arm64 --mode=root --format=directory \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--include="$include" \
	--setup-hook="$setup_hook" \
	--customize-hook="\"$self\" --customize \"\$1\"" \
	bookworm "$root" \
	"deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
	"deb $security bookworm-security main" "deb [trusted=yes] copy://$tmp/repo ./" \
	>"$tmp/mmdebstrap.log" 2>&1 ||
	{ tail -n 40 "$tmp/mmdebstrap.log" >&2; e2e_die "mmdebstrap failed (log: $tmp/mmdebstrap.log)"; }
t_mmdebstrap=$(printf '%.0f' "$(echo "$EPOCHREALTIME - $t" | bc)")
kver=${kpkg#linux-image-}
[ -f "$root/boot/vmlinuz-$kver" ] || e2e_die "the image has no /boot/vmlinuz-$kver"
[ -f "$root/boot/initrd.img-$kver" ] || e2e_die "the image has no /boot/initrd.img-$kver"
grep -q '^kexec-arm ' "$stage/packages.txt" || e2e_die "kexec-arm is not installed in the image"
! grep -q '^kexec-tools ' "$stage/packages.txt" || e2e_die "kexec-tools got installed as a package"
e2e_log "mmdebstrap took $t_mmdebstrap s; $(du -sh "$root" | cut -f1) in the root"

# --- filesystems and the disk ---------------------------------------------------
root_uuid=$(cat /proc/sys/kernel/random/uuid)
root_partuuid=$(cat /proc/sys/kernel/random/uuid)
esp_partuuid=$(cat /proc/sys/kernel/random/uuid)
cmdline="root=PARTUUID=$root_partuuid ro $kernel_cmdline_extra"
printf 'UUID=%s\t/\text4\terrors=remount-ro\t0\t1\n' "$root_uuid" >"$root/etc/fstab"

# ESP: FAT32 made whole in a file, then written into the disk.
esp=$tmp/esp.img
mkfs.vfat -F 32 -n ESP -C "$esp" $((esp_mib * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
mcopy -i "$esp" "$root/usr/lib/systemd/boot/efi/systemd-bootaa64.efi" ::/EFI/BOOT/BOOTAA64.EFI
mcopy -i "$esp" "$root/boot/vmlinuz-$kver" "::/vmlinuz-$kver"
mcopy -i "$esp" "$root/boot/initrd.img-$kver" "::/initrd.img-$kver"
printf 'default e2e.conf\ntimeout 0\neditor no\nrandom-seed-mode off\n' >"$tmp/loader.conf"
printf 'title Debian bookworm e2e (%s)\nlinux /vmlinuz-%s\ninitrd /initrd.img-%s\noptions %s\n' \
	"$kver" "$kver" "$kver" "$cmdline" >"$tmp/e2e.conf"
mcopy -i "$esp" "$tmp/loader.conf" ::/loader/loader.conf
mcopy -i "$esp" "$tmp/e2e.conf" ::/loader/entries/e2e.conf

rootfs=$tmp/root.ext4
e2e_log "mkfs.ext4 -d (${root_mib} MiB)"
mkfs.ext4 -q -F -L e2e-root -U "$root_uuid" -d "$root" "$rootfs" "${root_mib}M" >/dev/null ||
	e2e_die "mkfs.ext4 -d failed"
e2fsck -fn "$rootfs" >"$tmp/e2fsck.log" 2>&1 || { cat "$tmp/e2fsck.log" >&2; e2e_die "e2fsck finds the new root filesystem broken"; }

# GPT: 1 MiB, the ESP, the root, 1 MiB for the backup table.
disk=$stage/disk.raw
esp_start=2048 root_start=$((2048 + esp_mib * 2048))
truncate -s $(((2 + esp_mib + root_mib) * 1024 * 1024)) "$disk"
sfdisk -q "$disk" >&2 <<EOF
label: gpt
start=$esp_start, size=$((esp_mib * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$esp_partuuid, name=ESP
start=$root_start, size=$((root_mib * 2048)), type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE, uuid=$root_partuuid, name=root
EOF
dd if="$esp" of="$disk" bs=1M seek=$((esp_start / 2048)) conv=notrunc,sparse status=none
dd if="$rootfs" of="$disk" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none
build_seconds=$(printf '%.0f' "$(echo "$EPOCHREALTIME - $t0" | bc)")
cat >"$stage/image.env" <<EOF
KVER=$kver
KPKG=$kpkg
KPKG_VERSION=$kpkg_version
ROOT_UUID=$root_uuid
ROOT_PARTUUID=$root_partuuid
ROOT_OFFSET=$((root_start * 512))
ROOT_SIZE=$((root_mib * 1024 * 1024))
CMDLINE="$cmdline"
EOF
echo "$build_seconds" >"$stage/build-seconds"
{
	echo "key=$key"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "build_seconds=$build_seconds mmdebstrap_seconds=$t_mmdebstrap"
	echo "our_deb=$(basename "$deb") sha256=$(sha256sum <"$deb" | cut -c1-64)"
} >"$stage/stamp.tmp"
chmod 755 "$stage"
mv "$stage/stamp.tmp" "$stage/stamp"
mv -T "$stage" "$final"
# Every source change makes a new key: keep this image and the one before
# (another checkout may still use it), not every image ever built.
ls -dt "$cache"/system-image-*/ 2>/dev/null | tail -n +3 | while read -r old; do
	e2e_log "removing an older image: $old"
	rm -rf "$old"
done
e2e_log "image: $final/disk.raw ($(du -h "$final/disk.raw" | cut -f1) used); built in $build_seconds s (mmdebstrap $t_mmdebstrap s)"
echo "$final"
