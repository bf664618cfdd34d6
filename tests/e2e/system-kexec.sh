#!/usr/bin/env bash
# `systemctl kexec` in the Debian system image (build-system-image.sh),
# through our kexec installed as the kexec-arm package: the image boots
# through UEFI and systemd-boot; its guest script (system/kexec-control.sh)
# writes a token to the root filesystem, runs
#   kexec -d -l /boot/vmlinuz-KVER --initrd=/boot/initrd.img-KVER --reuse-cmdline
# then `systemctl kexec`.  The host checks, from the stamped serial log:
# our loader loaded it (the package's binary, -d's plan, the purgatory's
# "segments verified" on the console between "Bye!" and the next kernel),
# systemd stopped its services and unmounted (systemd-shutdown's messages;
# the previous boot's journal), the next kernel booted to multi-user.target
# in the same exception level with the same command line and root
# filesystem (UUID, token), its root was checked clean with no recovery,
# and neither boot logged an error (journalctl -p err) or left a unit failed.
#
# usage: tests/e2e/system-kexec.sh --mode el2|el1 [--out DIR]
#            [--timeout SECONDS] [--verbose]
# Output: one "ok - ..." / "not ok - ..." line per check, then times; exit
# status 1 if any check failed (with the log's last lines).  --out (default
# tests/e2e/.out/system-kexec-MODE/) gets serial.log and result.txt.
set -euo pipefail
E2E_PROG=system-kexec # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/system-lib.sh
. "$e2e_dir/system-lib.sh"

timeout_s=420
sys_run system-kexec "$e2e_dir/system/kexec-control.sh" "$@"

# --- the first boot ----------------------------------------------------------------
sys_check_first_boot
load=$(sys_fact 1 kexec-load)
check "kexec -d -l --reuse-cmdline exits 0 and kexec_loaded is 1 ($load)" eq "$load" "rc=0 kexec_loaded=1"
sys_facts 1 kexec-d >"$out/kexec-d.txt"
check "-d's plan: the purgatory verifies the segments ($(grep -m1 '^purgatory: ' "$out/kexec-d.txt" || echo 'no purgatory line'))" \
	grep -q '^purgatory: verifies ' "$out/kexec-d.txt"
cmdline1=$(sys_fact 1 cmdline)
check "-d's plan gives the next kernel the running command line (--reuse-cmdline)" \
	grep -q -F -- "$cmdline1" "$out/kexec-d.txt"

# --- the shutdown and the kexec ---------------------------------------------------
now_n=$(lineno 'E2E: systemctl kexec now')
check "the guest ran systemctl kexec" test -n "$now_n"
now_n=${now_n:-0}
after() { e2e_after "$now_n" "$1"; }
check "systemd stopped units after systemctl kexec (\"Stopped\" on the console)" test -n "$(after 'Stopped ')"
check "systemd started systemd-kexec.service (\"Reboot via kexec\")" test -n "$(after 'Starting .*systemd-kexec.service')"
check "systemd-shutdown unmounted the file systems (\"All filesystems unmounted\")" \
	test -n "$(after 'systemd-shutdown\[1\]: All filesystems unmounted')"
check "systemd-shutdown rebooted with kexec (\"Rebooting with kexec\")" \
	test -n "$(after 'systemd-shutdown\[1\]: Rebooting with kexec')"
bye_n=$(after 'Bye!')
check "the kernel reached machine_kexec (\"Bye!\")" test -n "$bye_n"
bye_n=${bye_n:-0}
verified=$(e2e_after "$bye_n" 'kexec purgatory: [0-9]+ segments verified')
check "our purgatory verified the segments after Bye! ($(text "$(sed -n "${verified:-0}p" "$log")"))" \
	test "$bye_n" != 0 -a -n "$verified"
