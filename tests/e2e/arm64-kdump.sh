#!/usr/bin/env bash
# End-to-end kdump test for arm64 under QEMU (TCG): boots Debian bookworm's
# cloud kernel with crashkernel=256M; its /init plants pages holding a fresh
# token at known physical addresses (guest/plant.c), loads a capture kernel
# with `kexec -p`, exercises `kexec -S` / `kexec -u -p`, and panics the
# kernel through sysrq.  The capture kernel's /init reads /proc/vmcore
# (guest/vmcore-check.c) and reports its ELF notes, its PT_LOADs and the
# planted pages it finds there; the host checks all of it against what the
# first kernel reported (its /proc/iomem, uname -r, the pages' frame numbers).
# At EL2 it also checks that KVM owned EL2 when the first kernel panicked (a
# panic runs no reboot notifier) and that the capture kernel got EL2 back.
#
# usage: tests/e2e/arm64-kdump.sh (--kexec PATH | --kexec-tools-debian)
#            --mode el2|el1 [--out DIR] [--timeout SECONDS] [--verbose]
#            [--pages N] [--crashkernel SIZE] [--kexec-debug]
#   --kexec PATH          a static arm64 kexec binary (ours), put at /sbin/kexec
#   --kexec-tools-debian  Debian's kexec-tools:arm64 instead (to validate the
#                         harness; see ARM-BOOT-NOTES.md: its dumps of this
#                         kernel are known to be broken)
#   --mode el2            QEMU with virtualization=on: the kernel starts at EL2
#   --mode el1            without it: the kernel starts at EL1
#   --out DIR             logs and captured data (default tests/e2e/.out/arm64-kdump-MODE)
#   --timeout SECONDS     hard limit for the whole QEMU run (default 240)
#   --pages N             pages to plant and look for (default 64)
#   --crashkernel SIZE    the first kernel's crashkernel= (default 256M)
#   --kexec-debug         load with -d (the plan goes to the serial log)
#   --verbose             also copy the serial console to stderr as it comes
#
# stdout: one "ok - ..." / "not ok - ..." line per assertion, then the
# measured wall times.  Exit status 0 only when every assertion passed.
# DIR receives: serial.log (every line stamped with the host's wall clock),
# iomem.txt (the first kernel's /proc/iomem), expected-loads.txt (System RAM
# minus the crash region), vmcore-loads.txt (the union of the dump's
# PT_LOADs), vmcore-check.txt (the capture kernel's report), the two
# initramfs and the guest programs.
set -euo pipefail
E2E_PROG=arm64-kdump # read by lib.sh
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

kexec_bin="" debian_kexec=no mode="" out="" timeout_s=240 verbose=no
pages=64 crashkernel=256M load_flags=""
while [ $# -gt 0 ]; do
	case $1 in
	--kexec) kexec_bin=$2; shift 2 ;;
	--kexec-tools-debian) debian_kexec=yes; shift ;;
	--mode) mode=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--verbose) verbose=yes; shift ;;
	--pages) pages=$2; shift 2 ;;
	--crashkernel) crashkernel=$2; shift 2 ;;
	--kexec-debug) load_flags=-d; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) e2e_die "unknown argument $1 (see --help)" ;;
	esac
done
# its=off: see arm64-kexec.sh (ARM-BOOT-NOTES.md).
case $mode in
el2) machine=virt,virtualization=on,gic-version=3,its=off; expect_mode=EL2 ;;
el1) machine=virt,gic-version=3,its=off; expect_mode=EL1 ;;
*) e2e_die "--mode must be el2 or el1" ;;
esac
# 64 entries of "INDEX:PFN," fit the capture kernel's command line
# (COMMAND_LINE_SIZE is 2048 on arm64) with room to spare.
case $pages in
''|*[!0-9]*) e2e_die "--pages must be a number" ;;
esac
if [ "$pages" -lt 1 ] || [ "$pages" -gt 100 ]; then e2e_die "--pages must be 1 to 100"; fi
if [ $debian_kexec = yes ]; then
	[ -z "$kexec_bin" ] || e2e_die "--kexec and --kexec-tools-debian exclude each other"
