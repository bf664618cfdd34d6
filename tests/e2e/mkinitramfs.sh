#!/usr/bin/env bash
# Builds a gzip'd newc cpio initramfs: a static busybox, an /init script and
# any extra files or directory trees.
#
# No device nodes are created (that would need mknod): the kernel's built-in
# initramfs (CONFIG_INITRAMFS_SOURCE="", Debian's case) already provides
# /dev/console, and our /init mounts devtmpfs on /dev for everything else.
# Busybox applets are reached through `busybox --install -s` in /init, so
# only /bin/sh is linked here.
#
# usage: tests/e2e/mkinitramfs.sh --busybox PATH --init SCRIPT --out FILE
#            [--file SRC:DEST]... [--tree DIR]...
#   --file SRC:DEST  copy SRC to DEST inside the image (DEST absolute)
#   --tree DIR       copy the contents of DIR into the image's root
set -euo pipefail
E2E_PROG=mkinitramfs # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

busybox="" init="" out=""
files=() trees=()
while [ $# -gt 0 ]; do
	case $1 in
	--busybox) busybox=$2; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--tree) trees+=("$2"); shift 2 ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done
[ -n "$busybox" ] && [ -n "$init" ] && [ -n "$out" ] || e2e_die "need --busybox, --init and --out"
[ -f "$busybox" ] || e2e_die "no busybox at $busybox"
[ -f "$init" ] || e2e_die "no init script at $init"
e2e_need_tools cpio:cpio gzip:gzip

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc}
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$init" "$stage/init"
chmod 755 "$stage/init"
for t in "${trees[@]}"; do
	[ -d "$t" ] || e2e_die "--tree $t is not a directory"
	cp -a "$t/." "$stage/"
done
for f in "${files[@]}"; do
	src=${f%%:*} dest=${f#*:}
	[ -f "$src" ] || e2e_die "--file: no $src"
	case $dest in /*) ;; *) e2e_die "--file: $dest must be absolute" ;; esac
	mkdir -p "$stage$(dirname "$dest")"
	cp "$src" "$stage$dest"
done
rm -f "$stage/.complete"

mkdir -p "$(dirname "$out")"
# Owned by root inside the image whoever builds it; sorted for stable output.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -6 -n >"$out.tmp"
mv "$out.tmp" "$out"
e2e_log "$out: $(du -h "$out" | cut -f1)"
