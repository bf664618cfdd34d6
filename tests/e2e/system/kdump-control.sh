# shellcheck shell=sh disable=SC1091
# system-kdump.sh's guest script (run by e2e-control on every boot, not in
# the capture kernel, which boots to kdump-tools-dump.service only).
# Boot 1: kdump-tools loaded the capture kernel at boot; unload and load it
# again through `kdump-config load` with -d for our kexec (KDUMP_KEXEC_ARGS,
# which /etc/default/kdump-tools leaves unset), `kdump-config status`, then
# a panic through sysrq.  The capture kernel saves the dump and reboots
# through the firmware.
# Boot 2: what /var/crash holds, and makedumpfile reading the dump back.
. /run/e2e/facts.sh
case $E2E_BOOT in
1)
	e2e_facts
	echo "E2E: crash-region $(grep 'Crash kernel' /proc/iomem | tr -s ' ' | tr '\n' ' ')"
	echo "E2E: crash-loaded-at-boot $(cat /sys/kernel/kexec_crash_loaded)"
	journalctl -b 0 -u kdump-tools.service --no-pager -o cat | sed 's/^/E2E: boot-load /'
	kdump-config unload >/run/unload.out 2>&1
	echo "E2E: unload rc=$? crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	sed 's/^/E2E: unload-out /' /run/unload.out
	KDUMP_KEXEC_ARGS=-d kdump-config load >/run/load.out 2>&1
	echo "E2E: load rc=$? crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	sed 's/^/E2E: load-out /' /run/load.out
	kdump-config status >/run/status.out 2>&1
	echo "E2E: status rc=$?"
	sed 's/^/E2E: status-out /' /run/status.out
	sync
	# journald forwards this script's output to the console a little
	# later: give it time, and write the marker to the console directly.
	sleep 2
	echo "E2E: panic now" >/dev/console
	echo c >/proc/sysrq-trigger
	echo "E2E: the panic returned"
	;;
2)
	e2e_facts
	find /var/crash -mindepth 1 -printf '%p %s\n' | sort | sed 's/^/E2E: crash-file /'
	dir=$(find /var/crash -mindepth 1 -maxdepth 1 -type d -name '2*' | sort | tail -n 1)
	dump=$(find "$dir" -maxdepth 1 -name 'dump.*' 2>/dev/null | head -n 1)
	echo "E2E: stamp-dir $dir"
	echo "E2E: dump-file $dump"
	# kdump-tools saves makedumpfile's flattened format (-F): rearrange it,
	# then read the dead kernel's log back out of it.
	if [ -n "$dump" ]; then
		makedumpfile -R /var/tmp/vmcore <"$dump" >/run/rearrange.out 2>&1
		echo "E2E: rearrange rc=$?"
		sed 's/^/E2E: rearrange-out /' /run/rearrange.out
		makedumpfile --dump-dmesg /var/tmp/vmcore /var/tmp/readback.txt >/run/readback.out 2>&1
		echo "E2E: readback rc=$? lines=$(wc -l </var/tmp/readback.txt)"
		sed 's/^/E2E: readback-out /' /run/readback.out
		grep -m1 'sysrq triggered crash' /var/tmp/readback.txt | sed 's/^/E2E: readback-sysrq /'
		grep -m1 'Kernel panic' /var/tmp/readback.txt | sed 's/^/E2E: readback-panic /'
		rm -f /var/tmp/vmcore /var/tmp/readback.txt
	fi
	journalctl -b -1 --no-pager -o cat -u kdump-tools-dump.service | sed 's/^/E2E: capture-journal /'
	echo "E2E: done"
	systemctl poweroff
	;;
*)
	echo "E2E: unexpected boot $E2E_BOOT; powering off"
	systemctl poweroff
	;;
esac
