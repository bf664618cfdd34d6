#!/usr/bin/env bash
# Downloads (apt-get download, never installs) and unpacks (dpkg-deb -x) the
# Debian bookworm dump tools the kdump harnesses run on a dump made with our
# `kexec -p` (--dump-tools of arm64-kdump.sh and arm-kdump.sh):
#   --guest    makedumpfile (package makedumpfile) and vmcore-dmesg (package
#              kexec-tools) for ARCH, with the shared libraries their ELF
#              NEEDED entries reach, as a tree for the capture initramfs
#              (usr/sbin/makedumpfile, usr/sbin/vmcore-dmesg, lib/LDSO,
#              lib/TRIPLET/*.so.*);
#   --modules  the kernel's modules that give the capture kernel a virtio
#              disk on QEMU's virtio-mmio (Debian builds virtio_blk as a
#              module), with their dependencies, and a load order;
#   --crash    crash (package crash) for ARCH with its libraries, unpacked
#              as a sysroot for qemu-user: qemu-aarch64 -L ROOT ROOT/usr/bin/crash;
#   --vmlinux  the vmlinux with debug info of the kernel that crashed, from
#              linux-image-ABI-FLAVOUR-dbg at the kernel's exact version (only
#              that one file is taken out of the ~260-620 MB .deb).
# The kernel is the one fetch-debian.sh unpacked: --kernel IMAGE, its
# /boot/vmlinuz-*; the version comes from its changelog.Debian.gz.
#
# Cache: ${KEXEC_E2E_CACHE:-<repo>/tests/e2e/.cache}/debian-ARCH/: dump-tools/,
# crash/, kmod-KPKG-VERSION/, vmlinux-KPKG-VERSION/.  Idempotent: each carries a .complete stamp (its
# package list) and is not fetched again; a cached run asks apt nothing.
#
# usage: tests/e2e/fetch-dump-tools.sh --arch arm64|armhf --kernel IMAGE
#            [--guest] [--modules] [--crash] [--vmlinux]
# stdout: one "WHAT PATH" line per request: "guest DIR" (DIR/tree: the
# files for the initramfs; DIR/versions: the packages' versions), "modules
# DIR" (DIR/tree: the .ko files; DIR/load-order: their paths in that tree,
# in insmod order), "crash DIR" (the sysroot), "vmlinux FILE".
set -euo pipefail
E2E_PROG=fetch-dump-tools # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

arch="" kernel="" want_guest=no want_modules=no want_crash=no want_vmlinux=no
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--guest) want_guest=yes; shift ;;
	--modules) want_modules=yes; shift ;;
	--crash) want_crash=yes; shift ;;
	--vmlinux) want_vmlinux=yes; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
case $arch in
arm64) triplet=aarch64-linux-gnu ldso=ld-linux-aarch64.so.1 ;;
armhf) triplet=arm-linux-gnueabihf ldso=ld-linux-armhf.so.3 ;;
*) e2e_die "--arch must be arm64 or armhf" ;;
esac
if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
	e2e_die "need --kernel IMAGE (the vmlinuz fetch-debian.sh printed)"
fi
kdir=$(cd "$(dirname "$kernel")/.." && pwd)
kpkg=$(basename "$kdir")
kpkg=${kpkg#kernel-}
case $kpkg in linux-image-*) ;; *) e2e_die "$kernel is not inside fetch-debian.sh's kernel-linux-image-* folder" ;; esac
# The package version: in an uncompressed Image's banner ("... SMP Debian
# 6.1.192-3 ..."; arm64's changelog is linux-signed-arm64's, 6.1.192+3),
# else the first line of the linux source's changelog.Debian.gz (armhf).
kver=$(grep -a -o -m1 'Linux version [^%]*SMP Debian [^ ]*' "$kernel" 2>/dev/null | head -n 1 | sed 's/.* Debian //' || true)
[ -n "$kver" ] || kver=$(zcat "$kdir/usr/share/doc/$kpkg/changelog.Debian.gz" 2>/dev/null |
	sed -n '1s/^linux (\([^)]*\)).*/\1/p')
[ -n "$kver" ] || e2e_die "cannot tell $kpkg's version (no banner in $kernel, no changelog.Debian.gz)"
krel=${kpkg#linux-image-}

e2e_need_tools apt-get:apt dpkg-deb:dpkg readelf:binutils tar:tar modinfo:kmod
dir=$(e2e_debian_for "$arch")
mkdir -p "$dir"

# closure_pkgs PKG: the library packages of PKG's dependency closure.
closure_pkgs() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$1:$arch" |
		grep -E "^(lib|zlib1g)[^ <]*:$arch\$" | sort -u
}