boot2_n=$(e2e_after "$bye_n" 'Booting Linux on physical CPU')
check "the next kernel booted (\"Booting Linux\" after \"Bye!\")" test "$bye_n" != 0 -a -n "$boot2_n"
check "no firmware reset between them (no UEFI banner after Bye!)" \
	test -z "$(e2e_after "$bye_n" 'UEFI firmware|BdsDxe|systemd-boot')"

# --- the second boot -----------------------------------------------------------------
check "second boot ran the control script" test -n "$(first 'E2E: control start boot=2$')"
check "second boot reached multi-user.target ($(sys_fact 2 multi-user))" eq "$(sys_fact 2 multi-user)" active
mode2=$(e2e_mode_of "x mode2 $(sys_fact 2 mode)")
check "second kernel entered at the first's level (${mode2:-?} vs ${mode1:-?})" test -n "$mode2" -a "$mode2" = "$mode1"
check "second kernel's /proc/cmdline is the first's (--reuse-cmdline)" eq "$(sys_fact 2 cmdline)" "$cmdline1"
uuid1=$(sys_fact 1 root | sed -n 's/.* uuid=\([^ ]*\).*/\1/p')
uuid2=$(sys_fact 2 root | sed -n 's/.* uuid=\([^ ]*\).*/\1/p')
echo "# root: $(sys_fact 1 root) / $(sys_fact 2 root)"
check "the same root filesystem in both boots, the image's (${uuid1:-?} / ${uuid2:-?} / $ROOT_UUID)" \
	test -n "$uuid1" -a "$uuid1" = "$uuid2" -a "$uuid2" = "$ROOT_UUID"
check "the token written before the kexec is there after it" \
	test -n "$(sys_fact 1 token)" -a "$(sys_fact 1 token)" = "$(sys_fact 2 token)"
check "a new boot (boot_id changed)" ne "$(sys_fact 2 boot-id)" "$(sys_fact 1 boot-id)"
check "the second boot reads the first boot's journal ($(sys_fact 2 prev-lines) lines)" test "$(sys_fact 2 prev-lines)" -gt 0 2>/dev/null
check "the first boot's journal shows units stopped ($(sys_fact 2 prev-stopped))" test "$(sys_fact 2 prev-stopped)" -gt 0 2>/dev/null
sys_facts 2 prev-tail | sed 's/^/# first boot: /'
check "the first boot's journal ends with the shutdown targets (shutdown.target, final.target)" \
	test -n "$(sys_facts 2 prev-tail | grep 'Reached target shutdown.target')" -a \
	-n "$(sys_facts 2 prev-tail | grep 'Reached target final.target')"
fsck2=$(sys_facts 2 fsck-log | grep -v -E '^(fsck from|Log of fsck|$)' | head -n 3 | tr '\n' ' ' || true)
echo "# second boot fsck: $fsck2"
check "second boot: the root filesystem was checked and clean (\"$fsck2\")" grep -q ': clean, ' <<<"$fsck2"
complaint=$(tail -n +"${boot2_n:-1}" "$log" | grep -m1 -i -E 'recovering journal|not cleanly unmounted|recovery complete|contains a file system with errors|UNEXPECTED INCONSISTENCY|orphan' || true)
check "no fsck or ext4 recovery complaint in the second boot${complaint:+ ($(text "$complaint"))}" test -z "$complaint"
sys_check_journal 1 2
check "the guest powered off when done (QEMU exit status 0)" test -n "$(first 'E2E: done')" -a "$qemu_rc" = 0

# --- times (host clock) --------------------------------------------------------------
sys_time "QEMU start to first control script" 'HOST: qemu start' 'E2E: control start boot=1$'
sys_time "systemctl kexec to Bye!" 'E2E: systemctl kexec now' 'Bye!'
sys_time "Bye! to the purgatory's report" 'Bye!' 'kexec purgatory: [0-9]+ segments verified'
sys_time "systemctl kexec to second control script" 'E2E: systemctl kexec now' 'E2E: control start boot=2$'
sys_time "QEMU start to QEMU exit" 'HOST: qemu start' 'HOST: qemu exit status'
sys_finish