else
	[ -n "$kexec_bin" ] || e2e_die "need --kexec PATH or --kexec-tools-debian"
	[ -f "$kexec_bin" ] || e2e_die "no kexec binary at $kexec_bin"
fi
out=${out:-$e2e_dir/.out/arm64-kdump-$mode}
mkdir -p "$out"
out=$(cd "$out" && pwd)

e2e_need_tools qemu-system-aarch64:qemu-system-arm timeout:coreutils \
	cpio:cpio gzip:gzip readelf:binutils awk:mawk

# --- inputs -------------------------------------------------------------------
if [ $debian_kexec = yes ]; then
	image=$("$e2e_dir/fetch-debian.sh" --kexec-tools)
	kexec_payload=(--tree "$e2e_debian/kexec-tools/min")
else
	image=$("$e2e_dir/fetch-debian.sh")
	readelf -h "$kexec_bin" 2>/dev/null | grep -q 'AArch64' || e2e_die "$kexec_bin is not an arm64 ELF"
	if readelf -l "$kexec_bin" | grep -q INTERP; then
		e2e_log "warning: $kexec_bin is dynamically linked; the initramfs has no libraries for it"
	fi
	kexec_payload=(--file "$kexec_bin:/sbin/kexec")
fi
busybox=$e2e_debian/busybox/bin/busybox

work=$out/work
rm -rf "$work"
mkdir -p "$work"
e2e_build_guest arm64 "$e2e_dir/guest/plant.c" "$out/plant"
e2e_build_guest arm64 "$e2e_dir/guest/vmcore-check.c" "$out/vmcore-check"

# A token the host invents: written into the planted pages by the first
# kernel's user space and handed to the capture kernel only through the
# command line of `kexec -p --append`.
token=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
append1="console=ttyAMA0 panic=-1 crashkernel=$crashkernel"
# cma=0: Debian reserves 64 MiB of CMA, too much inside a 256 MiB region.
# earlycon: the capture kernel prints from its first instructions, so the
# gap from the panic to it can be timed.  e2e_pfns= is appended in the guest.
append2="console=ttyAMA0 earlycon=pl011,0x9000000 cma=0 panic=-1 e2e_token=$token"

# --- the capture kernel's initramfs -------------------------------------------
{
	echo '#!/bin/sh'
	echo "MODE_ERE='$e2e_mode_ere'"
	cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "E2E2: init2 start"
echo "E2E2: cmdline2 $(cat /proc/cmdline)"
echo "E2E2: mode2 $(dmesg | grep -o -E "$MODE_ERE" | head -n 1)"
echo "E2E2: uname2 $(uname -r)"
echo "E2E: BEGIN vmcore"
/vmcore-check
echo "E2E: END vmcore rc=$?"
dmesg | grep -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle' | sed 's/^/E2E2: dmesg-bad /'
echo "E2E2: dmesg-bad count=$(dmesg | grep -c -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle')"
echo "E2E2: init2 done, powering off"
poweroff -f
EOF
} >"$work/init2"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init2" --out "$out/initrd2.cpio.gz" \
	--file "$out/vmcore-check:/vmcore-check"

