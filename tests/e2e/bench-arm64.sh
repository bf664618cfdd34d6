#!/usr/bin/env bash
# Performance benchmark (not a test: it prints figures and never judges them
# by its exit status): our static arm64 kexec against Debian's kexec-tools,
# under QEMU (TCG) with Debian bookworm's cloud kernel, in one fixed machine:
#   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,its=off
#       -cpu cortex-a57 -smp 2 -m 1024 -nic none
#
# For each loader (ours, theirs = Debian's kexec-tools) and each size of the
# second initrd (small: a busybox initramfs, ~1 MiB gzip'd; large: the same
# plus a 127 MiB file of random bytes in an uncompressed cpio, ~128 MiB), a
# first kernel's /init runs
#   maxrss kexec -l /Image --initrd=/initrd2 --append="$APPEND2"
# (guest/maxrss.c reports the loader's peak RSS), then `kexec -e`; the second
# initrd's /init prints a marker at once and powers off.  APPEND2 is
#   console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 bench_marker=TOKEN
# (earlycon: the next kernel prints from its first instructions).  From the
# serial log, every line stamped with the host's clock, it takes per run:
#   (a) kexec -l wall time (guest markers before and after)
#   (d) kexec -l peak RSS (ru_maxrss of the loader)
#       "kexec -e" marker to the old kernel's "Bye!" (shutdown; information)
#   (b) "Bye!" to the next kernel's first line ("Booting Linux ...")
#   (c) that line to the next /init's marker
# and, as the reference for (c), cold boots of the same kernel with the same
# second initrd and the same command line: QEMU start to the kernel's first
# line, and first line to /init.  Each configuration runs --runs times; the
# table gives medians, the ratios ours/theirs and the targets (meets/misses):
#   (b) ours/theirs <= 1/20        (b)+(c) ours/theirs <= 1/4
#   (a) ours/theirs <= 1/3         (d) ours <= theirs
# Our loader runs with -d, so that its purgatory reports on the console
# which SHA-256 engine verified the segments (verification is on).  Unless
# --no-fallbacks, ours also runs once on the large initrd with each
# fallback: KEXEC_SHA256_PORTABLE=1 (portable C SHA-256 in loader and
# purgatory) and KEXEC_PURGATORY_UNCACHED=1 (purgatory hashes with the MMU
# off, no identity map).
#
# usage: tests/e2e/bench-arm64.sh [--kexec PATH] [--runs N] [--out DIR]
#            [--sizes small,large] [--no-cold] [--no-fallbacks]
#            [--append2 "ARGS"] [--cold-dtb-randomness on|off]
#            [--no-earlycon] [--loaders ours,theirs] [--qemu-extra "ARGS"]
#            [--ours-flags "ARGS"] [--theirs-flags "ARGS"]
#            [--timeout SECONDS] [--verbose]
#   --kexec PATH       our static arm64 kexec (default: built with
#                      tests/build-static-kexec.sh into build-arm64)
#   --runs N           runs per configuration (default 3)
#   --out DIR          logs, inputs and results (default tests/e2e/.out/bench-arm64)
#   --sizes LIST       initrd sizes to run, comma separated (default small,large)
#   --no-cold          skip the cold boots
#   --no-fallbacks     skip the two fallback runs of ours
#   --append2 "ARGS"   more arguments for the second kernel's command line
#                      (kexec'd and cold alike), e.g. "initcall_debug
#                      log_buf_len=4M bench_dmesg": with bench_dmesg the next
#                      /init dumps dmesg after its marker, and the table gets
#                      the kernel's own timings (crypto_algapi_init, ...)
#   --cold-dtb-randomness off  cold boots without QEMU's /chosen rng-seed
#                      and kaslr-seed (virt's dtb-randomness=off)
#   --no-earlycon      drop earlycon from APPEND2 ((b) then loses its end
#                      point; for the crypto self-test investigation only)
#   --loaders LIST     loaders to run, comma separated (default ours,theirs)
#   --ours-flags "ARGS"  options for our `kexec -l` (default -d)
#   --theirs-flags "ARGS"  options for kexec-tools' `kexec -l` (default none;
#                      e.g. --mem-min=ADDR to move its segments)
#   --qemu-extra "ARGS"  more QEMU arguments for every run, split at blanks;
#                      @RUN@ stands for the run's log path without .log
#                      (e.g. "-trace memory_notdirty_write_access -D @RUN@.trace")
#   --timeout SECONDS  hard limit per QEMU run (default 180)
#   --verbose          copy the serial console to stderr as it comes
#
# With --runs 3 the whole benchmark takes about 10 minutes on a 2-CPU host.
# stdout: one line per run, then the table.  Exit status 1 only if a run
# produced no figures (harness or boot failure: its log's tail is shown).
# DIR receives: results.tsv (one row per run), table.txt, logs/*.log (stamped
# serial logs), inputs/ (initrds, maxrss).
# shellcheck disable=SC2034,SC2154 # globals shared with lib.sh
set -euo pipefail
E2E_PROG=bench-arm64 # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" runs=3 out="" sizes=small,large cold=yes fallbacks=yes
append2_extra="" cold_rand=on earlycon=yes timeout_s=180 verbose=no
loaders=ours,theirs qemu_extra=() ours_flags=-d theirs_flags=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--no-cold) cold=no; shift ;;
	--no-fallbacks) fallbacks=no; shift ;;
	--append2) append2_extra=" $2"; shift 2 ;;
	--cold-dtb-randomness) cold_rand=$2; shift 2 ;;
	--no-earlycon) earlycon=no; shift ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--loaders) loaders=$2; shift 2 ;;
	--ours-flags) ours_flags=$2; shift 2 ;;
	--theirs-flags) theirs_flags=$2; shift 2 ;;
	--qemu-extra) read -r -a qemu_extra <<<"$2"; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
