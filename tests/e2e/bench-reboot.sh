#!/usr/bin/env bash
# A benchmark, not a test: how long a reboot takes, from the command to the
# next multi-user.target, in the Debian system image (build-system-image.sh)
# under the same QEMU as system-kexec.sh, three ways:
#   ours      kexec -l K --initrd=I --reuse-cmdline (our package's kexec),
#             then systemctl kexec
#   theirs    the same with Debian's kexec-tools binary
#             (/usr/local/lib/kexec-tools/kexec in the image)
#   firmware  systemctl reboot: through the UEFI firmware and systemd-boot
# One QEMU run does RUNS rounds of the three, interleaved (ours, theirs,
# firmware, ours, ...) so that a slow stretch of the host hits each alike.
# The host's clock stamps every console line; for each reboot it takes
#   load    "load-start" to "load-done" (the kexec kinds)
#   reboot  "reboot-start" to the next boot's "E2E: control start", which
#           e2e-control.service prints once multi-user.target is reached
#   total   load + reboot
# and prints each, the medians per kind and their ratios.  The exit status
# says only whether every reboot happened, never whether a figure is good.
#
# usage: tests/e2e/bench-reboot.sh [--mode el1|el2] [--runs N] [--out DIR]
#            [--timeout SECONDS] [--verbose]
# Output: tests/e2e/.out/bench-reboot-MODE/ (serial.log, result.txt,
# times.tsv).  docs/PERFORMANCE.md reports a run of it.
set -euo pipefail
E2E_PROG=bench-reboot # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/system-lib.sh
. "$e2e_dir/system-lib.sh"

mode=el1 runs=3 out="" timeout_s="" verbose=no
while [ $# -gt 0 ]; do
	case $1 in
	--mode) mode=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1" ;;
	esac
done
case $runs in ''|*[!0-9]*|0) e2e_die "--runs takes a positive number" ;; esac
# About 90 s a reboot under TCG on a 2-CPU host, and the first boot.
timeout_s=${timeout_s:-$((180 + runs * 3 * 150))}
e2e_out_dir "$e2e_dir/.out/bench-reboot-$mode"
work=$out/work
mkdir -p "$work"
log=$out/serial.log
exec > >(tee "$out/result.txt")

plan=""
for _ in $(seq "$runs"); do plan="$plan ours theirs firmware"; done
plan=${plan# }
{
	printf 'BENCH_PLAN="%s"\n' "$plan"
	cat "$e2e_dir/system/bench-control.sh"
} >"$work/bench-control.sh"

sys_prepare "$mode"
sys_make_disks "$work/bench-control.sh"
e2e_log "$((runs * 3)) reboots ($plan), -M $machine, timeout ${timeout_s}s"
sys_boot "$timeout_s"
sys_wait 'E2E: bench (done|step=[0-9]+ failed|unknown)' "$timeout_s" || true
sys_wait 'HOST: qemu exit status' 60 || sys_stop
sys_wait_exit

# stamp_of ERE: the host time of the first line matching ERE, or "".
stamp_of() { grep -m1 -E -- "$1" "$log" | cut -d' ' -f1 || true; }
sub() { echo "$1 - $2" | bc; }

echo "# reboot benchmark: -M $machine, UEFI (systemd-boot), kernel $KVER"
echo "# ours: $(sys_fact 1 'bench ours-version')"
echo "# theirs: $(sys_fact 1 'bench theirs-version')"
printf 'step\tkind\tload_s\treboot_s\ttotal_s\n' >"$out/times.tsv"
missing=0 step=0
for kind in $plan; do
	step=$((step + 1))
	start=$(stamp_of "E2E: bench step=$step reboot-start")
	end=$(stamp_of "E2E: control start boot=$((step + 1))\$")
	if [ -z "$start" ] || [ -z "$end" ]; then
		echo "# step $step ($kind): no next boot (see $log)"
		missing=$((missing + 1))
		continue
	fi
	reboot_s=$(sub "$end" "$start")
	load_s=0
	if [ "$kind" != firmware ]; then
		a=$(stamp_of "E2E: bench step=$step load-start")
		b=$(stamp_of "E2E: bench step=$step load-done rc=0 ")
		if [ -z "$a" ] || [ -z "$b" ]; then
			echo "# step $step ($kind): the load did not succeed"
			missing=$((missing + 1))
			continue
		fi
		load_s=$(sub "$b" "$a")
	fi
	# A kexec that fell back to the firmware would not be a kexec.
	between=$(awk -v a="$start" -v b="$end" '$1 >= a && $1 <= b' "$log")
	firmware_seen=no
	grep -q -E 'BdsDxe|UEFI firmware' <<<"$between" && firmware_seen=yes
	if { [ "$kind" = firmware ] && [ "$firmware_seen" = no ]; } ||
		{ [ "$kind" != firmware ] && [ "$firmware_seen" = yes ]; }; then
		echo "# step $step ($kind): firmware seen=$firmware_seen, not the reboot asked for"
		missing=$((missing + 1))
		continue
	fi
	printf '%s\t%s\t%.2f\t%.2f\t%.2f\n' "$step" "$kind" "$load_s" "$reboot_s" \
		"$(echo "$load_s + $reboot_s" | bc)" >>"$out/times.tsv"
done
column -t "$out/times.tsv" | sed 's/^/# /'

# median KIND COLUMN: the median of that column's values for KIND.
median() {
	awk -F'\t' -v k="$1" -v c="$2" 'NR > 1 && $2 == k { print $c }' "$out/times.tsv" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
	case "$1$2" in *n/a*) echo n/a ;; *) echo "scale=2; $1 / $2" | bc ;; esac
}
echo "# medians over $runs run(s), seconds (host clock):"
printf '# %-9s %8s %8s %8s\n' kind load reboot total
for kind in ours theirs firmware; do
	printf '# %-9s %8s %8s %8s\n' "$kind" "$(median "$kind" 3)" "$(median "$kind" 4)" "$(median "$kind" 5)"
done
echo "# ratio total ours/theirs:   $(ratio "$(median ours 5)" "$(median theirs 5)")"
echo "# ratio total ours/firmware: $(ratio "$(median ours 5)" "$(median firmware 5)")"
echo "# ratio load ours/theirs:    $(ratio "$(median ours 3)" "$(median theirs 3)")"
echo "# cold start (QEMU start to the first multi-user.target): $(sys_elapsed 'HOST: qemu start' 'E2E: control start boot=1$') s"
grep -a 'E2E: bench loader says' "$log" | sed 's/^[^ ]* /# /' | sort | uniq -c | head -n 5 || true
if [ "$missing" -ne 0 ]; then
	sys_log_tail 30
	echo "# $missing of $((runs * 3)) reboots not measured"
	exit 1
fi
echo "# all $((runs * 3)) reboots measured (log: $log)"
