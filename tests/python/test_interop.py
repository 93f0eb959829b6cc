"""The committed dataset, read by the tools ML engineers use.

Every version of datasets/seed-news is loaded with pyarrow, Hugging Face
`datasets` (offline), polars and DuckDB, and checked from the Parquet alone:
offsets slice the document text to each span's text, the fingerprint and the
manifest hash recompute with the documented recipes, and the JSONL rows match
the JSON Schemas in schemas/.
"""

import hashlib
import json
import os
import pathlib

import duckdb
import jsonschema
import polars as pl
import pyarrow.parquet as pq
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATASET = ROOT / "datasets" / "seed-news"
VERSIONS = sorted(p for p in (DATASET / "versions").iterdir() if p.name.startswith("v"))
TABLES = ["documents", "sentences", "entities", "translations"]


def manifest(version):
    return json.loads((version / "manifest.json").read_text(encoding="utf-8"))


def test_there_is_a_committed_version():
    assert [v.name for v in VERSIONS][:1] == ["v0001"]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
@pytest.mark.parametrize("table", TABLES)
def test_every_reader_sees_the_manifest_row_count(version, table):
    rows = {f["table"]: f["rows"] for f in manifest(version)["files"] if f["format"] == "parquet"}
    path = version / f"{table}.parquet"
    assert pq.read_table(path).num_rows == rows[table]
    assert pl.read_parquet(path).height == rows[table]
    count = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    assert count == rows[table]
    jsonl_rows = (version / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(jsonl_rows) == rows[table]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_hugging_face_datasets_loads_every_table_offline(version, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    # One load per table: the tables have different columns, so they are
    # separate configurations, not splits of one.
    loaded = {
        table: datasets.load_dataset(
            "parquet", data_files=str(version / f"{table}.parquet"), split="train", cache_dir=str(tmp_path)
        )
        for table in TABLES
    }
    rows = {f["table"]: f["rows"] for f in manifest(version)["files"] if f["format"] == "parquet"}
    for table in TABLES:
        assert loaded[table].num_rows == rows[table]
    assert loaded["sentences"].features["start"].dtype == "int32"
    assert loaded["sentences"].features["translate"].dtype == "bool"
    assert loaded["entities"].features["score"].dtype == "float32"
    first = loaded["sentences"][0]
    document = next(d for d in loaded["documents"] if d["doc_id"] == first["doc_id"])
    assert document["text"][first["start"]:first["end"]] == first["text"]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_offsets_slice_the_document_text_from_the_parquet_alone(version):
    texts = dict(
        zip(*pq.read_table(version / "documents.parquet", columns=["doc_id", "text"]).to_pydict().values())
    )
    checked = 0
    for table in ["sentences", "entities"]:
        for row in pq.read_table(version / f"{table}.parquet").to_pylist():
            assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"], row
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_fingerprint_and_manifest_hash_recompute_with_the_documented_recipes(version):
    m = manifest(version)
    for f in m["files"]:
        data = (version / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
        assert len(data) == f["bytes"]
    listing = "".join(
        f"{f['sha256']}  {f['path']}\n" for f in sorted(m["files"], key=lambda f: f["path"].encode())
    )
    assert hashlib.sha256(listing.encode()).hexdigest() == m["fingerprint"]
    raw = (version / "manifest.json").read_bytes()
    claimed = m["manifest_sha256"]
    assert hashlib.sha256(raw.replace(claimed.encode(), b"0" * 64, 1)).hexdigest() == claimed


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_jsonl_rows_and_manifest_follow_the_json_schemas(version):
    schemas = ROOT / "schemas"
    manifest_schema = json.loads((schemas / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest(version), manifest_schema)
    for table in TABLES:
        schema = json.loads((schemas / f"{table}.schema.json").read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        lines = (version / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            row = json.loads(line)
            errors = list(validator.iter_errors(row))
            assert not errors, f"{table}.jsonl:{number}: {errors[0].message}"
            # Columns added after format 1 come last, and only when not null.
            added = [k for k, p in schema["properties"].items() if p.get("x-tarjama-added")]
            expected = schema["required"] + [k for k in added if k in row]
            assert list(row) == expected, f"{table}.jsonl:{number}: key order"


def test_validate_json_report_follows_its_schema():
    import subprocess

    binary = os.environ.get("TARJAMA_BIN", str(ROOT / "target" / "release" / "tarjama"))
    out = subprocess.run([binary, "validate", "--format", "json", str(DATASET)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    schema = json.loads((ROOT / "schemas" / "validate-report.schema.json").read_text(encoding="utf-8"))
    report = json.loads(out.stdout)
    jsonschema.validate(report, schema)
    assert report["valid"] is True
