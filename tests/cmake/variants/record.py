"""Writes the wisdom of unit `scale` whose winner is a code variant, and the variant's file, the
way kevolve tune would (tests/cmake/variants.bash): record.py <knowledge> <device> <kernel_hash>
<source_hash> <variant text file> [--best K] [--original-best K]. Prints the variant's path."""
import ctypes
import json
import os
import struct
import sys


class Hash128(ctypes.Structure):
    _fields_ = [("low64", ctypes.c_uint64), ("high64", ctypes.c_uint64)]


def variant_hash(data: bytes) -> str:
    """knowledge::variant_hash: XXH3-128 of the length (8 bytes, little-endian) and the text."""
    lib = ctypes.CDLL("libxxhash.so.0")
    lib.XXH3_128bits.restype = Hash128
    lib.XXH3_128bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    message = struct.pack("<Q", len(data)) + data
    h = lib.XXH3_128bits(message, len(message))
    return "%016x%016x" % (h.high64, h.low64)


def main():
    knowledge, device, kernel_hash, source_hash, variant_file = sys.argv[1:6]
    options = dict(zip(sys.argv[6::2], sys.argv[7::2]))
    code = open(variant_file, "rb").read()
    digest = variant_hash(code)
    os.makedirs(os.path.join(knowledge, "scale", "variants"), exist_ok=True)
    if not os.path.exists(os.path.join(knowledge, "KNOWLEDGE.json")):
        with open(os.path.join(knowledge, "KNOWLEDGE.json"), "w") as f:
            f.write('{\n  "schema": 1\n}\n')
    path = os.path.join(knowledge, "scale", "variants", digest + ".cpp")
    with open(path, "wb") as f:
        f.write(code)
    best = int(options.get("--best", 4))
    record = {
        "problem": {}, "primary": True, "best": {"K": best},
        "variant": {"hash": digest, "ext": "cpp", "parent": kernel_hash, "provider": "command",
                    "model": "scripted", "prompt_hash": "xxh3:0123", "tokens": {"prompt": 120, "answer": 40},
                    "original_best": {"K": int(options.get("--original-best", 3))}},
        "time_s": 0.001, "baseline_s": 0.002, "speedup": {"value": 2.0, "low": 1.9, "high": 2.1},
        "peak": None, "top": [{"params": {"K": best}, "time_s": 0.001}], "evaluations": 5,
        "strategy": "exhaustive", "date": "2026-12-05T09:00:00Z", "kevolve_version": "0.1.0"}
    wisdom = {
        "schema": 1, "unit": "scale", "device_id": device,
        "device": {"name": "test", "arch": "x86_64", "driver": "", "toolkit": "", "compiler": "GNU 12"},
        "source_hash": source_hash, "kernel_hash": kernel_hash, "space": "K: 1, 2, 3, 4",
        "records": [record]}
    with open(os.path.join(knowledge, "scale", device + ".json"), "w") as f:
        json.dump(wisdom, f, indent=2)
        f.write("\n")
    print(path)


main()
