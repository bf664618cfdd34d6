#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, linked against the same
# libkexeccore.a the command uses (built here with clang).
#
#   tests/fuzz/fuzz.sh build  [DIR]            build every harness into DIR
#   tests/fuzz/fuzz.sh replay [DIR]            run each harness once over its
#                                              seeds and regressions
#   tests/fuzz/fuzz.sh run    [DIR] SECONDS [NAME...]
#                                              fuzz each harness (or NAMEs)
#                                              for SECONDS, corpus kept in
#                                              DIR/corpus/NAME
#
# DIR defaults to build-fuzz.  Seeds: tests/fuzz/seeds/NAME/ (made from
# tests/fixtures), regressions: tests/fuzz/regressions/NAME/ (a minimized
# reproducer of each defect found).  Prints ok / not ok lines; exits 1 if
# any failed.  A crash found by `run` is saved in DIR/crashes/NAME/.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cmd=${1:-}
shift || true
dir=build-fuzz
if [ $# -gt 0 ] && [[ ! $1 =~ ^[0-9]+$ ]]; then
	dir=$1
	shift
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Each input must finish in well under this (a hang is a defect too), and
# the harness must not use more than this much memory.
per_input_timeout=10
rss_limit_mb=2560
failed=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }

harnesses() {
	local f
	for f in "$here"/fuzz_*.c; do
		f=$(basename "$f" .c)
		echo "${f#fuzz_}"
	done
}

build() {
	local san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
	local name
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi) >"$dir/autoreconf.log" 2>&1 || {
		not_ok "fuzz build: autoreconf (log $dir/autoreconf.log)"
		return 1
	}
	mkdir -p "$dir/lib"
	if ! (cd "$dir/lib" && "$top/configure" CC=clang \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $san" \
		LDFLAGS="$san") >"$dir/configure.log" 2>&1; then
		not_ok "fuzz build: configure with clang (log $dir/configure.log)"
		tail -n 20 "$dir/configure.log" | sed 's/^/    /'
		return 1
	fi
	if ! make -C "$dir/lib" -j"$(nproc)" libkexeccore.a >"$dir/lib.log" 2>&1; then
		not_ok "fuzz build: libkexeccore.a with clang (log $dir/lib.log)"
		tail -n 20 "$dir/lib.log" | sed 's/^/    /'
		return 1
	fi
	# The libraries the command links (zlib, libelf, libfdt, zstd, lzma).
	local libs
	libs=$(sed -n 's/^LIBS = //p' "$dir/lib/Makefile")
	for name in $(harnesses); do
		# shellcheck disable=SC2086
		if clang -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer $san \
			-I"$top/kexec" -I"$top/purgatory" -I"$top/arm64" -I"$top/arm" \
			-I"$dir/lib" -I"$here" "$here/fuzz_$name.c" "$dir/lib/libkexeccore.a" \
			$libs -o "$dir/fuzz_$name" >"$dir/fuzz_$name.build.log" 2>&1; then
			ok "fuzz build: $name"
		else
			not_ok "fuzz build: $name (log $dir/fuzz_$name.build.log)"
			tail -n 20 "$dir/fuzz_$name.build.log" | sed 's/^/    /'
		fi
	done
}

# The inputs a harness replays: its seeds and its regressions.
inputs() {
	local name=$1 d
	for d in "$here/seeds/$name" "$here/regressions/$name"; do
		if [ -d "$d" ]; then find "$d" -type f ! -name '*.md' | sort; fi
	done
}

replay() {
	local name n log
	for name in $(harnesses); do
		if [ ! -x "$dir/fuzz_$name" ]; then
			not_ok "fuzz replay: $name (not built)"
			continue
		fi
		log="$dir/replay_$name.log"
		n=$(inputs "$name" | wc -l)
		if [ "$n" -eq 0 ]; then
			not_ok "fuzz replay: $name has no seed or regression input"
			continue
		fi
		# One execution per file; any sanitizer report, broken invariant
		# or slow input fails the run.
		if inputs "$name" | xargs -d '\n' "$dir/fuzz_$name" \
			-timeout=$per_input_timeout -rss_limit_mb=$rss_limit_mb \
			>"$log" 2>&1; then
			ok "fuzz replay: $name ($n inputs)"
		else
			not_ok "fuzz replay: $name (log $log)"
			grep -m5 -E 'ERROR|invariant|runtime error|timeout' "$log" | sed 's/^/    /'
		fi
	done
}

run() {
	local seconds=$1 name corpus log stats
	shift
	local names=("$@")
	[ ${#names[@]} -gt 0 ] || mapfile -t names < <(harnesses)
	for name in "${names[@]}"; do
		if [ ! -x "$dir/fuzz_$name" ]; then
			not_ok "fuzz run: $name (not built)"
			continue
		fi
		corpus="$dir/corpus/$name"
		mkdir -p "$corpus" "$dir/crashes/$name"
		log="$dir/run_$name.log"
		local seed_dirs=()
		for d in "$here/seeds/$name" "$here/regressions/$name"; do
			if [ -d "$d" ]; then seed_dirs+=("$d"); fi
		done
		if "$dir/fuzz_$name" -max_total_time="$seconds" \
			-timeout=$per_input_timeout -rss_limit_mb=$rss_limit_mb \
			-print_final_stats=1 -artifact_prefix="$dir/crashes/$name/" \
			"$corpus" "${seed_dirs[@]}" >"$log" 2>&1; then
			stats=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n1)
			ok "fuzz run: $name for ${seconds}s: ${stats:-no stats}"
		else
			not_ok "fuzz run: $name (log $log; inputs in $dir/crashes/$name)"
			grep -m5 -E 'ERROR|invariant|runtime error|timeout' "$log" | sed 's/^/    /'
		fi
	done
}

case $cmd in
build) build ;;
replay) replay ;;
run)
	[ $# -ge 1 ] || { echo "usage: $0 run [DIR] SECONDS [NAME...]" >&2; exit 2; }
	run "$@"
	;;
*)
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
[ "$failed" -eq 0 ]
