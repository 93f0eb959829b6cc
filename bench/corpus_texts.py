#!/usr/bin/env python3
"""Writes the article texts of a JSONL(.gz) corpus as one NUL-separated UTF-8 file,
the common input of the splitter throughput benchmarks (tarjama and ICU)."""
import gzip
import json
import sys

src, dst = sys.argv[1], sys.argv[2]
opener = gzip.open if src.endswith(".gz") else open
n = size = 0
with opener(src, "rt", encoding="utf-8") as f, open(dst, "wb") as out:
    for line in f:
        text = json.loads(line)["text"].encode("utf-8")
        out.write(text + b"\0")
        n += 1
        size += len(text)
print(f"{n} texts, {size / 1e6:.1f} MB of UTF-8 text -> {dst}")
