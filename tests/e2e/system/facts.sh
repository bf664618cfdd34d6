# shellcheck shell=sh
# Sourced by the scenarios' control scripts: facts of the running boot on
# "E2E: KEY VALUE" lines, which the host compares across boots.
e2e_facts() {
	rootdev=$(findmnt -n -o SOURCE /)
	echo "E2E: uname $(uname -r)"
	echo "E2E: cmdline $(cat /proc/cmdline)"
	echo "E2E: mode $(dmesg | grep -o -E 'CPU: All CPU\(s\) started (at EL[0-9]|in [A-Z]+ mode)' | head -n 1)"
	echo "E2E: root $rootdev uuid=$(blkid -s UUID -o value "$rootdev") options=$(findmnt -n -o OPTIONS /)"
	echo "E2E: boot-id $(cat /proc/sys/kernel/random/boot_id)"
	echo "E2E: multi-user $(systemctl is-active multi-user.target)"
	echo "E2E: failed-units $(systemctl list-units --failed --plain --no-legend | awk '{ print $1 }' | tr '\n' ' ')"
	echo "E2E: kexec $(readlink -f /sbin/kexec) from $(dpkg -S "$(readlink -f /sbin/kexec)" 2>/dev/null | cut -d: -f1)"
	# The root filesystem's check: by systemd-fsck-root (the initramfs has
	# no fsck), or by the initramfs, which logs it.
	journalctl -b 0 -u systemd-fsck-root.service -o cat --no-pager | sed 's/^/E2E: fsck-log /'
	[ ! -f /run/initramfs/fsck.log ] || sed 's/^/E2E: fsck-log /' /run/initramfs/fsck.log
	echo "E2E: fsck-root-service $(systemctl show -P ActiveState systemd-fsck-root.service) $(systemctl show -P Result systemd-fsck-root.service)"
	# Every error this boot logged (the host explains each or fails).
	journalctl -b 0 -p err --no-pager -o short-monotonic >/run/e2e-err.txt 2>&1
	sed 's/^/E2E: journal-err /' /run/e2e-err.txt
	echo "E2E: journal-err-count $(grep -c -v '^-- ' /run/e2e-err.txt)"
}
