#!/usr/bin/env python3
"""`make bench`: tarjama and its peers on the same input, in one go.

  bench.py --tarjama BIN --corpus CORPUS.jsonl.gz --work DIR --python PY [--python-limit N]

1. `tarjama build` on the corpus, and the Python reference pipeline
   (bench/python_pipeline.py: pysbd + pyarrow) on the same corpus: MB/s of raw
   text, their ratio, peak RSS of each (/usr/bin/time -v).
2. `tarjama build` on the corpus doubled (every article twice, new ids), and
   on the corpus with its records in reverse id order (gzip, so read by
   offset from a decompressed copy): peak RSS.
3. `tarjama validate` (every rule, and --integrity-only) on the built version
   against `openssl dgst -sha256` over the same files: best of 3 runs.
4. `tarjama slots export` of every slot of the built version (JSONL and
   XLIFF), every target filled, and `tarjama slots import` of each back:
   time and peak RSS against the size of the file imported.
5. The sentence splitter alone against ICU's C++ break iterator (results of
   `make bench-segment`, passed in with --segment-log).
Prints the figures and writes bench/RESULTS.md.
"""
import argparse
import datetime
import gzip
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import time


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS in MiB, stdout)."""
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", out.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
    return seconds, rss, out.stdout


def best_of(cmd, runs=3):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def dataset(work, name, raw_file):
    ds = work / name
    shutil.rmtree(ds, ignore_errors=True)
    (ds / "raw").mkdir(parents=True)
    (ds / "dataset.toml").write_text(f'name = "{name}"\n')
    (ds / "raw" / raw_file.name).symlink_to(raw_file.resolve())
    return ds


def slots_round_trip(tarjama, ds, work, fmt, then_rebuild=False):
    """Exports every slot of ds's v0001 in fmt, fills every target, imports
    the file back as v0002 (removed afterwards): times, peak RSS, file size.
    With then_rebuild, also rebuilds the dataset over v0002, every
    translation carried over, and validates v0002: times and peak RSS."""
    exported = work / f"slots.{fmt}"
    t_export, rss_export, _ = timed([tarjama, "slots", "export", str(ds), "--format", fmt, "-o", str(exported)])
    filled = work / f"slots-filled.{fmt}"
    units = 0
    with open(exported, encoding="utf-8") as f, open(filled, "w", encoding="utf-8") as out:
        for line in f:
            if fmt == "jsonl":
                unit = json.loads(line)
                unit["target"] = f"Translation of {unit['sentence_id']}."
                out.write(json.dumps(unit, ensure_ascii=False) + "\n")
                units += 1
            elif line.endswith("</source>\n"):
                out.write(line[:-1] + '<target state="translated">A translation.</target>\n')
                units += 1
            else:
                out.write(line)
    exported.unlink()
    t_import, rss_import, summary = timed([tarjama, "slots", "import", str(ds), str(filled), "--translator", "bench"])
    if f"accepted {units}," not in summary:
        sys.exit(f"slots import of {filled} did not accept all {units} units:\n{summary}")
    filled_runs = {}
    if then_rebuild:
        t_rebuild, rss_rebuild, rebuilt = timed([tarjama, "build", str(ds)])
        if "unchanged" not in rebuilt:
            sys.exit(f"the rebuild over every translation did not equal v0002:\n{rebuilt}")
        t_val, rss_val, _ = timed([tarjama, "validate", str(ds / "versions" / "v0002")])
        filled_runs = dict(t_rebuild=t_rebuild, rss_rebuild=rss_rebuild, t_validate=t_val, rss_validate=rss_val)
    shutil.rmtree(ds / "versions" / "v0002")
    size = filled.stat().st_size
    filled.unlink()
    return dict(format=fmt, units=units, size=size, t_export=t_export, rss_export=rss_export,
                t_import=t_import, rss_import=rss_import, **filled_runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tarjama", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--segment-log")
    ap.add_argument("--ner-log")
    ap.add_argument("--results", default="bench/RESULTS.md")
    args = ap.parse_args()
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = pathlib.Path(args.corpus)

    raw_bytes, articles = 0, 0
    doubled = work / "doubled.jsonl"
    records = []
    with gzip.open(corpus, "rt", encoding="utf-8") as f, open(doubled, "w", encoding="utf-8") as out:
        for line in f:
            records.append(line)
            record = json.loads(line)
            raw_bytes += len(record["text"].encode())
            articles += 1
            for copy in ("a", "b"):
                out.write(json.dumps(dict(record, id=f"{record['id']}-{copy}"), ensure_ascii=False) + "\n")
    mb = raw_bytes / 1e6
    reversed_corpus = work / "reversed.jsonl.gz"
    records.sort(key=lambda line: json.loads(line)["id"], reverse=True)
    with gzip.open(reversed_corpus, "wt", encoding="utf-8", compresslevel=1) as out:
        out.writelines(records)
    del records

    ds = dataset(work, "corpus", corpus)
    t_build, rss_build, summary = timed([args.tarjama, "build", "--quiet", str(ds)])
    py_out = work / "python-out"
    t_py, rss_py, py_stdout = timed([args.python, "bench/python_pipeline.py", str(corpus), str(py_out)])
    ds2 = dataset(work, "doubled", doubled)
    t_build2, rss_build2, _ = timed([args.tarjama, "build", "--quiet", str(ds2)])
    ds3 = dataset(work, "reversed", reversed_corpus)
    t_build3, rss_build3, _ = timed([args.tarjama, "build", "--quiet", str(ds3)])

    version = ds / "versions" / "v0001"
    files = sorted(str(p) for p in version.iterdir())
    total = sum(os.path.getsize(p) for p in files)
    t_ssl = best_of(["openssl", "dgst", "-sha256", *files])
    t_val = best_of([args.tarjama, "validate", str(version)])
    t_int = best_of([args.tarjama, "validate", "--integrity-only", str(version)])

    round_trips = [slots_round_trip(args.tarjama, ds, work, "jsonl", then_rebuild=True),
                   slots_round_trip(args.tarjama, ds, work, "xliff")]
    translated = round_trips[0]

    rows = [
        ("build: tarjama", f"{t_build:.2f} s", f"{mb / t_build:.1f} MB/s", f"{rss_build:.0f} MiB"),
        ("build: Python (pysbd + pyarrow)", f"{t_py:.2f} s", f"{mb / t_py:.2f} MB/s", f"{rss_py:.0f} MiB"),
        ("build: tarjama, corpus doubled", f"{t_build2:.2f} s", f"{2 * mb / t_build2:.1f} MB/s", f"{rss_build2:.0f} MiB"),
        ("build: tarjama, records in reverse id order", f"{t_build3:.2f} s", f"{mb / t_build3:.1f} MB/s", f"{rss_build3:.0f} MiB"),
        ("validate, every rule", f"{t_val:.2f} s", f"{total / 1e6 / t_val:.0f} MB/s of files", ""),
        ("validate --integrity-only", f"{t_int:.2f} s", f"{total / 1e6 / t_int:.0f} MB/s of files", ""),
        ("openssl dgst -sha256, same files", f"{t_ssl:.2f} s", f"{total / 1e6 / t_ssl:.0f} MB/s of files", ""),
    ]
    for r in round_trips:
        rows += [
            (f"slots export, {r['format']}, {r['units']} units", f"{r['t_export']:.2f} s",
             f"{r['units'] / r['t_export']:,.0f} units/s", f"{r['rss_export']:.0f} MiB"),
            (f"slots import, {r['format']}, {r['size'] / 1e6:.0f} MB, every target filled", f"{r['t_import']:.2f} s",
             f"{r['units'] / r['t_import']:,.0f} units/s", f"{r['rss_import']:.0f} MiB"),
        ]
    rows += [
        (f"build: tarjama, rebuild with all {translated['units']} slots filled", f"{translated['t_rebuild']:.2f} s",
         f"{mb / translated['t_rebuild']:.1f} MB/s", f"{translated['rss_rebuild']:.0f} MiB"),
        ("validate, every rule, every slot filled", f"{translated['t_validate']:.2f} s", "",
         f"{translated['rss_validate']:.0f} MiB"),
    ]
    ratios = [
        ("build throughput, tarjama / Python", f"{t_py / t_build:.1f}x", ">= 50x"),
        ("peak RSS, corpus", f"{rss_build:.0f} MiB", "<= 512 MiB"),
        ("peak RSS, rebuild with every slot filled", f"{translated['rss_rebuild']:.0f} MiB", "<= 512 MiB"),
        ("peak RSS, doubled / single", f"{rss_build2 / rss_build:.2f}x", "<= 1.1x"),
        ("peak RSS, reverse id order / in order", f"{rss_build3 / rss_build:.2f}x", "<= 1.1x"),
        ("validate every rule / openssl speed", f"{t_ssl / t_val:.2f}x", ">= 0.5x"),
        ("validate --integrity-only / openssl speed", f"{t_ssl / t_int:.2f}x", ">= 1.0x"),
    ]
    segment = pathlib.Path(args.segment_log).read_text().strip() if args.segment_log else ""

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
    machine = f"{os.cpu_count()} cores ({cpu}), {int(mem) / 1024 / 1024:.0f} GiB, {platform.system()} {platform.release()}"
    lines = [
        "# tarjama benchmark results",
        "",
        f"Date: {datetime.date.today().isoformat()}. Machine: {machine}.",
        f"Input: `{corpus.name}`, {articles} articles, {mb:.1f} MB of raw article text (UTF-8).",
        f"Version built: {len(files)} files, {total / 1e6:.0f} MB. Produced by `make bench` (bench/bench.py).",
        "",
        "| run | time | speed | peak RSS |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "| figure | measured | goal |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in ratios],
        "",
    ]
    if segment:
        lines += ["Sentence splitter alone, one core (`make bench-segment`):", "", "```", segment, "```", ""]
    ner = pathlib.Path(args.ner_log).read_text().strip() if args.ner_log else ""
    if ner:
        lines += ["NER model alone, one core (goal >= 300k tokens/s), and its scores on ner-dev (`make bench-ner`):", "", "```", ner, "```", ""]
    profile = pathlib.Path("bench/PROFILE.md")
    if profile.exists():
        lines += [profile.read_text().strip(), ""]
    pathlib.Path(args.results).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"python pipeline: {py_stdout.strip()}")


if __name__ == "__main__":
    main()
