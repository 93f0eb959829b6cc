#!/usr/bin/env python3
"""The Python reference pipeline for `make bench`: the same job as `tarjama
build` done the usual Python way. Reads the JSONL(.gz) corpus, splits every
article into sentences with pysbd (language="ar"), hashes documents and
sentences, and writes documents and sentences to Parquet (zstd) with pyarrow.

  python_pipeline.py CORPUS.jsonl.gz OUT_DIR [--limit N]
"""
import argparse
import gzip
import hashlib
import json
import pathlib
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pysbd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seg = pysbd.Segmenter(language="ar", clean=False, char_span=True)
    docs = {"doc_id": [], "text": [], "text_sha256": [], "title": []}
    sents = {"sentence_id": [], "doc_id": [], "index": [], "start": [], "end": [], "text": [], "text_sha256": []}
    raw_bytes = 0
    started = time.perf_counter()
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if args.limit is not None and n >= args.limit:
                break
            record = json.loads(line)
            text = record["text"]
            raw_bytes += len(text.encode("utf-8"))
            docs["doc_id"].append(record["id"])
            docs["text"].append(text)
            docs["text_sha256"].append(hashlib.sha256(text.encode()).hexdigest())
            docs["title"].append(record.get("title"))
            for i, span in enumerate(seg.segment(text)):
                sentence = text[span.start:span.end].strip()
                sents["sentence_id"].append(f"{record['id']}#{i:06d}")
                sents["doc_id"].append(record["id"])
                sents["index"].append(i)
                sents["start"].append(span.start)
                sents["end"].append(span.end)
                sents["text"].append(sentence)
                sents["text_sha256"].append(hashlib.sha256(sentence.encode()).hexdigest())
    pq.write_table(pa.table(docs), out / "documents.parquet", compression="zstd")
    pq.write_table(pa.table(sents), out / "sentences.parquet", compression="zstd")
    seconds = time.perf_counter() - started
    print(json.dumps({"documents": len(docs["doc_id"]), "sentences": len(sents["sentence_id"]),
                      "raw_bytes": raw_bytes, "seconds": seconds, "mb_per_s": raw_bytes / 1e6 / seconds}))


if __name__ == "__main__":
    main()
