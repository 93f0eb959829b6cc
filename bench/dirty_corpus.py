#!/usr/bin/env python3
"""Writes real corpus articles as scraped-looking .txt files, damaged the ways
scraped input is: legacy code pages, UTF-16, BOMs, CRLF, stray invalid bytes,
HTML remnants, invisible characters, binary and empty files. Deterministic.

  dirty_corpus.py CORPUS.jsonl.gz OUT_DIR [N]
"""
import gzip
import json
import pathlib
import random
import sys

src, out, n = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3000
out.mkdir(parents=True, exist_ok=True)
rng = random.Random(7)
kinds = {}
with gzip.open(src, "rt", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i >= n:
            break
        r = json.loads(line)
        text = r["title"] + "\n\n" + r["text"]
        roll = rng.random()
        if roll < 0.15:
            kind, data = "windows-1256", text.encode("cp1256", errors="replace")
        elif roll < 0.20:
            kind, data = "iso-8859-6", text.encode("iso8859_6", errors="replace")
        elif roll < 0.28:
            kind, data = "utf-16le-bom", b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
        elif roll < 0.32:
            kind, data = "utf-16be-bom", b"\xfe\xff" + text.encode("utf-16-be")
        elif roll < 0.38:
            kind, data = "utf-8-bom-crlf", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
        elif roll < 0.42:
            raw = text.encode()
            at = rng.randrange(len(raw))
            kind, data = "invalid-byte", raw[:at] + b"\xff" + raw[at:]
        elif roll < 0.50:
            html = "".join(f"<p>{p.replace(chr(34), '&quot;')}</p>\n" for p in text.split("\n") if p)
            kind, data = "html", ("<div class=\"article\">" + html + "</div>").encode()
        elif roll < 0.56:
            words = text.split(" ")
            marks = ["\u200f", "\u200e", "\u200b", "\u061c", "\u00a0", "\u0640"]
            kind, data = "invisible", " ".join(w + (rng.choice(marks) if rng.random() < 0.1 else "") for w in words).encode()
        elif roll < 0.58:
            kind, data = "binary", bytes(rng.randrange(256) for _ in range(2048))
        elif roll < 0.60:
            kind, data = "empty", rng.choice([b"", b"   \n\n", "\u00a0\n".encode()])
        else:
            kind, data = "plain", text.encode()
        kinds[kind] = kinds.get(kind, 0) + 1
        (out / f"{r['id']}.txt").write_bytes(data)
print(json.dumps(kinds, sort_keys=True))