IFS=, read -r -a loader_list <<<"$loaders"
for l in "${loader_list[@]}"; do
	case $l in ours|theirs) ;; *) e2e_die "--loaders: unknown loader $l (ours, theirs)" ;; esac
done
case $runs in ''|*[!0-9]*|0) e2e_die "--runs must be a positive number" ;; esac
case $cold_rand in on|off) ;; *) e2e_die "--cold-dtb-randomness must be on or off" ;; esac
IFS=, read -r -a size_list <<<"$sizes"
for s in "${size_list[@]}"; do
	case $s in small|large) ;; *) e2e_die "--sizes: unknown size $s (small, large)" ;; esac
done

out=${out:-$e2e_dir/.out/bench-arm64}
mkdir -p "$out/logs" "$out/inputs"
out=$(cd "$out" && pwd)
work=$out/work # lib.sh's e2e_stamp reads $work/qemu.pid
mkdir -p "$work"

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
if [ -z "$kexec_bin" ]; then
	kexec_bin=$("$e2e_top/tests/build-static-kexec.sh" "$e2e_top/build-arm64") ||
		e2e_die "cannot build our kexec (pass --kexec PATH)"
fi
[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
readelf -h "$kexec_bin" 2>/dev/null | grep -q AArch64 || e2e_die "$kexec_bin is not an arm64 ELF"
! readelf -l "$kexec_bin" | grep -q INTERP || e2e_die "$kexec_bin is dynamically linked; need a static one"
# A private copy: the build tree may change while we run.
cp "$kexec_bin" "$out/inputs/kexec-ours"

image=$("$e2e_dir/fetch-debian.sh" --kexec-tools)
busybox=$e2e_debian/busybox/bin/busybox
kt_tree=$e2e_debian/kexec-tools/min
[ -x "$kt_tree/sbin/kexec" ] || e2e_die "no Debian kexec-tools in $kt_tree"
e2e_build_guest arm64 "$e2e_dir/guest/maxrss.c" "$out/inputs/maxrss"

token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1"
append2="console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1 bench_marker=$token$append2_extra"
[ $earlycon = yes ] || append2=${append2/ earlycon=pl011,0x9000000/}
machine=virt,virtualization=on,gic-version=3,its=off
qemu_base=(qemu-system-aarch64 -cpu cortex-a57 -smp 2 -m 1024 -nographic
	-no-reboot -nic none -kernel "$image" -pidfile "$work/qemu.pid")
# boot ARGS...: one QEMU run under the hard timeout, with --qemu-extra (in
# which @RUN@ stands for the run's log path without .log)
boot() {
	local x extra=()
	for x in ${qemu_extra[@]+"${qemu_extra[@]}"}; do extra+=("${x//@RUN@/${log%.log}}"); done
	e2e_boot "$timeout_s" "${qemu_base[@]}" "$@" ${extra[@]+"${extra[@]}"}
}

# The second initramfs: its /init prints the marker first thing, then (with
# bench_dmesg on the command line) dumps the kernel log, and powers off.
cat >"$work/init2" <<'EOF'
#!/bin/sh
echo "BENCH2: init2"
/bin/busybox mount -t proc proc /proc
case " $(/bin/busybox cat /proc/cmdline) " in
*" bench_dmesg "*)
	echo "BENCH2: BEGIN dmesg"
	/bin/busybox dmesg
	echo "BENCH2: END dmesg"
	/bin/busybox grep -E 'Kernel|initrd' /proc/iomem | /bin/busybox sed 's/^/BENCH2: iomem /'
	;;