# --- the first initramfs ------------------------------------------------------
# Raw facts between "E2E: BEGIN x" / "E2E: END x ..." lines; the host
# decides what passes.  Every kexec step reads back kexec_crash_loaded.
{
	echo '#!/bin/sh'
	echo "APPEND2=\"$append2\""
	echo "LOAD_FLAGS=\"$load_flags\""
	echo "TOKEN=$token"
	echo "PAGES=$pages"
	echo "MODE_ERE='$e2e_mode_ere'"
	cat <<'EOF'
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
KEXEC=/sbin/kexec
loaded() { cat /sys/kernel/kexec_crash_loaded; }
run() {
	name=$1
	shift
	echo "E2E: BEGIN $name: $*"
	"$@"
	rc=$?
	echo "E2E: END $name rc=$rc loaded=$(loaded)"
}
echo "E2E: init1 start"
echo "E2E: cmdline1 $(cat /proc/cmdline)"
echo "E2E: mode1 $(dmesg | grep -o -E "$MODE_ERE" | head -n 1)"
echo "E2E: uname1 $(uname -r)"
echo "E2E: crash_size $(cat /sys/kernel/kexec_crash_size)"
echo "E2E: BEGIN iomem"
cat /proc/iomem
echo "E2E: END iomem"

# Compaction may migrate mlock()ed pages unless told not to.
echo 0 >/proc/sys/vm/compact_unevictable_allowed
/plant -n "$PAGES" "$TOKEN" >/tmp/plant.out 2>&1 &
PLANT=$!
i=0
while ! grep -q '^PLANT: ready' /tmp/plant.out && kill -0 $PLANT 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "E2E: BEGIN plant"
cat /tmp/plant.out
echo "E2E: END plant"
PFNS=$(sed -n 's/^PLANT: e2e_pfns=//p' /tmp/plant.out)
APPEND2="$APPEND2 e2e_pfns=$PFNS"

run status-empty $KEXEC -S
run load $KEXEC $LOAD_FLAGS -p /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-loaded $KEXEC -S
echo "E2E: kexec_loaded (normal slot) after kexec -p: $(cat /sys/kernel/kexec_loaded)"
run unload $KEXEC -u -p
run status-unloaded $KEXEC -S
run reload $KEXEC $LOAD_FLAGS -p /Image --initrd=/initrd2.cpio.gz --append="$APPEND2"
run status-reloaded $KEXEC -S

# Did any planted page move while we loaded?  (plant re-reads pagemap.)
kill -USR1 $PLANT
i=0
while ! grep -q '^PLANT: recheck' /tmp/plant.out && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "E2E: $(grep -m1 '^PLANT: recheck' /tmp/plant.out)"
sync
echo "E2E: panic now"
echo c >/proc/sysrq-trigger
echo "E2E: END panic (sysrq returned)"
poweroff -f
EOF
} >"$work/init1"
"$e2e_dir/mkinitramfs.sh" --busybox "$busybox" --init "$work/init1" --out "$out/initrd1.cpio.gz" \
	"${kexec_payload[@]}" \
	--file "$image:/Image" \
	--file "$out/initrd2.cpio.gz:/initrd2.cpio.gz" \
	--file "$out/plant:/plant"

# -nic none: see arm64-kexec.sh.
smp=2
qemu=(qemu-system-aarch64 -M "$machine" -cpu cortex-a57 -smp "$smp" -m 1024
	-nographic -no-reboot -nic none -kernel "$image" -initrd "$out/initrd1.cpio.gz"
	-append "$append1" -pidfile "$work/qemu.pid")

# --- boot ---------------------------------------------------------------------
log=$out/serial.log
e2e_log "booting ($mode, token $token, timeout ${timeout_s}s); serial log: $log"
e2e_boot "$timeout_s" "${qemu[@]}"

# --- assertions ---------------------------------------------------------------
failures=0
e2e_check_first_kernel "$out"

uname1=$(text "$(first 'E2E: uname1 ')" | sed 's/.*E2E: uname1 //')
check "first kernel reserved a crash region (kexec_crash_size $(text "$(first 'E2E: crash_size ')" | sed 's/.*crash_size //'))" \
	grep -q ': Crash kernel$' "$out/iomem.txt"

# The planted pages, as "INDEX:PFN" lines (PFN in lower-case hex).
{ e2e_section plant | sed -n 's/^PLANT: e2e_pfns=//p' | head -n 1 | tr ',' '\n' | grep . || true; } |
	LC_ALL=C sort >"$work/planted.txt"
n_planted=$(wc -l <"$work/planted.txt")
check "plant reported the frame numbers of its $pages pages (listed $n_planted)" eq "$n_planted" "$pages"
recheck=$(first 'E2E: PLANT: recheck ')
check "no planted page moved before the panic (${recheck:+$(text "$recheck" | sed 's/.*PLANT: //')})" \
	grep -q 'moved=0$' <<<"$recheck"

