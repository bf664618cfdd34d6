# shellcheck shell=sh disable=SC1091
# system-kexec.sh's guest script (run by e2e-control on every boot).
# Boot 1: a token on the root filesystem, then `kexec -d -l` of the
# installed kernel and initrd with --reuse-cmdline, then `systemctl kexec`.
# Boot 2 (the kexec'd kernel): the same facts, the token, the previous
# boot's shutdown in the journal; then power off.
. /run/e2e/facts.sh
kver=$(uname -r)
case $E2E_BOOT in
1)
	e2e_facts
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$E2E_STATE/token"
	tr -d '-' </proc/sys/kernel/random/boot_id >"$E2E_STATE/boot1-id"
	sync
	echo "E2E: token $(cat "$E2E_STATE/token")"
	echo "E2E: kexec-version $(/sbin/kexec --version 2>&1 | head -n 1)"
	/sbin/kexec -d -l "/boot/vmlinuz-$kver" --initrd="/boot/initrd.img-$kver" --reuse-cmdline \
		>/run/kexec.out 2>&1
	rc=$?
	sed 's/^/E2E: kexec-d /' /run/kexec.out
	echo "E2E: kexec-load rc=$rc kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
	echo "E2E: systemctl kexec now"
	systemctl kexec
	echo "E2E: systemctl kexec returned rc=$?"
	;;
2)
	e2e_facts
	echo "E2E: token $(cat "$E2E_STATE/token" 2>/dev/null)"
	echo "E2E: kexec_loaded-now $(cat /sys/kernel/kexec_loaded)"
	# How the first boot ended, from its own journal.
	journalctl -b "$(cat "$E2E_STATE/boot1-id")" --no-pager -o cat >/run/prev.txt 2>&1
	echo "E2E: prev-lines $(wc -l </run/prev.txt)"
	echo "E2E: prev-stopped $(grep -c '^Stopped ' /run/prev.txt)"
	echo "E2E: prev-unmounted $(grep -c '^Unmounted ' /run/prev.txt)"
	grep -E '^(Reached target|Unmounted|Stopped target)' /run/prev.txt | tail -n 12 | sed 's/^/E2E: prev-tail /'
	echo "E2E: done"
	systemctl poweroff
	;;
*)
	echo "E2E: unexpected boot $E2E_BOOT; powering off"
	systemctl poweroff
	;;
esac