esac
/bin/busybox poweroff -f
EOF

# raw_cpio OUT SRC:DEST...: an uncompressed newc cpio of these files (the
# kernel takes concatenated archives, compressed or not; GNU cpio pads to
# 512 bytes, so what follows starts 4-byte aligned as the kernel wants).
raw_cpio() {
	local dest_file=$1 stage f
	shift
	stage=$(mktemp -d "$work/stage.XXXXXX")
	for f in "$@"; do
		mkdir -p "$stage$(dirname "${f#*:}")"
		cp "${f%%:*}" "$stage${f#*:}"
	done
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$dest_file"
	rm -rf "$stage"
}

in=$out/inputs
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$in/initrd2-small"
if [[ ",$sizes," == *,large,* ]]; then
	if [ ! -s "$in/big.bin" ] || [ "$(stat -c %s "$in/big.bin")" -ne $((127 << 20)) ]; then
		head -c $((127 << 20)) /dev/urandom >"$in/big.bin"
	fi
	raw_cpio "$work/big.cpio" "$in/big.bin:/big"
	cat "$work/big.cpio" "$in/initrd2-small" >"$in/initrd2-large"
	rm -f "$work/big.cpio"
fi

# The first initramfs, per loader and size: busybox, /init, the loader,
# maxrss, /Image and /initrd2, uncompressed (the guest would take seconds to
# gunzip the large one).
write_init1() {  # write_init1 FILE FLAGS ENV
	{
		echo '#!/bin/sh'
		echo "APPEND2=\"$append2\""
		echo "FLAGS=\"$2\""
		echo "ENVV=\"$3\""
		cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "BENCH: init1 $(cat /proc/cmdline)"
echo "BENCH: load begin"
# What the loader prints (our -d plan) goes to a file, shown after the end
# marker: writing to the serial console is slow under TCG and would count
# against whichever loader says more.
env $ENVV /bin/maxrss /sbin/kexec $FLAGS -l /Image --initrd=/initrd2 --append="$APPEND2" >/load.out 2>&1
rc=$?
echo "BENCH: load end rc=$rc"
cat /load.out
sync
echo "BENCH: exec"
kexec -e
echo "BENCH: kexec -e returned rc=$?"
poweroff -f
EOF
	} >"$1"
}
make_initrd1() {  # make_initrd1 LOADER SIZE
	local loader=$1 size=$2 payload
	if [ "$loader" = ours ]; then
		payload=(--file "$in/kexec-ours:/sbin/kexec")
	else
		payload=(--tree "$kt_tree")
	fi
	write_init1 "$work/init1" X X
	"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$work/initrd1.gz" \
		"${payload[@]}" --file "$in/maxrss:/bin/maxrss" --file "$image:/Image"
	raw_cpio "$work/initrd2.cpio" "$in/initrd2-$size:/initrd2"
	# All uncompressed: an archive after a gzip'd one must start 4-byte
	# aligned, which the gzip stream's length does not guarantee.
	gzip -dc "$work/initrd1.gz" >"$work/initrd1.cpio"
	cat "$work/initrd2.cpio" "$work/initrd1.cpio" >"$in/initrd1-$loader-$size"
	rm -f "$work/initrd2.cpio" "$work/initrd1.gz" "$work/initrd1.cpio"
}
# The /init script differs per variant (flags, environment): it goes in a
# tiny extra archive appended last, which replaces the one in initrd1.
init1_archive() {  # init1_archive OUT FLAGS ENV
	write_init1 "$work/init1" "$2" "$3"
	chmod 755 "$work/init1"
	raw_cpio "$1" "$work/init1:/init"
	chmod 755 "$1"
}

# --- one run ------------------------------------------------------------------
results=$out/results.tsv
failed_runs=0

# st LINE: the host stamp of a log line
st() { [ -n "$1" ] && printf '%s' "${1%% *}"; }
diff_s() {  # diff_s FROM_LINE TO_LINE: seconds, or "" if either is missing
	local a b
	a=$(st "$1" || true) b=$(st "$2" || true)
	[ -n "$a" ] && [ -n "$b" ] || { echo ""; return 0; }
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }'
}
# after_first N ERE: the first log line after line N matching ERE
after_first() { awk -v n="$1" -v re="$2" 'NR > n && $0 ~ re { print; exit }' "$log"; }
after_lineno() { awk -v n="$1" -v re="$2" 'NR > n && $0 ~ re { print NR; exit }' "$log"; }
# the kernel's own timings from the dmesg dump (bench_dmesg)
dmesg_facts() {
	awk '
		/BENCH2: BEGIN dmesg/ { p = 1; next } /BENCH2: END dmesg/ { p = 0 }
		!p { next }
		/initcall crypto_algapi_init/ && match($0, /after [0-9]+ usecs/) {
			crypto = substr($0, RSTART + 6, RLENGTH - 11) / 1000 }
		/Run \/init as init process/ && match($0, /\[ *[0-9.]+\]/) {
			kinit = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/crng init done/ && match($0, /\[ *[0-9.]+\]/) {
			crng = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		END { printf "%s\t%s\t%s", crypto, kinit, crng }' "$log"
}
# largest_gap FROM_N TO_N: the longest silence between consecutive stamped
# lines in that range, and the line that ended it
largest_gap() {
	awk -v a="$1" -v b="$2" 'NR >= a && NR <= b {
			if (NR > a && $1 - prev > best) { best = $1 - prev; line = $0 }
			prev = $1 }
		END { sub(/^[^ ]* /, "", line); gsub(/\t/, " ", line)
			printf "%.3f\t%s", best, substr(line, 1, 100) }' "$log"
}

show_failure() {
	failed_runs=$((failed_runs + 1))
	echo "# FAILED: $1 (QEMU exit status $qemu_rc); last 25 lines of $log:"
	grep -v 'HOST: qemu exit' "$log" | tail -n 25 | sed 's/^[^ ]* /#   /'
}

run_kexec() {  # run_kexec LOADER SIZE VARIANT RUN
	local loader=$1 size=$2 variant=$3 run=$4 flags=$theirs_flags envv="" label
	local begin end maxrss exec bye_n bye first2_n first2 init2 engine ok=yes
	local a d eb b c gap facts
	[ "$loader" = theirs ] || flags=$ours_flags
	case $variant in
	default) ;;
	portable) envv=KEXEC_SHA256_PORTABLE=1 ;;
	uncached) envv=KEXEC_PURGATORY_UNCACHED=1 ;;
	esac
	label="$loader $size${envv:+ $envv}"
	init1_archive "$work/init1.cpio" "$flags" "$envv"
	cat "$in/initrd1-$loader-$size" "$work/init1.cpio" >"$work/initrd1"
	log=$out/logs/kexec-$loader-$size-$variant-$run.log
	boot -M "$machine" -initrd "$work/initrd1" -append "$append1"
	begin=$(first 'BENCH: load begin')
	end=$(first 'BENCH: load end rc=')
	maxrss=$(first 'MAXRSS: kib=')
	exec=$(first 'BENCH: exec$')
	bye_n=$(lineno 'Bye!')
	bye="" first2_n=0 first2=""
	if [ -n "$bye_n" ]; then
		bye=$(sed -n "${bye_n}p" "$log")
		first2_n=$(after_lineno "$bye_n" 'Booting Linux')
		[ -n "$first2_n" ] && first2=$(sed -n "${first2_n}p" "$log")
	fi
	init2=$(first 'BENCH2: init2')
	engine=$(first 'kexec purgatory: [0-9]+ segments verified' | sed -n 's/.*verified (\(.*\)).*/\1/p')
	[ "$loader" = ours ] || engine="kexec-tools purgatory"
	a=$(diff_s "$begin" "$end")
	d=$(sed -n 's/.*MAXRSS: kib=\([0-9]*\).*/\1/p' <<<"$maxrss")
	eb=$(diff_s "$exec" "$bye")
	b=$(diff_s "$bye" "$first2")
	c=$(diff_s "$first2" "$init2")
	if [ -z "$a" ] || [ -z "$d" ] || [ -z "$b" ] || [ -z "$c" ] ||
		! grep -q 'BENCH: load end rc=0' <<<"$end" ||
		! grep -q "bench_marker=$token" "$log"; then
		ok=no
	fi
	gap=$'\t'
	[ -n "$first2_n" ] && [ -n "$init2" ] && gap=$(largest_gap "$first2_n" "$(lineno 'BENCH2: init2')")
	facts=$(dmesg_facts)
	printf 'kexec\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\t%s\t%s\t%s\t%s\n' \
		"$loader" "$size" "$variant" "$run" "$ok" "$a" "$d" "$eb" "$b" "$c" \
		"$engine" "$facts" "$gap" "${log#"$out"/}" >>"$results"
	if [ $ok = no ]; then
		show_failure "$label run $run"
		return 0
	fi
	printf '# %-44s run %s: (a) %6.2f s  (d) %6.1f MiB  exec->Bye %5.2f s  (b) %6.2f s  (c) %6.2f s%s\n' \
		"$label" "$run" "$a" "$(awk -v k="$d" 'BEGIN { print k / 1024 }')" "$eb" "${b:-0}" "$c" \
		"${engine:+  [$engine]}"
	printf '#     longest silence in (c): %s s, ended by: %s\n' "${gap%%$'\t'*}" "${gap#*$'\t'}"
	[ -z "${facts//$'\t'/}" ] || printf '#     dmesg: crypto_algapi_init %s ms, Run /init at %s s, crng init done at %s s\n' \
		"$(cut -f1 <<<"$facts")" "$(cut -f2 <<<"$facts")" "$(cut -f3 <<<"$facts")"
}

