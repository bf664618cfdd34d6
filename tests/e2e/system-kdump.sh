#!/usr/bin/env bash
# kdump-tools with our kexec in the Debian system image
# (build-system-image.sh; crashkernel=256M on its command line, USE_KDUMP=1,
# cma=0 for the capture kernel).  Its guest script (system/kdump-control.sh)
# checks what kdump-tools.service loaded at boot, unloads and loads again
# with `kdump-config load` (-d passed to our kexec through
# KDUMP_KEXEC_ARGS), runs `kdump-config status`, then panics through sysrq.
# kdump-tools' own capture initramfs and kdump-tools-dump.service save the
# dump with makedumpfile to /var/crash/STAMP/ and reboot through the
# firmware; on the next boot the guest script reads the dump back with
# makedumpfile (-R, then --dump-dmesg).  The host checks the serial log
# and reads /var/crash out of the disk itself (debugfs on the overlay: the
# dmesg file must hold the panic, the dump must be makedumpfile's).
#
# usage: tests/e2e/system-kdump.sh --mode el2|el1 [--out DIR]
#            [--timeout SECONDS] [--verbose]
# Output: one "ok - ..." / "not ok - ..." line per check, then times; exit
# status 1 if any check failed (with the log's last lines).  --out (default
# tests/e2e/.out/system-kdump-MODE/) gets serial.log, result.txt and crash/
# (the guest's /var/crash).
set -euo pipefail
E2E_PROG=system-kdump # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/system-lib.sh
. "$e2e_dir/system-lib.sh"

timeout_s=600
sys_run system-kdump "$e2e_dir/system/kdump-control.sh" "$@"

# --- the first boot: kdump-tools loads through our kexec -------------------------
sys_check_first_boot
check "the first kernel reserved a crash region ($(sys_fact 1 crash-region))" grep -q 'Crash kernel' <<<"$(sys_fact 1 crash-region)"
sys_facts 1 boot-load | sed 's/^/# kdump-tools.service at boot: /'
check "kdump-tools.service loaded the capture kernel at boot (kexec_crash_loaded $(sys_fact 1 crash-loaded-at-boot))" \
	test "$(sys_fact 1 crash-loaded-at-boot)" = 1 -a -n "$(sys_facts 1 boot-load | grep 'loaded kdump kernel')"
check "kdump-config unload exits 0 and unloads ($(sys_fact 1 unload))" eq "$(sys_fact 1 unload)" "rc=0 crash_loaded=0"
check "kdump-config load exits 0 and loads ($(sys_fact 1 load))" eq "$(sys_fact 1 load)" "rc=0 crash_loaded=1"
sys_facts 1 load-out >"$out/kdump-load.txt"
check "kdump-config load ran our kexec: -d's plan says the purgatory verifies ($(grep -m1 '^purgatory: ' "$out/kdump-load.txt" || echo 'no purgatory line'))" \
	grep -q '^purgatory: verifies ' "$out/kdump-load.txt"
check "the capture command line has kdump-tools' additions and cma=0" \
	grep -q -E 'systemd\.unit=kdump-tools-dump\.service.* cma=0' "$out/kdump-load.txt"
status=$(sys_facts 1 status-out | grep -m1 'current state' || true)
check "kdump-config status reports ready (\"$status\", $(sys_fact 1 status))" \
	grep -q -E 'current state *: ready to kdump' <<<"$status"

# --- the panic and the capture kernel ----------------------------------------------
panic_n=$(lineno 'Kernel panic - not syncing: sysrq triggered crash')
check "the sysrq crash panicked the first kernel" test -n "$(first 'E2E: panic now')" -a -n "$panic_n"
check "the panic did not return" test -z "$(first 'E2E: the panic returned')"
panic_n=${panic_n:-0}
bye_n=$(e2e_after "$panic_n" 'Bye!')
check "the kernel reached machine_kexec on the panic (\"Bye!\")" test "$panic_n" != 0 -a -n "$bye_n"
bye_n=${bye_n:-0}
verified=$(e2e_after "$bye_n" 'kexec purgatory: [0-9]+ segments verified')
check "our purgatory verified the capture kernel's segments ($(text "$(sed -n "${verified:-0}p" "$log")"))" \
	test "$bye_n" != 0 -a -n "$verified"