check "kexec -S says \"not loaded\" before anything is loaded (rc=$(rc_of status-empty))" eq "$(rc_of status-empty)" 0
check "kexec_crash_loaded is 0 before anything is loaded" eq "$(loaded_of status-empty)" 0
msg=$(output_of load | grep -v '^ *$' | head -n 1 || true)
check "kexec -p Image --initrd --append exits 0 (rc=$(rc_of load))${msg:+ (\"$msg\")}" eq "$(rc_of load)" 0
check "kexec_crash_loaded is 1 after kexec -p" eq "$(loaded_of load)" 1
check "kexec -S says \"loaded\" (1) once a crash kernel is loaded (rc=$(rc_of status-loaded))" eq "$(rc_of status-loaded)" 1
normal=$(first 'E2E: kexec_loaded \(normal slot\) after kexec -p: ' | sed 's/.*: //')
check "kexec -p left the normal slot empty (kexec_loaded ${normal:-?})" eq "$normal" 0
check "kexec -u -p exits 0 (rc=$(rc_of unload))" eq "$(rc_of unload)" 0
check "kexec_crash_loaded is 0 after kexec -u -p" eq "$(loaded_of unload)" 0
check "kexec -S says \"not loaded\" (0) after kexec -u -p (rc=$(rc_of status-unloaded))" eq "$(rc_of status-unloaded)" 0
check "second kexec -p exits 0 (rc=$(rc_of reload))" eq "$(rc_of reload)" 0
check "kexec -S says \"loaded\" (1) after the second kexec -p (rc=$(rc_of status-reloaded))" eq "$(rc_of status-reloaded)" 1

panic_n=$(lineno 'Kernel panic - not syncing')
check "first /init triggered the panic" test -n "$(first 'E2E: panic now')" -a -n "$panic_n"
check "the sysrq write did not return" test -z "$(first 'E2E: END panic')"
bye_n=0 boot2_n=0
if [ -n "$panic_n" ]; then
	bye_n=$(e2e_after "$panic_n" 'Bye!')
	boot2_n=$(e2e_after "$panic_n" 'Booting Linux')
fi
check "first kernel reached machine_kexec on the panic (\"Bye!\" after the panic)" test "${bye_n:-0}" != 0
check "capture kernel booted (\"Booting Linux\" after the panic)" test "${boot2_n:-0}" != 0
init2=$(first 'E2E2: init2 start')
check "capture kernel's /init ran" test -n "$init2"
cmdline2=$(first 'E2E2: cmdline2 ')
check "capture kernel's /proc/cmdline carries e2e_token=$token" grep -q "e2e_token=$token" <<<"$cmdline2"
mode2=$(e2e_mode_of "$(first 'E2E2: mode2 ')")
echo "# capture kernel: $(text "$cmdline2" | sed 's/.*E2E2: //')"
echo "# capture kernel entry mode: ${mode2:-unknown}"
check "capture kernel entered in the same mode as the first (${mode2:-?} vs ${mode1:-?})" \
	test -n "$mode2" -a "$mode2" = "$mode1"
if [ "$mode" = el2 ]; then
	# A panic runs no reboot notifier: KVM still owns EL2 when the first
	# kernel dies, and must hand it back for the crash kexec (seed 002).
	kvm1=$(grep -n -m1 'kvm \[[0-9]*\]: Hyp mode initialized successfully' "$log" | cut -d: -f1 || true)
	check "KVM owned EL2 in the first kernel when it panicked" \
		test -n "$kvm1" -a "${kvm1:-0}" -lt "${panic_n:-0}"
	kvm2=0
	[ "${boot2_n:-0}" != 0 ] && kvm2=$(e2e_after "$boot2_n" 'kvm \[[0-9]+\]: Hyp mode initialized successfully')
	check "capture kernel initialised KVM at EL2 too" test "${kvm2:-0}" != 0
fi