run_cold() {  # run_cold SIZE RUN
	local size=$1 run=$2 m=$machine start first1 init2 ok=yes fs is gap facts
	[ "$cold_rand" = on ] || m=$m,dtb-randomness=off
	log=$out/logs/cold-$size-$run.log
	boot -M "$m" -initrd "$in/initrd2-$size" -append "$append2"
	start=$(head -n 1 "$log")
	first1=$(first 'Booting Linux')
	init2=$(first 'BENCH2: init2')
	fs=$(diff_s "$start" "$first1")
	is=$(diff_s "$first1" "$init2")
	[ -n "$fs" ] && [ -n "$is" ] && grep -q "bench_marker=$token" "$log" || ok=no
	gap=$'\t'
	[ $ok = yes ] && gap=$(largest_gap "$(lineno 'Booting Linux')" "$(lineno 'BENCH2: init2')")
	facts=$(dmesg_facts)
	printf 'cold\tcold\t%s\tdefault\t%s\t%s\t\t\t\t\t\t%s\t%s\t\t%s\t%s\t%s\n' \
		"$size" "$run" "$ok" "$fs" "$is" "$facts" "$gap" "${log#"$out"/}" >>"$results"
	if [ $ok = no ]; then
		show_failure "cold boot $size run $run"
		return 0
	fi
	printf '# %-44s run %s: QEMU start->first line %5.2f s  first line->/init %6.2f s\n' \
		"cold boot $size" "$run" "$fs" "$is"
	printf '#     longest silence in first line->/init: %s s, ended by: %s\n' "${gap%%$'\t'*}" "${gap#*$'\t'}"
	[ -z "${facts//$'\t'/}" ] || printf '#     dmesg: crypto_algapi_init %s ms, Run /init at %s s, crng init done at %s s\n' \
		"$(cut -f1 <<<"$facts")" "$(cut -f2 <<<"$facts")" "$(cut -f3 <<<"$facts")"
}

