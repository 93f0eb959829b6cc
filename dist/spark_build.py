"""Run a tarjama build as the map step of Apache Spark.

Spark parallelises the shard indices across its executors; each task runs
`tarjama build DATASET --shard K/N --staging STAGING`, then the driver runs
`tarjama build DATASET --merge STAGING`, which checks every shard result and
publishes one version, the same as a single-machine build of the same
inputs. A failed task is retried by Spark (a shard result is written aside
and renamed, and the same shard gives the same bytes, so a retry is
harmless); a shard still missing at the merge is named in its error.

The executors must see the tarjama binary, the dataset folder and the
staging folder at the same paths (a shared filesystem, or local mode).

    python dist/spark_build.py --tarjama target/release/tarjama \
        --shards 8 --staging /shared/staging datasets/my-news
"""

import argparse
import json
import pathlib
import subprocess
import sys
import time

from pyspark.sql import SparkSession


def run_shard(task):
    """One shard, on an executor: (index, exit code, stderr)."""
    index, count, tarjama, dataset, staging, jobs = task
    command = [tarjama, "build", "--quiet", dataset, "--shard", f"{index}/{count}",
               "--staging", staging, "--jobs", str(jobs)]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        # Failing the task lets Spark retry it (spark.task.maxFailures).
        raise RuntimeError(f"shard {index}/{count} failed ({run.returncode}): {run.stderr}")
    return index, run.returncode, run.stderr


def latest_version(dataset):
    versions = sorted(p for p in (pathlib.Path(dataset) / "versions").iterdir()
                      if p.name.startswith("v"))
    return versions[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", help="the dataset folder")
    parser.add_argument("--tarjama", default="tarjama", help="the tarjama binary")
    parser.add_argument("--shards", type=int, default=8, help="number of shards (tasks)")
    parser.add_argument("--staging", required=True, help="folder for the shard results")
    parser.add_argument("--master", default=None, help="Spark master (default: the session's)")
    parser.add_argument("--jobs-per-task", type=int, default=1,
                        help="worker threads of each tarjama task")
    args = parser.parse_args(argv)

    builder = SparkSession.builder.appName("tarjama-build")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    started = time.monotonic()
    tasks = [(k, args.shards, str(pathlib.Path(args.tarjama).resolve()),
              str(pathlib.Path(args.dataset).resolve()), str(pathlib.Path(args.staging).resolve()),
              args.jobs_per_task)
             for k in range(args.shards)]
    done = spark.sparkContext.parallelize(tasks, args.shards).map(run_shard).collect()
    mapped = time.monotonic()
    merge = subprocess.run([args.tarjama, "build", args.dataset, "--merge", args.staging],
                           capture_output=True, text=True)
    if merge.returncode != 0:
        print(merge.stderr, file=sys.stderr, end="")
        spark.stop()
        return merge.returncode
    merged = time.monotonic()

    # The merged Parquet is read by Spark as it is (a large table is several files).
    version = latest_version(args.dataset)
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    files = [str(version / f["path"]) for f in manifest["files"]
             if f["table"] == "sentences" and f["format"] == "parquet"]
    sentences = spark.read.parquet(*files)
    splits = {row["split"]: row["count"] for row in sentences.groupBy("split").count().collect()}
    print(json.dumps({
        "version": version.name,
        "shards": len(done),
        "sentence_files": len(files),
        "map_seconds": round(mapped - started, 2),
        "merge_seconds": round(merged - mapped, 2),
        "sentences": sentences.count(),
        "sentences_per_split": splits,
    }))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
