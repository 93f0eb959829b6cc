#!/usr/bin/env python3
"""Sentence segmentation, side by side: tarjama, ICU (PyICU) and pysbd on one gold file.

  eval_sentences.py GOLD.jsonl --tarjama target/release/tarjama --scorer ../shared/tools/score.py

Each segmenter writes predictions in the scorer's shape ({"id", "sentences": [{"start", "end"}]},
code point offsets); the official scorer scores them; a table of P/R/F1 is printed.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def icu_predictions(recs):
    import icu

    out = []
    for r in recs:
        text = r["text"]
        # ICU reports UTF-16 offsets; map them to code points.
        utf16_to_cp = {}
        units = 0
        for cp, ch in enumerate(text):
            utf16_to_cp[units] = cp
            units += 2 if ord(ch) > 0xFFFF else 1
        utf16_to_cp[units] = len(text)
        it = icu.BreakIterator.createSentenceInstance(icu.Locale("ar"))
        it.setText(icu.UnicodeString(text))
        start, sentences = 0, []
        for boundary in it:
            end = utf16_to_cp[boundary]
            sentences.append({"start": start, "end": end})
            start = end
        out.append({"id": r["id"], "sentences": sentences})
    return out


def pysbd_predictions(recs):
    import pysbd

    seg = pysbd.Segmenter(language="ar", clean=False, char_span=True)
    out = []
    for r in recs:
        spans = seg.segment(r["text"])
        out.append({"id": r["id"], "sentences": [{"start": s.start, "end": s.end} for s in spans]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("--tarjama", required=True)
    ap.add_argument("--scorer", required=True)
    args = ap.parse_args()
    recs = records(args.gold)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        preds = {}
        subprocess.run([args.tarjama, "segment", args.gold, "-o", str(tmp / "tarjama.jsonl")], check=True)
        preds["tarjama"] = tmp / "tarjama.jsonl"
        for name, fn in [("ICU (PyICU)", icu_predictions), ("pysbd", pysbd_predictions)]:
            path = tmp / (name.split()[0].lower() + ".jsonl")
            write(path, fn(recs))
            preds[name] = path
        for name, path in preds.items():
            out = subprocess.run(
                [sys.executable, args.scorer, "sentences", args.gold, str(path), "--json"],
                check=True, capture_output=True, text=True,
            )
            results[name] = json.loads(out.stdout)
    print(f"sentence boundaries on {args.gold} ({len(recs)} documents)")
    print(f"{'segmenter':<14} {'P':>7} {'R':>7} {'F1':>7} {'tp':>5} {'fp':>5} {'fn':>5} {'exact docs':>10}")
    for name, res in results.items():
        m = res["boundaries"]
        print(f"{name:<14} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f} {m['tp']:5d} {m['fp']:5d} {m['fn']:5d} {res['exact_doc_rate']:10.4f}")


if __name__ == "__main__":
    main()