# unpack_all NAME PKG...: downloads PKG... and unpacks them into $dir/NAME
# unless its .complete stamp lists exactly these packages.
unpack_all() {
	local name=$1 d=$dir/$1 deb
	shift
	[ "$(cat "$d/.complete" 2>/dev/null)" = "$*" ] && return 0
	rm -rf "$d" "$d.debs"
	e2e_download "$d.debs" "$@"
	mkdir -p "$d"
	for deb in "$d.debs"/*.deb; do
		dpkg-deb -x "$deb" "$d"
	done
	rm -rf "$d.debs"
	echo "$*" >"$d/.complete"
}

# min_tree ROOT MIN BIN...: copies BIN... (paths inside ROOT) to MIN at the
# same paths, with every shared library their NEEDED entries reach, into
# MIN/lib/$triplet (Debian's ld.so searches it without an ld.so.cache), and
# the dynamic loader as MIN/lib/$ldso.
min_tree() {
	local root=$1 min=$2 b f so src d
	shift 2
	rm -rf "$min"
	mkdir -p "$min/lib/$triplet"
	local todo=()
	for b in "$@"; do
		mkdir -p "$min/$(dirname "$b")" "$min/usr/sbin"
		cp "$root/$b" "$min/$b"
		todo+=("$min/$b")
	done
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$min/lib/$triplet/$so" ] && continue
			src=""
			for d in "lib/$triplet" "usr/lib/$triplet" lib usr/lib; do
				[ -e "$root/$d/$so" ] && { src=$root/$d/$so; break; }
			done
			[ -n "$src" ] || e2e_die "$(basename "$f") needs $so, not in the downloaded packages"
			cp -L "$src" "$min/lib/$triplet/$so"
			todo+=("$min/lib/$triplet/$so")
		done
	done
	for d in "lib/$triplet" lib; do
		[ -e "$root/$d/$ldso" ] && { cp -L "$root/$d/$ldso" "$min/lib/$ldso"; break; }
	done
	[ -e "$min/lib/$ldso" ] || e2e_die "no $ldso in the downloaded libc6:$arch"
}

# --- makedumpfile and vmcore-dmesg for the capture initramfs ------------------
if [ $want_guest = yes ] && [ ! -f "$dir/dump-tools/.complete" ]; then
	e2e_arch_visible "$arch" makedumpfile
	e2e_arch_visible "$arch" kexec-tools
	mapfile -t libs < <({ closure_pkgs makedumpfile; closure_pkgs kexec-tools; } | sort -u)
	unpack_all dump-tools-root "makedumpfile:$arch" "kexec-tools:$arch" "${libs[@]}"
	root=$dir/dump-tools-root min=$dir/dump-tools/tree
	if [ "$(cat "$dir/dump-tools/.complete" 2>/dev/null)" != "$(cat "$root/.complete")" ]; then
		# bookworm has them in /usr/bin and /sbin: both go to /usr/sbin.
		bins=()
		for b in makedumpfile vmcore-dmesg; do
			f=""
			for d in usr/sbin sbin usr/bin bin; do
				[ -e "$root/$d/$b" ] && { f=$d/$b; break; }
			done
			[ -n "$f" ] || e2e_die "no $b in makedumpfile:$arch / kexec-tools:$arch"
			bins+=("$f")
		done
		min_tree "$root" "$min" "${bins[@]}"
		for f in "${bins[@]}"; do
			[ "${f%/*}" = usr/sbin ] || mv "$min/$f" "$min/usr/sbin/"
			rmdir "$min/${f%/*}" 2>/dev/null || true
		done
		# The versions, for the report.
		for p in makedumpfile kexec-tools; do
			zcat "$root/usr/share/doc/$p/changelog.Debian.gz" | sed -n "1s/^[^(]*(\\([^)]*\\)).*/$p \\1/p"
		done >"$dir/dump-tools/versions"
		cp "$root/.complete" "$dir/dump-tools/.complete"
		rm -rf "$root"  # 40-70 MB of packages; only the tree is used
		e2e_log "dump tools for the guest: $(cd "$min" && find . -type f ! -name .complete | sort | tr '\n' ' ')"
	fi
fi
[ $want_guest = no ] || echo "guest $dir/dump-tools"

# --- the kernel's virtio disk modules -----------------------------------------
# virtio_blk and what it depends on (modinfo's depends=), from the kernel
# package at the exact version fetch-debian.sh unpacked (it drops the modules).
if [ $want_modules = yes ]; then
	kmod=$dir/kmod-$kpkg-$kver
	if [ ! -f "$kmod/.complete" ]; then
		e2e_arch_visible "$arch" "$kpkg"
		rm -rf "$kmod" "$kmod.debs" "$kmod.all"
		e2e_download "$kmod.debs" "$kpkg:$arch=$kver"
		mkdir -p "$kmod.all"
		dpkg-deb --fsys-tarfile "$kmod.debs"/*.deb |
			tar -x -C "$kmod.all" --wildcards "./lib/modules/*/kernel/drivers/virtio/*" \
				"./lib/modules/*/kernel/drivers/block/virtio_blk.ko*" \
				"./lib/modules/*/modules.builtin"
		order=()
		# add_mod NAME: NAME's dependencies first, then NAME (none if built in).
		add_mod() {
			local m=$1 f dep
			for f in "${order[@]}"; do [ "$(basename "${f%%.ko*}")" != "$m" ] || return 0; done
			f=$(cd "$kmod.all" && find lib/modules -name "$m.ko*" | head -n 1)
			if [ -z "$f" ]; then
				grep -q "/$m.ko\$" "$kmod.all"/lib/modules/*/modules.builtin ||
					e2e_die "$kpkg has no module $m and does not build it in"
				return 0
			fi
			for dep in $(modinfo -F depends "$kmod.all/$f" | tr ',' ' '); do add_mod "$dep"; done
			order+=("$f")
		}
		add_mod virtio_mmio
		add_mod virtio_blk
		mkdir -p "$kmod"
		for f in "${order[@]}"; do
			case $f in *.ko) ;; *) e2e_die "$f: a compressed module (busybox insmod takes .ko)" ;; esac
			mkdir -p "$kmod/tree/$(dirname "$f")"
			cp "$kmod.all/$f" "$kmod/tree/$f"
			echo "/$f"
		done >"$kmod/load-order"
		rm -rf "$kmod.debs" "$kmod.all"
		echo "$kpkg=$kver" >"$kmod/.complete"
		e2e_log "virtio disk modules ($kpkg $kver): $(tr '\n' ' ' <"$kmod/load-order")"
	fi
	echo "modules $kmod"
