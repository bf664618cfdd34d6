#!/usr/bin/env bash
# Every known caller of kexec, with the argv each program builds, run as a
# dry run for arm64 (--dry-run --arch=arm64; a --dtb fixture where the
# caller passes none and kexec_load(2) is planned, as a dry run for another
# machine has no /sys/firmware/fdt).  Each case checks what the plan says
# the argv means: the action, the kernel and initrd files, the next
# kernel's exact command line, and the syscall.  Each cites where its argv
# is built.  Then the kexec-tools options that some callers pass.
# Prints ok / not ok lines; exits 1 if any check failed.
set -uo pipefail

kexec=${KEXEC:-$(dirname "$0")/../../kexec/kexec}
fixtures=${FIXTURES_DIR:-$(dirname "$0")/../fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tap.sh
. "$(dirname "$0")/tap.sh"

K=$tmp/vmlinuz-6.1.0-arm64   # an arm64 Image (8 KiB fixture)
I=$tmp/initrd.img-6.1.0-arm64
D=$tmp/virt.dtb               # bootargs "console=ttyAMA0 root=/dev/vda2"
cp "$fixtures/formats/Image" "$K"
cp "$fixtures/dtb/qemu-virt.dtb" "$D"
head -c 70000 /dev/urandom >"$I"
chmod 0755 "$tmp"

run() {
	"$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}
dry() { run --dry-run --arch=arm64 "$@"; }

# plan NAME SYSCALL ACTION KERNEL INITRD CMDLINE: the last dry run
# succeeded and its plan says all of these.  SYSCALL is load or file;
# ACTION is normal or crash; INITRD "" for none.
plan() {
	local name=$1 syscall=$2 action=$3 kernel=$4 initrd=$5 cmdline=$6 why=""

	[ "$status" -eq 0 ] || why="exit $status: $(head -1 "$tmp/err")"
	if [ "$syscall" = load ]; then
		grep -q '^syscall: kexec_load(2)' "$tmp/out" || why="$why; not kexec_load(2)"
		grep -qE "^  [0-9] kernel .* from $kernel\$" "$tmp/out" || why="$why; kernel"
		if [ -n "$initrd" ]; then
			grep -qE "^  [0-9] initrd .* from $initrd\$" "$tmp/out" &&
				grep -q '^  linux,initrd-start: 0x' "$tmp/out" || why="$why; initrd"
		else
			! grep -qE '^  [0-9] initrd |^  linux,initrd-start' "$tmp/out" || why="$why; an initrd"
		fi
		grep -qF "command line: \"$cmdline\" ($((${#cmdline} + 1)) bytes with its NUL; /chosen/bootargs)" \
			"$tmp/out" || why="$why; command line"
	else
		grep -q '^syscall: kexec_file_load(2)' "$tmp/out" || why="$why; not kexec_file_load(2)"
		grep -q "^kernel fd: $kernel: " "$tmp/out" || why="$why; kernel"
		if [ -n "$initrd" ]; then
			grep -q "^initrd fd: $initrd: " "$tmp/out" || why="$why; initrd"
		else
			grep -q '^initrd fd: none' "$tmp/out" || why="$why; an initrd"
		fi
		if [ -n "$cmdline" ]; then
			grep -qF "command line: \"$cmdline\" ($((${#cmdline} + 1)) bytes with its NUL;" \
				"$tmp/out" || why="$why; command line"
		else
			grep -q '^command line: none (length 0;' "$tmp/out" || why="$why; command line"
		fi
		if [ "$action" = crash ]; then
			grep -q '^flags: .*KEXEC_FILE_ON_CRASH' "$tmp/out" || why="$why; not the crash slot"
		else
			! grep -q 'KEXEC_FILE_ON_CRASH' "$tmp/out" || why="$why; the crash slot"
		fi
	fi
	grep -q "^action: load into the $action slot" "$tmp/out" || why="$why; action"
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name (${why#; })"; fi
}
# The last run failed with exactly one line holding $2, exit status $1.
fails() { # fails STATUS TEXT
	[ "$status" -eq "$1" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$2" "$tmp/err"
}
# Runs that act on this machine (-e, -u): only where they cannot do harm,
# on a host that is not arm (no kexec of ours can load or boot there), and
# unprivileged when we are root.
host_is_arm() { case $(uname -m) in arm* | aarch64) true ;; *) false ;; esac; }
run_here() {
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$kexec" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	status=$?
}
# -e with nothing loaded: one line and exit 1, or 255 where the kernel
# has no kexec at all (no /sys/kernel/kexec_loaded); never a usage error.
exec_fails_cleanly() {
	{ [ "$status" -eq 1 ] && fails 1 "no kernel is loaded: load one first"; } ||
		{ [ "$status" -eq 255 ] && fails 255 "/sys/kernel/kexec_loaded"; }
}

# ---- systemd -------------------------------------------------------------
# systemd, src/systemctl/systemctl-start-special.c, load_kexec_kernel():
# KEXEC "--load" kernel "--append" options ["--initrd" initrd], each a
# separate argument (the boot entry's options joined by spaces).
dry --load "$K" --append "root=/dev/vda2 ro quiet" --initrd "$I" --dtb="$D"
plan "systemctl kexec: --load K --append OPTS --initrd I" load normal "$K" "$I" "root=/dev/vda2 ro quiet"
# systemd, src/shutdown/shutdown.c: after the final unmounts, KEXEC "-e".
# Parse only: nothing is loaded here, so it must fail in one line, not as a
# usage error.
if host_is_arm; then
	ok "systemd-shutdown: kexec -e # SKIP on an arm host it could boot a loaded kernel"
else
	run_here -e
	check "systemd-shutdown: kexec -e, nothing loaded: one line, exit 1 (255 without kexec)" exec_fails_cleanly
fi

# ---- kdump -------------------------------------------------------------
# Debian kdump-tools, debian/kdump-config, kdump_load():
# $KEXEC -p [-s under Secure Boot] --command-line="$KDUMP_CMDLINE"
# --initrd=$KDUMP_INITRD $KDUMP_KERNEL.  With -s the file syscall plans it.
crash_args="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll nousb"
dry -p -s --command-line="$crash_args" --initrd="$I" "$K"
plan "kdump-config: -p -s --command-line=... --initrd=I K" file crash "$K" "$I" "$crash_args"
# Without -s, kexec_load(2): a crash plan needs this machine's Crash kernel
# region in /proc/iomem, so with --arch the planner refuses; reaching that
# refusal proves the argv parsed into a crash load.
dry -p --command-line="$crash_args" --initrd="$I" "$K" --dtb="$D"
check "kdump-config: -p --command-line=... --initrd=I K reaches the crash planner" \
	fails 255 "a crash load is planned from this machine's /proc/iomem"
# debian/kdump-config, kdump_unload(): $KEXEC -p -u.  Only here, not with
# --dry-run (which goes with a load): on a machine that is not arm it must
# get past the parse to the backend choice.
if host_is_arm; then
	ok "kdump-config: -p -u # SKIP on an arm host it would unload the crash kernel"
else
	run_here -p -u
	check "kdump-config: -p -u parses (exit 255: this machine is not arm)" \
		fails 255 "is not arm or arm64"
fi
# Fedora kexec-tools, kdumpctl, load_kdump(): $KEXEC $KEXEC_ARGS
# $standard_kexec_args --command-line="$KDUMP_COMMANDLINE"
# --initrd=$TARGET_INITRD $KDUMP_KERNEL, with -s in KEXEC_ARGS by default
# on aarch64 and -p among the standard arguments.
dry -s -p --command-line="$crash_args" --initrd="$I" "$K"
plan "kdumpctl: -s -p --command-line=... --initrd=I K" file crash "$K" "$I" "$crash_args"

# ---- init scripts and boot loaders ---------------------------------------
# Debian kexec-tools, debian/kexec-load.init.d, do_start():
# $KEXEC -l "$KERNEL_IMAGE" --initrd="$INITRD" --append="$REAL_APPEND".
dry -l "$K" --initrd="$I" --append="root=/dev/vda2 ro" --dtb="$D"
plan "Debian kexec-load: -l K --initrd=I --append=..." load normal "$K" "$I" "root=/dev/vda2 ro"
# petitboot, discover/boot.c, kexec_load(): kexec -l|-s [--debug]
# [--initrd=I] [--dtb=D] --append=ARGS K, trying -l first and then -s with
# the same arguments; with no boot arguments it passes the literal
# argument --append="" (no shell strips those quotes), an empty command line.
dry -l --initrd="$I" --dtb="$D" '--append=""' "$K"
plan "petitboot: -l --initrd=I --dtb=D --append=\"\" K: an empty command line" load normal "$K" "$I" ""
dry -l --debug --initrd="$I" --dtb="$D" --append="root=/dev/sda1" "$K"
plan "petitboot: -l --debug --initrd=I --dtb=D --append=ARGS K" load normal "$K" "$I" "root=/dev/sda1"
# The -s retry with --dtb: kexec_file_load(2) cannot take a device tree.
dry -s --initrd="$I" --dtb="$D" '--append=""' "$K"
check "petitboot: -s with --dtb is refused in one line naming -c" fails 1 "--dtb cannot go with -s"
dry -s --initrd="$I" '--append=""' "$K"
plan "petitboot: -s --initrd=I --append=\"\" K" file normal "$K" "$I" ""
# petitboot, discover/boot.c, kexec_reboot(): kexec -e, then kexec -e -f.
if ! host_is_arm; then
	run_here -e
	check "petitboot: kexec -e, nothing loaded: one line" exec_fails_cleanly
fi
# GRUB, grub-core/loader/emu/linux.c, grub_cmd_linux() and
# grub_linux_boot(): kexec -la K --initrd=I --command-line=ARGS (-l and
# -a in one cluster), then kexec -ex (boot, no ifdown).
dry -la "$K" --initrd="$I" --command-line="BOOT_IMAGE=/vmlinuz root=/dev/vda2" --dtb="$D"
plan "GRUB emu: -la K --initrd=I --command-line=..." load normal "$K" "$I" "BOOT_IMAGE=/vmlinuz root=/dev/vda2"
if ! host_is_arm; then
	run_here -ex
	check "GRUB emu: kexec -ex, nothing loaded: one line" exec_fails_cleanly
fi
# nixos-images, nix/kexec-installer/kexec-run.sh: kexec --load K
# $kexecSyscallFlags (--kexec-syscall-auto on 6.1 and later)
# --initrd=I --no-checks --command-line 'init=... params'.
dry --load "$K" --kexec-syscall-auto --initrd="$I" --no-checks \
	--command-line "init=/nix/store/x-nixos/init loglevel=4" --dtb="$D"
plan "nixos-images: --load K --kexec-syscall-auto --initrd=I --no-checks --command-line '...'" \
	load normal "$K" "$I" "init=/nix/store/x-nixos/init loglevel=4"
check "nixos-images: --no-checks shows in the plan" grep -q "does NOT verify" "$tmp/out"
# nixpkgs, nixos/modules/system/boot/kexec.nix (the prepare-kexec
# service): kexec --load --initrd=I --append=... -- K, the kernel after --.
dry --load --initrd="$I" --append="init=/nix/store/x/init" --dtb="$D" -- "$K"
plan "nixpkgs: --load --initrd=I --append=... -- K" load normal "$K" "$I" "init=/nix/store/x/init"
# nixpkgs, pkgs/os-specific/linux/kexec-tools (its version probe): kexec -v.
run -v
check "nixpkgs: kexec -v prints a version, exit 0" \
	sh -c '[ "$1" -eq 0 ] && grep -q "^kexec [0-9]" "$2"' _ "$status" "$tmp/out"
# KIWI, dracut/modules.d/99kiwi-lib/kiwi-lib.sh (and Uyuni's saltboot
# state): kexec --help | grep -q kexec-syscall-auto decides whether to
# pass --kexec-syscall-auto.
check "KIWI: kexec --help | grep -q kexec-syscall-auto" \
	sh -c '"$1" --help | grep -q kexec-syscall-auto' _ "$kexec"

# ---- openSUSE ------------------------------------------------------------
# openSUSE kdump, kdumptool/load.cc (unloading): kexec -a -p -u.
if ! host_is_arm; then
	run_here -a -p -u
	check "openSUSE kdump: -a -p -u parses (exit 255: this machine is not arm)" \
		fails 255 "is not arm or arm64"
fi
# openSUSE/Uyuni saltboot (salt/saltboot): kexec --kexec-syscall-auto -l
# K --reuse-cmdline --append="$(cat ...)" --initrd=I: this kernel's
# /proc/cmdline, then the appended text.
dry --kexec-syscall-auto -l "$K" --reuse-cmdline --append="extra=1" --initrd="$I" --dtb="$D"
plan "openSUSE: --kexec-syscall-auto -l K --reuse-cmdline --append=... --initrd=I" \
	load normal "$K" "$I" "$(tr -d '\n' </proc/cmdline | sed 's/ *$//') extra=1"

# ---- ZFSBootMenu and the kernel selftests --------------------------------
# ZFSBootMenu, zfsbootmenu/lib/zfsbootmenu-core.sh, kexec_kernel():
# kexec -a -l K --initrd=I --command-line="...", then kexec -e -i.
dry -a -l "$K" --initrd="$I" --command-line="root=zfs:zroot/ROOT/debian spl_hostid=0x1" --dtb="$D"
plan "ZFSBootMenu: -a -l K --initrd=I --command-line=..." load normal "$K" "$I" "root=zfs:zroot/ROOT/debian spl_hostid=0x1"
if ! host_is_arm; then
	run_here -e -i
	check "ZFSBootMenu: kexec -e -i, nothing loaded: one line" exec_fails_cleanly
fi
# Linux, tools/testing/selftests/kexec/test_kexec_file_load.sh,
# kexec_file_load_test(): kexec -l -s $KERNEL_IMAGE --reuse-cmdline.
dry -l -s "$K" --reuse-cmdline
plan "kernel selftests: -l -s K --reuse-cmdline" file normal "$K" "" "$(tr -d '\n' </proc/cmdline | sed 's/ *$//')"

# ---- how arguments are written ----------------------------------------------
dry -al "$K" --initrd="$I" --append="a=1" --dtb="$D"
plan "-al: both flags of one cluster" load normal "$K" "$I" "a=1"
dry "$K" -l --initrd="$I" --append="a=1" --dtb="$D"
plan "the kernel before the options" load normal "$K" "$I" "a=1"
dry -l --append="a=1" --dtb="$D" -- "$K"
plan "--, then the kernel" load normal "$K" "" "a=1"
dry -l --append="-x" --dtb="$D" -- "$K"
plan "--append=-x: a value that looks like an option" load normal "$K" "" "-x"
dry -l --dtb="$D" -- "$K" --initrd="$I"
check "after --, an option is a second file: refused in one line" fails 1 "unexpected argument '--initrd="
dry -l "$K" --dtb="$D"
plan "no command line options: the DTB's bootargs unchanged" load normal "$K" "" "console=ttyAMA0 root=/dev/vda2"
# The fixture's /chosen holds an initrd and a crash kernel's properties.
dry -l "$K" --dtb="$D" --command-line="new=1"
check "the plan lists every /chosen property it sets and removes" \
	sh -c 'grep -q "^/chosen:\$" "$1" && grep -q "^  bootargs: the command line above\$" "$1" &&
		grep -q "^  rng-seed: 64 bytes, fresh\$" "$1" && grep -q "^  kaslr-seed: 8 bytes, fresh\$" "$1" &&
		grep -q "^/chosen: removed linux,initrd-start, linux,initrd-end, linux,elfcorehdr, linux,usable-memory-range\$" "$1"' _ "$tmp/out"

# ---- kexec-tools options (man/kexec.8, "kexec-tools options") ---------------
dry -t Image -l "$K" --append="a=1" --dtb="$D"
plan "-t Image: a format detected here, accepted" load normal "$K" "" "a=1"
dry --type=vmlinux -l "$K" --append="a=1" --dtb="$D"
plan "--type=vmlinux: accepted, the file's bytes decide" load normal "$K" "" "a=1"
dry -t bzImage -l "$K" --dtb="$D"
check "-t bzImage: refused in one line" fails 1 "-t bzImage: unknown kernel type"
dry --args-linux -l "$K" --append="a=1" --dtb="$D"
plan "--args-linux: accepted (every kernel boots as Linux)" load normal "$K" "" "a=1"
dry --mem-min=0x40000000 -l "$K" --dtb="$D"
check "--mem-min: refused in one line naming --dry-run" fails 1 "--mem-min is not supported"
dry --mem-max=0x80000000 -l "$K" --dtb="$D"
check "--mem-max: refused in one line naming --dry-run" fails 1 "--mem-max is not supported"
dry --reuseinitrd -l "$K" --dtb="$D"
check "--reuseinitrd: refused in one line naming --initrd" fails 1 "pass the initrd again with --initrd=FILE"
dry --load-preserve-context "$K" --dtb="$D"
check "--load-preserve-context: refused in one line naming -l" fails 1 "--load-preserve-context is not supported"
dry --entry=0x40080000 -l "$K" --dtb="$D"
check "--entry: refused in one line" fails 1 "--entry is not supported"
# kexec-tools prints the size (decimal bytes, 0 for none) and exits at once.
run_here --print-ckr-size --frobnicate
check "--print-ckr-size: a decimal size and exit 0, or one line when /proc/iomem hides addresses" \
	sh -c '{ [ "$1" -eq 0 ] && grep -qx "[0-9][0-9]*" "$2"; } ||
		{ [ "$1" -eq 255 ] && [ "$(wc -l <"$3")" -eq 1 ]; }' _ "$status" "$tmp/out" "$tmp/err"

exit $((failures > 0))
