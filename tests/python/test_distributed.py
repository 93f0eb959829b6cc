"""Sharded builds driven by real schedulers' entry points.

Spark (local mode, the machine's Java 17) runs `dist/spark_build.py`: the
shards as Spark tasks, the merge, and Spark reading the merged Parquet. The
Slurm array script and the Kubernetes Indexed Job run their shard commands
with the index each scheduler would give. Every merged version must equal a
single-machine build of the same articles, manifest and all.

The articles are the first 2,000 of the SaudiNewsNet corpus when
TARJAMA_CORPUS names it (`make test` does when ../shared is there), else
2,000 made from the seed articles.
"""

import gzip
import itertools
import json
import os
import pathlib
import subprocess
import sys
import time

import duckdb
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARJAMA = str((ROOT / os.environ.get("TARJAMA_BIN", "target/release/tarjama")).resolve())
ARTICLES = 2000


def write_slice(dataset):
    (dataset / "raw").mkdir(parents=True)
    # Tables of more than 8,000 rows are cut into several files.
    (dataset / "dataset.toml").write_text('name = "slice"\n[output]\nrows_per_file = 8000\n',
                                          encoding="utf-8")
    corpus = os.environ.get("TARJAMA_CORPUS")
    with open(dataset / "raw" / "slice.jsonl", "w", encoding="utf-8") as out:
        if corpus:
            with gzip.open(corpus, "rt", encoding="utf-8") as lines:
                out.writelines(itertools.islice(lines, ARTICLES))
        else:
            seeds = sorted(p.read_text(encoding="utf-8")
                           for p in (ROOT / "datasets/seed-news/raw").iterdir())
            for i in range(ARTICLES):
                text = f"{seeds[i % len(seeds)]}\n\nخبر رقم {i} من المراسل."
                out.write(json.dumps({"id": f"doc-{i:05}", "text": text}, ensure_ascii=False) + "\n")


def tarjama(*args):
    run = subprocess.run([TARJAMA, *map(str, args)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The single-machine build of the slice, and its wall time."""
    dataset = tmp_path_factory.mktemp("single") / "slice"
    write_slice(dataset)
    started = time.monotonic()
    tarjama("build", "--quiet", dataset)
    return dataset, time.monotonic() - started


def manifest_bytes(dataset):
    return (dataset / "versions" / "v0001" / "manifest.json").read_bytes()


def test_spark_runs_the_shards_and_the_merge_and_reads_the_result(single, tmp_path):
    single_dataset, single_seconds = single
    dataset = tmp_path / "slice"
    write_slice(dataset)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, str(ROOT / "dist/spark_build.py"), "--tarjama", TARJAMA,
         "--shards", "4", "--staging", str(tmp_path / "staging"), "--master", "local[2,3]",
         str(dataset)],
        capture_output=True, text=True, timeout=900,
    )
    spark_seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-4000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\nwall time on {ARTICLES} articles: single build {single_seconds:.1f} s, "
          f"Spark local[2] with 4 shards {spark_seconds:.1f} s "
          f"(map {summary['map_seconds']} s, merge {summary['merge_seconds']} s)")
    assert manifest_bytes(dataset) == manifest_bytes(single_dataset)
    manifest = json.loads(manifest_bytes(dataset))
    assert summary["sentences"] == manifest["tables"]["sentences"]["rows"]
    assert summary["sentences_per_split"] == manifest["audit"]["splits"]["sentences"]
    files = [str(dataset / "versions" / "v0001" / f["path"]) for f in manifest["files"]
             if f["table"] == "sentences" and f["format"] == "parquet"]
    assert summary["sentence_files"] == len(files) > 1
    count = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet({files})").fetchall()[0][0]
    assert count == manifest["tables"]["sentences"]["rows"]


def test_the_slurm_array_script_builds_each_shard_from_its_task_id(single, tmp_path):
    single_dataset, _ = single
    dataset = tmp_path / "slice"
    write_slice(dataset)
    staging = tmp_path / "staging"
    for task in range(3):
        env = dict(os.environ, SLURM_ARRAY_TASK_ID=str(task), SHARDS="3", DATASET=str(dataset),
                   STAGING=str(staging), TARJAMA=TARJAMA, SLURM_CPUS_PER_TASK="1")
        run = subprocess.run(["bash", str(ROOT / "dist/slurm_build.sbatch")], env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    tarjama("build", "--quiet", dataset, "--merge", staging)
    assert manifest_bytes(dataset) == manifest_bytes(single_dataset)


def test_the_kubernetes_indexed_job_commands_build_and_merge(single, tmp_path):
    single_dataset, _ = single
    data = tmp_path / "data"
    write_slice(data / "my-news")
    jobs = yaml.safe_load((ROOT / "dist/k8s_build.yaml").read_text())
    shards = jobs["spec"]["completions"]
    container = jobs["spec"]["template"]["spec"]["containers"][0]
    assert jobs["spec"]["completionMode"] == "Indexed"
    for index in range(shards):
        script = container["args"][0].replace("/data", str(data)).replace("tarjama ", TARJAMA + " ", 1)
        run = subprocess.run(container["command"] + [script], capture_output=True, text=True,
                             env=dict(os.environ, JOB_COMPLETION_INDEX=str(index)))
        assert run.returncode == 0, run.stderr
    merge = yaml.safe_load((ROOT / "dist/k8s_merge.yaml").read_text())
    command = merge["spec"]["template"]["spec"]["containers"][0]["command"]
    command = [TARJAMA] + [part.replace("/data", str(data)) for part in command[1:]]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert manifest_bytes(data / "my-news") == manifest_bytes(single_dataset)
