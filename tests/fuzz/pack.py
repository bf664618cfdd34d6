#!/usr/bin/env python3
"""Packs files into one fuzz input of parts (tests/fuzz/fuzz_util.h):
each part is a 4-byte little-endian length and the bytes.  A '-' packs an
empty part.

usage: pack.py OUT FILE|- [FILE|- ...]"""
import struct
import sys

def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out = bytearray()
    for name in argv[2:]:
        data = b"" if name == "-" else open(name, "rb").read()
        out += struct.pack("<I", len(data)) + data
    with open(argv[1], "wb") as f:
        f.write(out)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