boot2_n=$(e2e_after "$bye_n" 'Booting Linux on physical CPU')
check "the capture kernel booted (\"Booting Linux\" after \"Bye!\")" test "$bye_n" != 0 -a -n "$boot2_n"
boot2_n=${boot2_n:-0}
mode2_n=$(e2e_after "$boot2_n" "$e2e_mode_ere")
mode2=$(e2e_mode_of "x mode2 $(sed -n "${mode2_n:-0}p" "$log")")
check "the capture kernel entered at the first's level (${mode2:-?} vs ${mode1:-?})" test -n "$mode2" -a "$mode2" = "$mode1"
saved=$(e2e_after "$boot2_n" 'saved vmcore in /var/crash')
check "kdump-tools-dump.service saved the vmcore (\"$(text "$(sed -n "${saved:-0}p" "$log")")\")" \
	test "$boot2_n" != 0 -a -n "$saved"
check "kdump-tools-dump.service saved the dmesg" test "$boot2_n" != 0 -a -n "$(e2e_after "$boot2_n" 'saved dmesg content in /var/crash')"
bad=$(tail -n +"$((boot2_n + 1))" "$log" | grep -m1 -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle|makedumpfile failed' || true)
check "no Oops/BUG in the capture kernel, no makedumpfile failure${bad:+ ($(text "$bad"))}" test -z "$bad"

# --- after the reboot: the guest and the host read the dump ------------------------
check "the machine rebooted through the firmware to a second normal boot" test -n "$(first 'E2E: control start boot=2$')"
check "second boot reached multi-user.target ($(sys_fact 2 multi-user))" eq "$(sys_fact 2 multi-user)" active
sys_facts 2 crash-file | sed 's/^/# guest: /'
stamp_dir=$(sys_fact 2 stamp-dir) dump=$(sys_fact 2 dump-file)
check "/var/crash has a dump folder ($stamp_dir) with a dump file (${dump##*/})" \
	test -n "$stamp_dir" -a -n "$dump"
check "makedumpfile -R rearranges the flattened dump ($(sys_fact 2 rearrange))" eq "$(sys_fact 2 rearrange)" rc=0
readback=$(sys_fact 2 readback)
check "makedumpfile --dump-dmesg reads the dump back without error ($readback)" \
	test "${readback%% *}" = rc=0 -a -n "$(sys_fact 2 readback-sysrq)"
echo "# read back: $(sys_fact 2 readback-sysrq)"

sys_read_root /var/crash "$out"
hdump=$(find "$out/crash" -type f -name 'dump.*' | sort | tail -n 1)
hdmesg=$(find "$out/crash" -type f -name 'dmesg.*' | sort | tail -n 1)
echo "# host copy of /var/crash: $(cd "$out/crash" && find . -type f -printf '%p (%s bytes) ' | sort)"
check "host: the dump file read from the disk is makedumpfile's flattened format (${hdump#"$out"/})" \
	test -n "$hdump" -a "$(head -c 12 "${hdump:-/dev/null}" 2>/dev/null)" = makedumpfile
check "host: the dmesg file holds the panic (\"sysrq triggered crash\", \"Kernel panic\")" \
	test -n "$hdmesg" -a -n "$(grep -m1 'sysrq triggered crash' "${hdmesg:-/dev/null}")" -a \
	-n "$(grep -m1 'Kernel panic' "${hdmesg:-/dev/null}")"
sys_check_journal 1 2
check "the guest powered off when done (QEMU exit status 0)" test -n "$(first 'E2E: done')" -a "$qemu_rc" = 0

# --- times (host clock) --------------------------------------------------------------
sys_time "QEMU start to first control script" 'HOST: qemu start' 'E2E: control start boot=1$'
sys_time "kdump-config load (with -d)" 'E2E: unload rc=' 'E2E: load rc='
sys_time "panic to Bye!" 'E2E: panic now' 'Bye!'
sys_time "panic to the dump saved" 'E2E: panic now' 'saved vmcore in /var/crash'
sys_time "dump saved to the next control script" 'saved vmcore in /var/crash' 'E2E: control start boot=2$'
sys_time "QEMU start to QEMU exit" 'HOST: qemu start' 'HOST: qemu exit status'
sys_finish