# --- the runs -----------------------------------------------------------------
# Fresh results for this invocation (an older results.tsv is kept aside).
[ ! -s "$results" ] || mv "$results" "$results.prev"
printf 'kind\tloader\tsize\tvariant\trun\tok\ta_s\td_kib\texec_bye_s\tb_s\tc_s\tcold_first_s\tcold_init_s\tengine\tcrypto_ms\tk_init_s\tcrng_s\tgap_s\tgap_line\tlog\n' >"$results"
t0=$EPOCHREALTIME
echo "# bench-arm64: $(date -u '+%Y-%m-%d %H:%M UTC'), $runs run(s) per configuration"
echo "# host CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $(nproc); $(qemu-system-aarch64 --version | head -n 1)"
echo "# kernel: $(basename "$image") ($(stat -c %s "$image") bytes); ours: $kexec_bin; theirs: Debian kexec-tools $(zcat "$e2e_debian/kexec-tools/usr/share/doc/kexec-tools/changelog.Debian.gz" 2>/dev/null | sed -n '1s/.*(\(.*\)).*/\1/p')"
echo "# next kernel's command line: $append2"
for size in "${size_list[@]}"; do
	echo "# initrd2 $size: $(stat -c %s "$in/initrd2-$size") bytes"
	for loader in "${loader_list[@]}"; do make_initrd1 "$loader" "$size"; done
