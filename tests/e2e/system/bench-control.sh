# shellcheck shell=sh
# bench-reboot.sh's guest script (run by e2e-control on every boot).  The
# host puts BENCH_PLAN (one word per reboot: ours, theirs or firmware) in
# front of it.  Boot N performs the Nth reboot of the plan and marks its
# steps on the console; the host's clock stamps each line, and the next
# boot's "E2E: control start" (after multi-user.target) ends the step.
kver=$(uname -r)
# shellcheck disable=SC2086 # the plan is words
set -- $BENCH_PLAN
if [ "$E2E_BOOT" -gt $# ]; then
	echo "E2E: bench done after $# reboots"
	systemctl poweroff
	exit 0
fi
shift $((E2E_BOOT - 1))
kind=$1
echo "E2E: bench step=$E2E_BOOT kind=$kind kernel=$kver"
if [ "$E2E_BOOT" = 1 ]; then
	echo "E2E: bench ours-version $(/usr/sbin/kexec --version 2>&1 | head -n 1)"
	echo "E2E: bench theirs-version $(/usr/local/lib/kexec-tools/kexec --version 2>&1 | head -n 1)"
fi
case $kind in
ours) loader=/usr/sbin/kexec ;;
theirs) loader=/usr/local/lib/kexec-tools/kexec ;;
firmware)
	echo "E2E: bench step=$E2E_BOOT reboot-start"
	systemctl reboot
	exit 0
	;;
*)
	echo "E2E: bench unknown kind $kind; powering off"
	systemctl poweroff
	exit 1
	;;
esac
# Both loaders get the same argv, the one the users type; the
# kernel and initrd are already in the page cache after the first boot.
echo "E2E: bench step=$E2E_BOOT load-start $loader"
"$loader" -l "/boot/vmlinuz-$kver" --initrd="/boot/initrd.img-$kver" --reuse-cmdline \
	>/run/bench-load.out 2>&1
rc=$?
sed 's/^/E2E: bench loader says: /' /run/bench-load.out
echo "E2E: bench step=$E2E_BOOT load-done rc=$rc kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
if [ "$rc" -ne 0 ]; then
	echo "E2E: bench step=$E2E_BOOT failed; powering off"
	systemctl poweroff
	exit 1
fi
echo "E2E: bench step=$E2E_BOOT reboot-start"
systemctl kexec