# --- the dump -----------------------------------------------------------------
e2e_section vmcore | grep -E '^VMCORE: ' >"$out/vmcore-check.txt" || true
vc() { grep -m1 -E "^VMCORE: $1" "$out/vmcore-check.txt" || true; }
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
read_line=$(vc 'read ')
size_line=$(vc 'size ')
echo "# /proc/vmcore: ${size_line#VMCORE: } ${read_line#VMCORE: }"
check "capture kernel has a /proc/vmcore (${size_line:-no size line})" test -n "$size_line"
check "/proc/vmcore read to its end without error (${read_line#VMCORE: })" \
	test -n "$read_line" -a "$(field error "$read_line")" = none -a \
	"$(field bytes "$read_line")" = "$(field bytes "$size_line")"
bad_count=$(first 'E2E2: dmesg-bad count=' | sed 's/.*count=//')
after_boot2=""
[ "${boot2_n:-0}" != 0 ] && after_boot2=$(tail -n +"$boot2_n" "$log" |
	grep -E 'Oops|(^|[^A-Z])BUG[: ]|Unable to handle' | head -n 1 | sed 's/^[^ ]* //' || true)
check "no Oops/BUG/Unable to handle in the capture kernel (dmesg count ${bad_count:-?}${after_boot2:+, console: \"$after_boot2\"})" \
	test "${bad_count:-x}" = 0 -a -z "$after_boot2"
check "vmcore-check ran to its end (rc=$(sed -n 's/.* rc=//p' <<<"$(first 'E2E: END vmcore rc=')"))" \
	test -n "$(vc 'pfns ')"

elf=$(vc 'elf ')
check "/proc/vmcore is an ELF64 core for AArch64 (${elf#VMCORE: })" \
	test "$(field class "$elf")" = 64 -a "$(field machine "$elf")" = 183 -a "$(field type "$elf")" = 4
notes=$(vc 'notes ')
check "exactly one PT_NOTE (${notes#VMCORE: })" eq "$(field pt_note "$notes")" 1
check "one NT_PRSTATUS per possible CPU ($smp; found $(field prstatus "$notes"))" eq "$(field prstatus "$notes")" "$smp"
check "one VMCOREINFO note" eq "$(field vmcoreinfo "$notes")" 1
osrel=$(vc 'vmcoreinfo OSRELEASE=' | sed 's/.*OSRELEASE=//')
check "VMCOREINFO's OSRELEASE is the first kernel's uname -r (${osrel:-none} vs ${uname1:-?})" \
	test -n "$osrel" -a "$osrel" = "$uname1"

# Ranges as "START END" in decimal, END exclusive; merged when they overlap
# or touch.
merge_ranges() {
	local s e cs="" ce=""
	while read -r s e; do
		if [ -z "$cs" ]; then
			cs=$s ce=$e
		elif [ "$s" -le "$ce" ]; then
			[ "$e" -le "$ce" ] || ce=$e
		else
			echo "$cs $ce"
			cs=$s ce=$e
		fi
	done < <(sort -n -k1,1)
	[ -z "$cs" ] || echo "$cs $ce"
}
# subtract_ranges FILE: stdin minus the ranges in FILE (both merged).
subtract_ranges() {
	local s e cs ce
	while read -r s e; do
		while read -r cs ce; do
			[ "$ce" -le "$s" ] || [ "$cs" -ge "$e" ] && continue
			[ "$cs" -le "$s" ] || echo "$s $cs"
			s=$ce
			[ "$s" -lt "$e" ] || break
		done <"$1"
		[ "$s" -ge "$e" ] || echo "$s $e"
	done
}
to_hex() { while read -r s e; do printf '%#x-%#x\n' "$s" "$((e - 1))"; done; }
iomem_ranges() {  # iomem_ranges ERE: the iomem.txt lines matching it
	grep -E "$1" "$out/iomem.txt" | sed -E 's/^ *([0-9a-f]+)-([0-9a-f]+) .*/\1 \2/' |
		while read -r a b; do echo "$((16#$a)) $((16#$b + 1))"; done
}
{ iomem_ranges '^[0-9a-f]+-[0-9a-f]+ : System RAM$' || true; } | merge_ranges >"$work/ram.txt"
{ iomem_ranges ': Crash kernel$' || true; } | merge_ranges >"$work/crash.txt"
subtract_ranges "$work/crash.txt" <"$work/ram.txt" | merge_ranges | to_hex >"$out/expected-loads.txt"
{ grep '^VMCORE: load ' "$out/vmcore-check.txt" || true; } | while read -r line; do
	p=$(field paddr "$line") z=$(field size "$line")
	echo "$((p)) $((p + z))"