done
for run in $(seq 1 "$runs"); do
	for size in "${size_list[@]}"; do
		for loader in "${loader_list[@]}"; do run_kexec "$loader" "$size" default "$run"; done
		[ $cold = no ] || run_cold "$size" "$run"
	done
done
if [ $fallbacks = yes ] && [[ ",$loaders," == *,ours,* ]]; then
	fsize=large
	[[ ",$sizes," == *,large,* ]] || fsize=${size_list[0]}
	run_kexec ours "$fsize" portable 1
	run_kexec ours "$fsize" uncached 1
fi
rm -f "$work/initrd1" "$work/init1.cpio" "$work/init1"

# --- the table ----------------------------------------------------------------
awk -F'\t' -v runs="$runs" -v elapsed="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')" '
function add(key, v) { if (v != "") { n[key]++; val[key, n[key]] = v + 0 } }
function median(key,   i, j, t, m, a) {
	m = n[key]
	if (!m) return ""
	for (i = 1; i <= m; i++) a[i] = val[key, i]
	for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function f(v, fmt) { return v == "" ? "-" : sprintf(fmt, v) }
function ratio(x, y) { return (x == "" || y == "" || y == 0) ? "" : x / y }
NR == 1 { next }
$6 != "yes" { next }
{
	k = $1 "/" $2 "/" $3 "/" $4
	seen[$3] = 1
	add(k "/a", $7); add(k "/d", $8 == "" ? "" : $8 / 1024); add(k "/eb", $9)
	add(k "/b", $10); add(k "/c", $11)
	if ($10 != "" && $11 != "") add(k "/bc", $10 + $11)
	add(k "/cf", $12); add(k "/ci", $13); add(k "/crypto", $15); add(k "/kinit", $16)
	if ($14 != "") engine[k] = $14
}
END {
	nsz = 0
	if ("small" in seen) sz[++nsz] = "small"
	if ("large" in seen) sz[++nsz] = "large"
	split("a d eb b c bc", ph, " ")
	name["a"] = "(a) kexec -l wall time (s)"
	name["d"] = "(d) kexec -l peak RSS (MiB)"
	name["eb"] = "    kexec -e marker to Bye! (s)"
	name["b"] = "(b) Bye! to next first line (s)"
	name["c"] = "(c) next first line to /init (s)"
	name["bc"] = "(b)+(c) Bye! to next /init (s)"
	printf "Medians of %d run(s) per configuration (benchmark took %d s)\n\n", runs, elapsed
	printf "%-34s", "phase"
	for (i = 1; i <= nsz; i++) printf " | %-8s %8s %8s %11s", sz[i], "ours", "theirs", "ours/theirs"
	printf "\n"
	for (p = 1; p <= 6; p++) {
		printf "%-34s", name[ph[p]]
		for (i = 1; i <= nsz; i++) {
			o = median("kexec/ours/" sz[i] "/default/" ph[p]); t = median("kexec/theirs/" sz[i] "/default/" ph[p])
			fmt = ph[p] == "d" ? "%8.1f" : "%8.2f"
			printf " | %-8s %8s %8s %11s", "", f(o, fmt), f(t, fmt), f(ratio(o, t), "%11.3f")
		}
		printf "\n"
	}
	for (i = 1; i <= nsz; i++) {
		kc = "cold/cold/" sz[i] "/default/"
		if (n[kc "cf"]) {
			if (!hdr++) printf "\nCold boot, same kernel, initrd and command line:\n"
			printf "  %-6s QEMU start to first line %6.2f s, first line to /init %6.2f s (%d run(s))\n", \
				sz[i], median(kc "cf"), median(kc "ci"), n[kc "cf"]
		}
	}
	crypto = 0
	for (key in n) if (key ~ /\/crypto$/) crypto = 1
	if (crypto) {
		printf "\nKernel timings from dmesg (medians): crypto_algapi_init (ms) / Run /init at (s, kernel clock)\n"
		for (i = 1; i <= nsz; i++) {
			printf "  %-6s", sz[i]
			split("kexec/ours kexec/theirs cold/cold", lk, " ")
			for (j = 1; j <= 3; j++) {
				kk = lk[j] "/" sz[i] "/default/"
				printf "  %s: %s / %s", lk[j] == "cold/cold" ? "cold" : substr(lk[j], 7), \
					f(median(kk "crypto"), "%.0f"), f(median(kk "kinit"), "%.2f")
			}
			printf "\n"
		}
	}
	eng = ""
	for (i = 1; i <= nsz; i++) {
		ko = "kexec/ours/" sz[i] "/default"
		if (engine[ko] != "") eng = eng sprintf("%s%s: %s", eng == "" ? "" : "; ", sz[i], engine[ko])
	}
	if (eng != "") printf "\nOur purgatory reported: %s\n", eng
	fb = 0
	for (i = 1; i <= nsz; i++) for (v = 1; v <= 2; v++) {
		var = v == 1 ? "portable" : "uncached"
		kf = "kexec/ours/" sz[i] "/" var "/"
		if (!n[kf "a"]) continue
		if (!fb++) printf "\nOur fallbacks (single runs; compare with the ours column above):\n"
		printf "  %-6s %-28s (a) %6.2f s  (d) %6.1f MiB  (b) %6.2f s  (c) %6.2f s  [%s]\n", sz[i], \
			var == "portable" ? "KEXEC_SHA256_PORTABLE=1" : "KEXEC_PURGATORY_UNCACHED=1", \
			median(kf "a"), median(kf "d"), median(kf "b"), median(kf "c"), engine["kexec/ours/" sz[i] "/" var]
	}
	printf "\nTargets (ours/theirs of the medians):\n"
	printf "%-34s", "target"
	for (i = 1; i <= nsz; i++) printf " | %-20s", sz[i]
	printf "\n"
	split("b bc a d", tg, " ")
	tn["b"] = "(b) ratio <= 1/20, verifying"; lim["b"] = 1 / 20
	tn["bc"] = "(b)+(c) ratio <= 1/4"; lim["bc"] = 1 / 4
	tn["a"] = "(a) ratio <= 1/3"; lim["a"] = 1 / 3
	tn["d"] = "(d) ours <= theirs"; lim["d"] = 1
	for (p = 1; p <= 4; p++) {
		printf "%-34s", tn[tg[p]]
		for (i = 1; i <= nsz; i++) {
			r = ratio(median("kexec/ours/" sz[i] "/default/" tg[p]), median("kexec/theirs/" sz[i] "/default/" tg[p]))
			printf " | %-20s", r == "" ? "n/a" : sprintf("%.3f %s", r, r <= lim[tg[p]] ? "meets" : "misses")
		}
		printf "\n"
	}
}' "$results" | tee "$out/table.txt"
echo "# results: $results; logs: $out/logs/"
[ "$failed_runs" -eq 0 ] || { echo "# $failed_runs run(s) failed"; exit 1; }
