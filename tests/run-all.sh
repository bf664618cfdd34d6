#!/usr/bin/env bash
# Runs every test: unit tests natively and under ASan+UBSan, the cross
# builds, `make distcheck`, and the end-to-end kexec boots under QEMU.
# Ends with one line: "N passed, N failed".
#
# usage: tests/run-all.sh [--no-e2e]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${KEXEC_TEST_WORK:-$top/build-tests}
run_e2e=yes
[ "${1:-}" = "--no-e2e" ] && run_e2e=no

passed=0
failed=0
skipped=0
failures=()

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "not ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }

# Counts the ok / not ok lines a step printed (each is one assertion).
count_lines() {
	local label=$1 file=$2 n_ok n_fail
	n_ok=$(grep -c '^ok - ' "$file" || true)
	n_fail=$(grep -c '^not ok - ' "$file" || true)
	passed=$((passed + n_ok))
	failed=$((failed + n_fail))
	if [ "$n_fail" -gt 0 ]; then
		while IFS= read -r line; do failures+=("$label: ${line#not ok - }"); done \
			< <(grep '^not ok - ' "$file")
	fi
}

# section TITLE: starts a part of the run ("== TITLE"), and times the
# part before it; times_report prints them all at the end.
section_title="" section_start=$SECONDS
section_times=()
section() {
	[ -n "$section_title" ] && section_times+=("$(printf '%6d s  %s' $((SECONDS - section_start)) "$section_title")")
	section_title=$1 section_start=$SECONDS
	[ -z "$1" ] || echo "== $1"
}
times_report() {
	section ""
	echo "Time per part (this run; cached builds are reused):"
	printf '  %s\n' "${section_times[@]}"
	printf '  %6d s  in all\n' "$SECONDS"
}

step() {
	# step LABEL LOGFILE COMMAND...: runs a command, logs it, and counts a
	# failure (with the log's tail) when it exits non-zero.
	local label=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		return 0
	fi
	fail "$label (exit $?; log $log)"
	tail -n 30 "$log" | sed 's/^/    /'
	return 1
}