done | merge_ranges | to_hex >"$out/vmcore-loads.txt"
n_loads=$(grep -c '^VMCORE: load ' "$out/vmcore-check.txt" || true)
echo "# System RAM minus Crash kernel: $(tr '\n' ' ' <"$out/expected-loads.txt")"
echo "# union of the $n_loads PT_LOADs:  $(tr '\n' ' ' <"$out/vmcore-loads.txt")"
check "the union of the PT_LOADs is exactly System RAM minus the crash region" \
	test -s "$out/expected-loads.txt" -a "$(cat "$out/vmcore-loads.txt")" = "$(cat "$out/expected-loads.txt")"

# Every planted page, found with its token and index at its physical address.
{ grep '^VMCORE: pfn .*result=ok' "$out/vmcore-check.txt" || true; } |
	sed -E 's/.* index=([0-9]+) pfn=0x([0-9a-f]+) .*/\1:\2/' | LC_ALL=C sort >"$work/found.txt"
n_found=$(LC_ALL=C comm -12 "$work/planted.txt" "$work/found.txt" | wc -l)
absent=$(LC_ALL=C comm -23 "$work/planted.txt" "$work/found.txt" | head -n 3 | tr '\n' ' ')
first_bad=$(grep '^VMCORE: pfn ' "$out/vmcore-check.txt" | grep -m1 -v 'result=ok' || true)
check "all $n_planted planted pages found in /proc/vmcore with token and index ($n_found found${absent:+; missing e.g. $absent}${first_bad:+; e.g. ${first_bad#VMCORE: }})" \
	test "$n_planted" -gt 0 -a "$n_found" = "$n_planted"
check "capture /init powered the machine off (QEMU exit status 0)" \
	test -n "$(first 'E2E2: init2 done')" -a "$qemu_rc" = 0

# --- timings ------------------------------------------------------------------
qemu_start=$(head -n 1 "$log")
first2=""
[ "${bye_n:-0}" != 0 ] && first2=$(awk -v n="$bye_n" 'NR > n && $2 != "" { print; exit }' "$log")
span "QEMU start to first /init" "$qemu_start" "$init1"
span "kexec -p (first load)" "$(first 'E2E: BEGIN load:')" "$(end_line load)"
span "kexec -p (second load)" "$(first 'E2E: BEGIN reload:')" "$(end_line reload)"
span "sysrq to Bye!" "$(first 'E2E: panic now')" "$(first 'Bye!')"
span "Bye! to the capture kernel's first line" "$(first 'Bye!')" "$first2"
span "panic to the capture kernel's first line" "$(first 'Kernel panic - not syncing')" "$first2"
span "capture kernel's first line to its /init" "$first2" "$init2"
span "/proc/vmcore check (host clock)" "$(first 'E2E: BEGIN vmcore')" "$(first 'E2E: END vmcore')"
guest_read=$(field seconds "$read_line")
if [ -n "$guest_read" ]; then
	printf '# time: %-44s %7s s\n' '/proc/vmcore full read (guest clock)' "$guest_read"
else
	printf '# time: %-44s     n/a\n' '/proc/vmcore full read (guest clock)'
fi
span "QEMU start to QEMU exit" "$qemu_start" "$(tail -n 1 "$log")"
[ -z "$first2" ] || echo "# capture kernel's first line: $(text "$first2")"

e2e_finish "kdump $mode"