fi

# --- crash, for the host (qemu-user) ------------------------------------------
if [ $want_crash = yes ]; then
	if [ ! -f "$dir/crash/.complete" ]; then
		e2e_arch_visible "$arch" crash
		mapfile -t libs < <(closure_pkgs crash)
		unpack_all crash "crash:$arch" "${libs[@]}"
	fi
	[ -x "$dir/crash/usr/bin/crash" ] || e2e_die "crash:$arch has no /usr/bin/crash"
	echo "crash $dir/crash"
fi

# --- the crashed kernel's vmlinux ---------------------------------------------
# Keyed by package and version: crash refuses a vmlinux whose linux_banner
# differs from the dump's.
if [ $want_vmlinux = yes ]; then
	vdir=$dir/vmlinux-$kpkg-$kver
	if [ ! -f "$vdir/.complete" ]; then
		dbg=$kpkg-dbg
		e2e_arch_visible "$arch" "$dbg"
		rm -rf "$vdir" "$vdir.debs"
		e2e_download "$vdir.debs" "$dbg:$arch=$kver"
		mkdir -p "$vdir"
		# tar stops at the file (dpkg-deb then dies of SIGPIPE: its status
		# says nothing); what came out is checked instead.
		{ dpkg-deb --fsys-tarfile "$vdir.debs"/*.deb 2>/dev/null |
			tar -x -O --occurrence=1 "./usr/lib/debug/boot/vmlinux-$krel" >"$vdir/vmlinux.tmp"; } || true
		# (No grep -q: under pipefail, readelf's SIGPIPE would fail the test.)
		# shellcheck disable=SC2143
		[ -n "$(readelf -S "$vdir/vmlinux.tmp" 2>/dev/null | grep '\.debug_info')" ] ||
			e2e_die "$dbg has no /usr/lib/debug/boot/vmlinux-$krel with debug info"
		mv "$vdir/vmlinux.tmp" "$vdir/vmlinux"
		rm -rf "$vdir.debs"
		echo "$dbg=$kver" >"$vdir/.complete"
		e2e_log "vmlinux of $kpkg $kver: $(du -h "$vdir/vmlinux" | cut -f1)"
	fi
	echo "vmlinux $vdir/vmlinux"
fi