# harness NAME LOG COMMAND...: runs an end-to-end harness, its output shown
# and kept in LOG; counts its ok / not ok lines, and one failure more when it
# exited non-zero without reporting a failed assertion.
harness() {
	local name=$1 log=$2 status
	shift 2
	"$@" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	count_lines "$name" "$log"
	if [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$log"; then
		fail "$name: harness exited $status"
	fi
}

# file_kernel_impossible: succeeds, saying why, when the kexec_file_load test
# kernel cannot be built here: it is built from Debian bookworm's
# linux-source-6.1 (its version is part of the cache key), which another
# release's apt does not offer, and needs about 3 GiB of scratch space.
file_kernel_impossible() {
	local avail
	if ! dpkg-query -W -f='${Status}' linux-source-6.1 2>/dev/null | grep -q 'install ok installed' &&
	   ! apt-cache policy linux-source-6.1 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		echo "apt offers no linux-source-6.1 (Debian bookworm's)"
		return 0
	fi
	avail=$(df -Pk "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }')
	if [ "${avail:-0}" -lt $((3 * 1024 * 1024)) ]; then
		echo "less than 3 GiB free in ${TMPDIR:-/tmp} ($((${avail:-0} / 1024)) MiB)"
		return 0
	fi
	return 1
}

unit_suite() {
	# unit_suite LABEL BUILD_DIR CONFIGURE_ARGS...: builds and runs the unit
	# tests, counting each assertion; a test program that died without
	# saying "not ok" (a sanitizer report, a crash) counts as one failure.
	local label=$1 dir=$2 t log
	shift 2
	mkdir -p "$dir"
	step "$label: configure" "$dir/configure.log" \
		bash -c "cd '$dir' && '$top/configure' $*" || return
	step "$label: build" "$dir/build.log" make -C "$dir" -j"$(nproc)" || return
	make -C "$dir" -j"$(nproc)" check >"$dir/check.log" 2>&1
	for t in "$dir"/tests/*/*.log; do
		[ -f "${t%.log}.trs" ] || continue
		count_lines "$label" "$t"
		if grep -q '^:test-result: FAIL' "${t%.log}.trs" && ! grep -q '^not ok - ' "$t"; then
			fail "$label: $(basename "${t%.log}") died"
			tail -n 20 "$t" | sed 's/^/    /'
		fi
	done
	if ! ls "$dir"/tests/*/*.trs >/dev/null 2>&1; then
		fail "$label: no unit test ran (log $dir/check.log)"
		tail -n 30 "$dir/check.log" | sed 's/^/    /'
	fi
}

section "setup"
"$top/tests/setup-debian.sh" || fail "setup: installing build dependencies"

rm -rf "$work"
mkdir -p "$work"
section "autoreconf"
if step "autoreconf" "$work/autoreconf.log" bash -c "cd '$top' && autoreconf -fi"; then
	pass "autoreconf"

	# The Debian system image takes minutes to build the first time on a
	# machine, mostly one CPU running arm64 programs under qemu-user: it
	# starts now, beside the unit tests and the fuzzing, and its section
	# below waits for it.
	image_job=""
	if [ "$run_e2e" = yes ]; then
		"$top/tests/e2e/build-system-image.sh" >"$work/system-image.path" 2>"$work/system-image.log" &
		image_job=$!
	fi

	section "unit tests (native)"
	unit_suite native "$work/native"
	section "unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
	unit_suite sanitizers "$work/sanitizers" --enable-sanitizers

	# Every parser and planner under libFuzzer with ASan+UBSan: first the
	# seeds and the minimized reproducer of each defect found so far, then
	# a short fuzzing run per harness (KEXEC_FUZZ_SECONDS, default 30).
	section "fuzz harnesses (libFuzzer, ASan+UBSan)"
	fuzz_dir="$work/fuzz"
	for fuzz_step in build replay run; do
		fuzz_args=()
		[ "$fuzz_step" = run ] && fuzz_args=("${KEXEC_FUZZ_SECONDS:-30}")
		bash "$top/tests/fuzz/fuzz.sh" "$fuzz_step" "$fuzz_dir" "${fuzz_args[@]}" \
			>"$work/fuzz-$fuzz_step.log" 2>&1
		cat "$work/fuzz-$fuzz_step.log"
		count_lines "fuzz" "$work/fuzz-$fuzz_step.log"
	done
	section "make distcheck"
	if step "make distcheck" "$work/distcheck.log" make -C "$work/native" distcheck; then
		pass "make distcheck"
	fi

	section "static arm64 cross build"
	kexec_arm64=""
	if kexec_arm64=$(KEXEC_E2E_CACHE=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache} \
			"$top/tests/build-static-kexec.sh" --test-hooks "$work/arm64" 2>"$work/arm64-build.log"); then
		if file "$kexec_arm64" 2>/dev/null | grep -q 'statically linked' ||
		   ! readelf -l "$kexec_arm64" 2>/dev/null | grep -q INTERP; then
			pass "arm64 cross build is static (-Wall -Wextra -Werror)"
		else
			fail "arm64 cross build is not static"
		fi
	else
		fail "arm64 cross build (log $work/arm64-build.log)"
		tail -n 30 "$work/arm64-build.log" | sed 's/^/    /'
		kexec_arm64=""
	fi

	# The SHA-256 instruction paths (arm64 and AArch32), checked against the
	# same vectors as the portable code, under qemu-user on a CPU model that
	# has the instructions.  The end-to-end runs cannot catch a wrong
	# implementation: loader and purgatory would agree on a wrong digest.
	for ce in aarch64:aarch64-linux-gnu-gcc:arm64 arm:arm-linux-gnueabihf-gcc:arm; do
		IFS=: read -r qarch cc srcdir <<<"$ce"
		label="sha256 instructions ($srcdir, qemu-$qarch -cpu max)"
		section "$label"
		if step "$label: build" "$work/sha256-ce-$srcdir.build.log" \
			"$cc" -static -pthread -O2 -Wall -Wextra -Werror -I"$top/purgatory" \
			-I"$top/kexec" -I"$top/tests/unit" \
			"$top/tests/unit/test-sha256.c" "$top/purgatory/sha256.c" "$top/kexec/sha256_jobs.c" \
			"$top/tests/unit/sha256_ce_hook.c" "$top/$srcdir/sha256_ce.S" \
			-o "$work/test-sha256-ce-$srcdir"; then
			"qemu-$qarch" -cpu max "$work/test-sha256-ce-$srcdir" >"$work/sha256-ce-$srcdir.log" 2>&1
			count_lines "$label" "$work/sha256-ce-$srcdir.log"
			grep -q '^ok - ' "$work/sha256-ce-$srcdir.log" || fail "$label: ran no check"
		fi
	done

	# The loader is portable C: it must stay warning-clean for 32-bit ARM
	# too (size_t is 32 bits there), ahead of the arm backend's own build.
	section "32-bit ARM cross compile of the loader"
	mkdir -p "$work/armhf/include"
	cp /usr/include/libfdt.h /usr/include/libfdt_env.h /usr/include/fdt.h "$work/armhf/include/"
	# The kernel-format code's library headers (the same on every arch).
	cp -r /usr/include/zlib.h /usr/include/zconf.h /usr/include/gelf.h /usr/include/libelf.h \
		/usr/include/zstd.h /usr/include/zstd_errors.h /usr/include/lzma.h /usr/include/lzma \
		"$work/armhf/include/"
	armhf_ok=yes
	# The loader's C files, both arch backends included (arm's purgatory
	# is built by the static armhf build, with its own flags).
	for src in "$top"/kexec/*.c "$top"/arm64/*.c "$top"/arm/*.c "$top"/purgatory/sha256.c; do
		[ "$src" != "$top/arm/purgatory_cpu.c" ] || continue
		if ! arm-linux-gnueabihf-gcc -std=gnu11 -O2 -Wall -Wextra -Werror \
			-I"$work/armhf/include" -I"$top/kexec" -I"$top/purgatory" -I"$top/arm64" -I"$top/arm" \
			-I"$work/native" -c "$src" -o "$work/armhf/$(basename "$src").o" \
			>>"$work/armhf/build.log" 2>&1; then
			armhf_ok=no
		fi
	done
	if [ $armhf_ok = yes ]; then
		pass "loader compiles for 32-bit ARM with -Wall -Wextra -Werror"
	else
		fail "loader compiles for 32-bit ARM with -Wall -Wextra -Werror (log $work/armhf/build.log)"
		tail -n 30 "$work/armhf/build.log" | sed 's/^/    /'
	fi

	section "static armhf cross build"
	kexec_armhf=""
	if kexec_armhf=$(KEXEC_E2E_CACHE=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache} \
			"$top/tests/build-static-kexec.sh" --arch armhf --test-hooks "$work/armhf-static" \
			2>"$work/armhf-static-build.log"); then
		if ! readelf -l "$kexec_armhf" 2>/dev/null | grep -q INTERP; then
			pass "armhf cross build is static (-Wall -Wextra -Werror)"
		else
			fail "armhf cross build is not static"
		fi
	else
		fail "armhf cross build (log $work/armhf-static-build.log)"
		tail -n 30 "$work/armhf-static-build.log" | sed 's/^/    /'
		kexec_armhf=""
	fi

	# The Debian package (debian/), cross-built with dpkg-buildpackage
	# against a private sysroot (tests/build-deb.sh; about 1 min each, the
	# sysroot cached in tests/e2e/.cache): the files it installs, the
	# fields that let it stand in for kexec-tools, the binary's
	# architecture, and lintian (errors fail; warnings are listed here).
	for deb_arch in arm64 armhf; do
		section "Debian package ($deb_arch, cross-built)"
		[ "$deb_arch" = arm64 ] && deb_elf='64-bit LSB .*ARM aarch64' || deb_elf='32-bit LSB .*ARM, EABI5'
		deb_start=$SECONDS
		if deb=$(KEXEC_E2E_CACHE=${KEXEC_E2E_CACHE:-$top/tests/e2e/.cache} \
				"$top/tests/build-deb.sh" --arch "$deb_arch" "$work/deb-$deb_arch" \
				2>"$work/deb-$deb_arch-build.log"); then
			pass "debian $deb_arch: dpkg-buildpackage -a $deb_arch ($((SECONDS - deb_start)) s)"
			deb_files=$(dpkg-deb -c "$deb")
			for f in usr/sbin/kexec usr/share/man/man8/kexec.8.gz \
				usr/share/doc/kexec-arm/README.md.gz usr/share/doc/kexec-arm/changelog.gz; do
				if grep -q " \./$f\$" <<<"$deb_files"; then
					pass "debian $deb_arch: the package installs /$f"
				else
					fail "debian $deb_arch: the package does not install /$f"
				fi
			done
			# Whole outputs in variables: grep -q on a pipe would end it
			# early, and pipefail would count the writer's SIGPIPE.
			deb_info=$(dpkg -I "$deb")
			for field in Provides Conflicts Replaces; do
				if grep -qE "^ $field: (.*[ ,])?kexec-tools([ ,(]|\$)" <<<"$deb_info"; then
					pass "debian $deb_arch: $field: kexec-tools"
				else
					fail "debian $deb_arch: no $field: kexec-tools ($(grep "^ $field:" <<<"$deb_info" || echo none))"
				fi
			done
			dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/sbin/kexec >"$work/deb-$deb_arch-kexec"
			if file "$work/deb-$deb_arch-kexec" | grep -qE "ELF $deb_elf"; then
				pass "debian $deb_arch: /usr/sbin/kexec is an $deb_arch ELF"
			else
				fail "debian $deb_arch: /usr/sbin/kexec is not an $deb_arch ELF"
			fi
			deb_start=$SECONDS
			# lintian exits non-zero on an error tag or when it cannot
			# process the package at all.
			if lintian --fail-on error --tag-display-limit 0 "${deb%.deb}.changes" \
				>"$work/deb-$deb_arch-lintian.log" 2>&1 &&
			   ! grep -q '^E: ' "$work/deb-$deb_arch-lintian.log"; then
				sed -n 's/^\([WIP]: \)/    lintian: \1/p' "$work/deb-$deb_arch-lintian.log"
				pass "debian $deb_arch: lintian reports no error ($((SECONDS - deb_start)) s)"
			else
				fail "debian $deb_arch: lintian reports errors (log $work/deb-$deb_arch-lintian.log)"
				grep -v 'root privileges' "$work/deb-$deb_arch-lintian.log" | tail -n 30 | sed 's/^/    /'
			fi
		else
			fail "debian $deb_arch: tests/build-deb.sh (log $work/deb-$deb_arch-build.log)"
			tail -n 30 "$work/deb-$deb_arch-build.log" | sed 's/^/    /'
		fi
	done

	if [ "$run_e2e" = yes ] && [ -n "$kexec_arm64" ]; then
		for mode in el2 el1; do
			for scenario in boot mismatch bad-inputs; do
				name="e2e arm64 $mode $scenario"
				section "end to end: arm64 at $mode under QEMU, scenario $scenario"
				harness "$name" "$work/e2e-arm64-$mode-$scenario.log" \
					"$top/tests/e2e/arm64-kexec.sh" --kexec "$kexec_arm64" --mode "$mode" \
					--scenario "$scenario" --out "$work/e2e-arm64-$mode-$scenario"
			done
		done
		# kdump: kexec -p, a sysrq panic, /proc/vmcore checked in the
		# capture kernel (about 15 s each; a hang is cut at 240 s).  At
		# EL2 also Debian's vmcore-dmesg, makedumpfile and crash on the
		# dump (--dump-tools: about 60 s more; docs/DUMP-TOOLS.md).
		for mode in el2 el1; do
			name="e2e arm64 kdump $mode" dump_tools=()
			[ "$mode" = el1 ] || dump_tools=(--dump-tools)
			section "end to end: arm64 kdump at $mode under QEMU${dump_tools[0]:+, dump tools}"
			harness "$name" "$work/e2e-arm64-kdump-$mode.log" \
				"$top/tests/e2e/arm64-kdump.sh" --kexec "$kexec_arm64" --mode "$mode" \
				"${dump_tools[@]}" --out "$work/e2e-arm64-kdump-$mode"
		done
		# Every kernel format, unpacked in memory by the loader: the boot
		# scenario at EL2 with each (about 12 s each), and the chain the
		# loader reports (-d prints the plan on the serial console).
		# The files are made once and kept in tests/e2e/.out.
		section "end to end: arm64 kernel formats"
		if formats=$("$top/tests/e2e/make-kernel-formats.sh" 2>"$work/kernel-formats.log"); then
			while IFS=$'\t' read -r kfile chain; do
				fname=$(basename "$kfile")
				name="e2e arm64 el2 $fname"
				section "end to end: arm64 at el2, kexec of $fname ($chain)"
				harness "$name" "$work/e2e-arm64-format-$fname.log" \
					"$top/tests/e2e/arm64-kexec.sh" --kexec "$kexec_arm64" --mode el2 \
					--kernel-file "$kfile" --kexec-debug --out "$work/e2e-arm64-format-$fname"
				if grep -aqF "kernel file: $chain, " "$work/e2e-arm64-format-$fname/serial.log"; then
					pass "$name: the loader reported \"$chain\""
				else
					fail "$name: the loader did not report \"kernel file: $chain\""
				fi
			done <<<"$formats"
		else
			fail "e2e arm64 kernel formats: make-kernel-formats.sh (log $work/kernel-formats.log)"
			tail -n 20 "$work/kernel-formats.log" | sed 's/^/    /'
		fi
		# A UKI (systemd-boot's stub, Debian's Image, the second
		# initramfs and the marker command line) through kexec_load(2):
		# our plan and purgatory (about 45 s).
		name="e2e arm64 el2 uki"
		section "end to end: arm64 at el2, kexec -c of a UKI"
		harness "$name" "$work/e2e-arm64-el2-uki.log" \
			"$top/tests/e2e/arm64-kexec.sh" --kexec "$kexec_arm64" --mode el2 \
			--scenario uki --out "$work/e2e-arm64-el2-uki"

		# kexec_file_load(2), which Debian's kernels lack: the test
		# kernel of build-file-kernel.sh (built once per machine, in a
		# cache outside the checkout so that every clone finds it), every
		# scenario of arm64-file.sh at EL2 and EL1.
		section "end to end: arm64 kexec_file_load(2) (test kernel)"
		file_cache=${KEXEC_E2E_CACHE:-/var/cache/kexec-arm-e2e}
		mkdir -p "$file_cache" 2>/dev/null && [ -w "$file_cache" ] ||
			file_cache=$top/tests/e2e/.cache
		file_kernel=""
		if ! why=$(file_kernel_impossible); then
			if file_kernel=$(KEXEC_E2E_CACHE=$file_cache "$top/tests/e2e/build-file-kernel.sh" \
					2>"$work/file-kernel.log"); then
				pass "kexec_file_load test kernel ($file_kernel, built in $(cat "$file_kernel/build-seconds") s)"
			else
				fail "kexec_file_load test kernel: build-file-kernel.sh (log $work/file-kernel.log)"
				tail -n 30 "$work/file-kernel.log" | sed 's/^/    /'
				file_kernel=""
			fi
		else
			skip "e2e arm64 kexec_file_load: the test kernel cannot be built on this machine: $why"
		fi
		if [ -n "$file_kernel" ]; then
			for mode in el2 el1; do
				for scenario in sign auto gz zboot lockdown kdump uki; do
					name="e2e arm64 file $mode $scenario"
					section "end to end: arm64 kexec_file_load at $mode, scenario $scenario"
					harness "$name" "$work/e2e-arm64-file-$mode-$scenario.log" \
						"$top/tests/e2e/arm64-file.sh" --kexec "$kexec_arm64" --mode "$mode" \
						--scenario "$scenario" --kernel-dir "$file_kernel" \
						--out "$work/e2e-arm64-file-$mode-$scenario"
				done
			done
		fi
	fi

	# 32-bit ARM: both Debian flavours in HYP and SVC, one uImage boot and
	# one digest mismatch (about 20 s each).
	if [ "$run_e2e" = yes ] && [ -n "$kexec_armhf" ]; then
		for run in lpae:hyp:zimage:boot lpae:svc:zimage:boot armmp:hyp:zimage:boot \
			armmp:svc:zimage:boot lpae:hyp:uimage:boot lpae:svc:zimage:mismatch lpae:hyp:zimage:bad-inputs; do
			IFS=: read -r flavour mode format scenario <<<"$run"
			id=$flavour-$mode-$format-$scenario
			name="e2e arm $flavour $mode $format $scenario"
			section "end to end: arm $flavour in $mode under QEMU, $format, scenario $scenario"
			harness "$name" "$work/e2e-arm-$id.log" \
				"$top/tests/e2e/arm-kexec.sh" --kexec "$kexec_armhf" --flavour "$flavour" \
				--mode "$mode" --kernel-format "$format" --scenario "$scenario" \
				--timeout 120 --out "$work/e2e-arm-$id"
		done
		# kdump: kexec -p of the zImage, a sysrq panic, /proc/vmcore
		# checked in the capture kernel (about 30 s each).  lpae in HYP
		# and armmp also run Debian's vmcore-dmesg and makedumpfile on the
		# dump (on lpae makedumpfile's own refusal is asserted), armmp
		# crash too (about 15 s and 70 s more; docs/DUMP-TOOLS.md).
		for run in lpae:hyp:--dump-tools lpae:svc: armmp:hyp:--dump-tools,--crash; do
			IFS=: read -r flavour mode opts <<<"$run"
			IFS=, read -r -a dump_tools <<<"$opts"
			id=$mode
			[ "$flavour" = lpae ] || id=$flavour-$mode
			name="e2e arm kdump ${id/-/ }"
			section "end to end: arm kdump $flavour in $mode under QEMU${opts:+, ${opts//,/ }}"
			harness "$name" "$work/e2e-arm-kdump-$id.log" \
				"$top/tests/e2e/arm-kdump.sh" --kexec "$kexec_armhf" --flavour "$flavour" --mode "$mode" \
				"${dump_tools[@]}" --timeout 180 --out "$work/e2e-arm-kdump-$id"
		done
	fi
	# The purgatory's hash engines, each asserted from what the purgatory
	# printed: the fast paths on CPUs that have the instructions, and the
	# fallbacks forced on the same CPUs (about 15 s each).  With -cpu max
	# the kernel runs VHE at EL2, so the purgatory is entered with
	# HCR_EL2.E2H set: FP is untrapped through the E2H layout of CPTR_EL2
	# and the hash runs without the identity map.
	if [ "$run_e2e" = yes ]; then
		while IFS='|' read -r harness bin mode extra env engine; do
			[ -n "$harness" ] || continue
			[ "$bin" = arm64 ] && kbin=$kexec_arm64 || kbin=$kexec_armhf
			[ -n "$kbin" ] || continue
			id=$(echo "$harness-$mode-$extra-$env" | tr -c 'A-Za-z0-9_-' '_')
			name="e2e $harness $mode ${extra:+$extra }${env:+$env }engine"
			section "end to end: purgatory engine, $harness $mode $extra $env"
			# shellcheck disable=SC2086
			harness "$name" "$work/e2e-engine-$id.log" \
				"$top/tests/e2e/$harness.sh" --kexec "$kbin" --mode "$mode" $extra \
				${env:+--kexec-env "$env"} --kexec-debug --out "$work/e2e-engine-$id"
			if grep -aqF "segments verified ($engine)" "$work/e2e-engine-$id/serial.log"; then
				pass "$name: the purgatory hashed with \"$engine\""
			else
				fail "$name: the purgatory did not report \"$engine\""
			fi
		done <<'RUNS'
arm64-kexec|arm64|el2|||SHA-256 instructions, caches on
arm64-kexec|arm64|el1||KEXEC_SHA256_PORTABLE=1|portable SHA-256, caches on
arm64-kexec|arm64|el2||KEXEC_PURGATORY_UNCACHED=1|SHA-256 instructions
arm64-kexec|arm64|el2|--cpu max||SHA-256 instructions
arm-kexec|armhf|hyp|--cpu max||SHA-256 instructions, I-cache on
arm-kexec|armhf|svc|--cpu max||SHA-256 instructions, I-cache on
arm-kexec|armhf|hyp|||portable SHA-256, I-cache on
RUNS
	fi

	# A real Debian arm64 system (tests/e2e/build-system-image.sh: mmdebstrap
	# under qemu-user with systemd, kdump-tools, makedumpfile and our package
	# in place of kexec-tools; built once per machine, cached by its inputs),
	# booted through UEFI and systemd-boot: `systemctl kexec` and kdump-tools
	# (load, status, sysrq panic, the dump saved by makedumpfile and read
	# back) at EL2 and EL1, then one round of the reboot benchmark, which
	# prints figures only (docs/PERFORMANCE.md).
	if [ "$run_e2e" = yes ]; then
		section "Debian arm64 system image (mmdebstrap, cached)"
		image_status=1
		[ -z "$image_job" ] || { wait "$image_job"; image_status=$?; }
		image_dir=$(cat "$work/system-image.path" 2>/dev/null)
		if [ "$image_status" -eq 0 ] && [ -n "$image_dir" ]; then
			pass "Debian arm64 system image: $image_dir ($(cat "$image_dir/build-seconds" 2>/dev/null || echo '?') s when it was built; waited $((SECONDS - section_start)) s here)"
			for mode in el2 el1; do
				for scenario in kexec kdump; do
					section "end to end: Debian system at $mode, $scenario"
					harness "e2e system $scenario $mode" "$work/e2e-system-$scenario-$mode.log" \
						"$top/tests/e2e/system-$scenario.sh" --mode "$mode" \
						--out "$work/e2e-system-$scenario-$mode"
				done
			done
			# Not a test of speed: it counts only whether every reboot
			# happened the way it was asked for.
			section "benchmark: reboots in the Debian system (one round)"
			if "$top/tests/e2e/bench-reboot.sh" --runs 1 --out "$work/bench-reboot" \
				>"$work/bench-reboot.log" 2>&1; then
				pass "reboot benchmark: systemctl kexec (ours, kexec-tools) and systemctl reboot each reached multi-user.target"
			else
				fail "reboot benchmark: a reboot did not happen (log $work/bench-reboot.log)"
			fi
			grep '^# ' "$work/bench-reboot.log" | sed 's/^# /    /'
		else
			fail "Debian arm64 system image: build-system-image.sh (log $work/system-image.log)"
			tail -n 30 "$work/system-image.log" | sed 's/^/    /'
		fi
	fi
fi

echo
times_report
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
# CI reads the last line: always exactly "N passed, N failed".
[ "$skipped" -eq 0 ] || echo "$skipped skipped (see the skip lines above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
