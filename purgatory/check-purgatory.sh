#!/bin/sh
# Build check for a purgatory image: no GOT, PLT or relocation sections (they
# hold absolute addresses nothing would fix up); its code may use FP/SIMD registers only
# in the functions named (which run after the entry code has untrapped
# FP/SIMD for the current exception level), and never DC ZVA (which faults
# on the Device memory an MMU-off purgatory runs on).
#
# usage: check-purgatory.sh OBJDUMP ELF [FUNCTION_ALLOWED_SIMD...]
set -eu
objdump=$1
elf=$2
shift 2
allowed=" $* "

if "$objdump" -h "$elf" | grep -Eq ' \.(got|plt|rela?)([. ]|$)'; then
	"$objdump" -h "$elf" | grep -E ' \.(got|plt|rela?)([. ]|$)' >&2
	echo "$elf: has GOT/PLT/relocation sections: an extern declared without hidden visibility?" >&2
	exit 1
fi

"$objdump" -d --no-show-raw-insn "$elf" | awk -v allowed="$allowed" '
	/^[0-9a-f]+ <[^>]+>:$/ {
		fn = $2; gsub(/[<>:]/, "", fn)
		simd_ok = index(allowed, " " fn " ") > 0
		next
	}
	/^ +[0-9a-f]+:/ {
		line = $0
		sub(/^ +[0-9a-f]+:[ \t]*/, "", line)
		sub(/[0-9a-f]+ <[^>]*>/, "", line)   # branch targets look like registers
		sub(/\/\/.*/, "", line)
		sub(/[@;].*/, "", line)              # arm comments
		if (line ~ /zva/) { print "DC ZVA in " fn ": " line; bad = 1 }
		if (!simd_ok && line ~ /[ \t,{]([qdsbhv][0-9]|[qdsbhv][12][0-9]|[qdsbhv]3[01])([],.} \t]|$)/) {
			print "FP/SIMD register in " fn ": " line; bad = 1
		}
		# arm: VFP/NEON mnemonics (vmrs, vmsr name no such register) and
		# coprocessors 10 and 11, which are the VFP/NEON unit.
		if (!simd_ok && (line ~ /^v[a-z]/ || line ~ /[ \t,]p1[01],/)) {
			print "VFP/NEON instruction in " fn ": " line; bad = 1
		}
	}
	END { exit bad }
' >&2 || {
	echo "$elf: uses FP/SIMD outside $allowed or DC ZVA: these trap or fault in the purgatory" >&2
	exit 1
}
