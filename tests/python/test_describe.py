"""The descriptions of every committed version, read by the tools that use them.

croissant.json is validated by mlcroissant (the MLCommons reference library)
and a record set is loaded through it; the dataset card's configs are loaded
by Hugging Face `datasets` (offline) with the features the card declares; the
`huggingface` metadata of each Parquet file describes the same features.
Versions written before descriptions existed have neither file nor `about`.
"""

import hashlib
import os
import subprocess
import itertools
import json
import pathlib

import jsonschema
import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, Features, load_dataset

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATASET = ROOT / "datasets" / "seed-news"
VERSIONS = sorted(p for p in (DATASET / "versions").iterdir() if p.name.startswith("v"))
DESCRIBED = [v for v in VERSIONS if (v / "croissant.json").exists()]


def manifest(version):
    return json.loads((version / "manifest.json").read_text(encoding="utf-8"))


def card_header(version):
    text = (version / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_the_latest_version_is_described_and_older_ones_predate_descriptions():
    assert VERSIONS[-1] in DESCRIBED
    for version in VERSIONS:
        m = manifest(version)
        tables = {f["table"] for f in m["files"]}
        if version in DESCRIBED:
            assert {"croissant", "card"} <= tables and "about" in m
        else:
            assert not {"croissant", "card"} & tables and "about" not in m


@pytest.mark.parametrize("version", DESCRIBED, ids=lambda v: v.name)
def test_croissant_validates_and_names_every_data_file_with_its_manifest_hash(version):
    dataset = mlc.Dataset(str(version / "croissant.json"))
    assert not dataset.metadata.issues.errors, dataset.metadata.issues.report()
    croissant = json.loads((version / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    listed = {f["path"]: f for f in manifest(version)["files"] if f["table"] not in ("croissant", "card")}
    objects = {o["contentUrl"]: o for o in croissant["distribution"]}
    assert set(objects) == set(listed)
    for path, entry in listed.items():
        assert objects[path]["sha256"] == entry["sha256"]
        assert objects[path]["contentSize"] == f"{entry['bytes']} B"
        assert hashlib.sha256((version / path).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.parametrize("version", DESCRIBED, ids=lambda v: v.name)
def test_a_record_set_loads_through_mlcroissant_with_nested_spans(version):
    dataset = mlc.Dataset(str(version / "croissant.json"))
    rows = {f["table"]: f["rows"] for f in manifest(version)["files"] if f["format"] == "parquet"}
    entities = list(dataset.records("entities"))
    assert len(entities) == rows["entities"]
    documents = {
        r["documents/doc_id"].decode(): r["documents/text"].decode()
        for r in dataset.records("documents")
    }
    for record in itertools.islice(entities, 50):
        span = record["entities/span"]
        text = documents[record["entities/doc_id"].decode()]
        start, end = span["entities/span/start"], span["entities/span/end"]
        assert text[start:end] == record["entities/text"].decode()


@pytest.mark.parametrize("version", DESCRIBED, ids=lambda v: v.name)
def test_every_card_config_loads_offline_with_the_declared_features(version):
    header = card_header(version)
    assert header["language"] == ["ar", "en"]
    assert header["license"] == manifest(version)["about"]["license"]
    declared = {info["config_name"]: info["features"] for info in header["dataset_info"]}
    configs = [c["config_name"] for c in header["configs"]]
    assert configs == ["documents", "sentences", "entities", "translations"]
    rows = {f["table"]: f["rows"] for f in manifest(version)["files"] if f["format"] == "parquet"}
    for config in configs:
        loaded = load_dataset(str(version), config, split="full")
        expected = Features._from_yaml_list(declared[config])
        assert loaded.features == expected, config
        assert list(loaded.features) == list(expected), "columns keep their order"
        assert loaded.num_rows == rows[config]
        parquet_meta = pq.read_schema(version / f"{config}.parquet").metadata[b"huggingface"]
        assert Features.from_dict(json.loads(parquet_meta)["info"]["features"]) == expected
    entities = load_dataset(str(version), "entities", split="full")
    label = entities.features["label"]
    assert isinstance(label, ClassLabel)
    assert label.names == ["PER", "LOC", "ORG", "MISC", "NUM", "DATE"]
    assert label.int2str(entities[0]["label"]) in label.names


def test_a_table_cut_into_several_files_is_one_record_set_and_one_config(tmp_path):
    """Croissant reads the files as a FileSet, `datasets` as one config."""
    dataset = tmp_path / "seed"
    (dataset / "raw").mkdir(parents=True)
    for article in (DATASET / "raw").iterdir():
        (dataset / "raw" / article.name).write_bytes(article.read_bytes())
    (dataset / "dataset.toml").write_text('name = "seed"\n[output]\nrows_per_file = 40\n')
    tarjama = os.environ.get("TARJAMA_BIN", str(ROOT / "target/release/tarjama"))
    subprocess.run([tarjama, "build", "--quiet", str(dataset)], check=True)
    version = dataset / "versions" / "v0001"
    m = manifest(version)
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(m, schema)
    jsonl = b"".join((version / f["path"]).read_bytes() for f in m["files"]
                     if f["table"] == "sentences" and f["format"] == "jsonl")
    assert hashlib.sha256(jsonl).hexdigest() == m["tables"]["sentences"]["sha256"]
    parts = [f["path"] for f in m["files"] if f["table"] == "sentences" and f["format"] == "parquet"]
    assert parts == [f"sentences-0000{i}-of-00003.parquet" for i in range(3)]
    croissant = mlc.Dataset(str(version / "croissant.json"))
    assert not croissant.metadata.issues.errors, croissant.metadata.issues.report()
    assert sum(1 for _ in croissant.records("sentences")) == m["tables"]["sentences"]["rows"] == 83
    loaded = load_dataset(str(version), "sentences", split="full")
    assert loaded.num_rows == 83
    assert loaded["sentence_id"] == sorted(loaded["sentence_id"]), "the files are read in order"
