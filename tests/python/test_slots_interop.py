"""Slots exports read by other tools. translate-toolkit, the library behind Pootle, Weblate's converters and
many CAT pipelines, reads tarjama's XLIFF export, a translator's targets are
set through it and saved, and tarjama imports the file it wrote back."""

import json
import shutil

import pytest
from translate.storage import factory, xliff

from tarjama_cli import ROOT, SEED, seed_copy, tarjama


def translate_first_units(dataset, tmp_path, limit):
    """Exports the first `limit` units, gives each the target "EN <sentence id>",
    imports them, and returns the units."""
    batch = tmp_path / "batch.jsonl"
    run = tarjama("slots", "export", dataset, "--format", "jsonl", "-o", batch, "--limit", limit)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["target"] = "EN " + row["sentence_id"]
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert tarjama("slots", "import", dataset, batch, "--translator", "a").returncode == 0
    return rows


def test_translate_toolkit_round_trips_the_xliff_export(tmp_path):
    dataset = seed_copy(tmp_path)
    exported = tmp_path / "batch.xlf"
    run = tarjama("slots", "export", dataset, "--format", "xliff", "-o", exported, "--status", "empty")
    assert run.returncode == 0, run.stderr

    store = factory.getobject(str(exported))
    assert isinstance(store, xliff.xlifffile)
    assert store.getsourcelanguage() == "ar"
    assert store.gettargetlanguage() == "en"
    units = [u for u in store.units if not u.isheader()]
    assert len(units) == 63
    # translate-toolkit prefixes ids with the file's `original`; the attribute is ours.
    assert units[0].xmlelement.get("id") == "000_97094da2f4076d17#000000"
    assert units[0].source.startswith("الكرملين")
    notes = units[1].getnotes()
    assert "الكرملين" in notes  # the previous sentence, as context

    translated = {}
    for i, unit in enumerate(units[:10]):
        text = f"Translated in translate-toolkit {i} & <kept>"
        unit.target = text
        unit.markfuzzy(False)
        translated[unit.xmlelement.get("id")] = text
    filled = tmp_path / "filled.xlf"
    store.savefile(str(filled))

    run = tarjama("slots", "import", dataset, filled, "--translator", "ttk", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert summary["rows"] == 63
    assert summary["accepted"] == 10
    assert summary["skipped"] == {"empty": 53}
    assert summary["version"] == "v0002"

    assert tarjama("validate", dataset).returncode == 0
    pairs = tmp_path / "pairs.jsonl"
    run = tarjama("export", "parallel", dataset, "--format", "jsonl", "-o", pairs)
    assert run.returncode == 0, run.stderr
    got = {p["sentence_id"]: p["en"] for p in map(json.loads, pairs.read_text(encoding="utf-8").splitlines())}
    assert got == translated


def test_the_tmx_export_is_read_by_translate_toolkit(tmp_path):
    dataset = seed_copy(tmp_path)
    rows = translate_first_units(dataset, tmp_path, 4)
    tmx = tmp_path / "memory.tmx"
    assert tarjama("export", "parallel", dataset, "--format", "tmx", "-o", tmx).returncode == 0
    store = factory.getobject(str(tmx))
    units = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target) for u in units] == [
        (r["source"], "EN " + r["sentence_id"]) for r in rows
    ]


def test_jsonl_units_follow_their_schema(tmp_path):
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "slots-unit.schema.json").read_text(encoding="utf-8"))
    exported = tmp_path / "units.jsonl"
    run = tarjama("slots", "export", SEED, "--format", "jsonl", "-o", exported)
    assert run.returncode == 0, run.stderr
    units = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(units) == 63
    for unit in units:
        jsonschema.validate(unit, schema)
    assert list(units[0])[:8] == schema["required"][:8]
    assert any(unit["hints"] for unit in units)


def test_the_parallel_parquet_export_loads_for_mt_training_by_split(tmp_path):
    import datasets
    import pyarrow.parquet as pq

    dataset = tmp_path / "seed"
    shutil.copytree(SEED / "raw", dataset / "raw")
    shutil.copy(SEED / "dataset.toml", dataset / "dataset.toml")
    assert tarjama("build", "--quiet", dataset).returncode == 0
    rows = translate_first_units(dataset, tmp_path, 6)

    pairs = tmp_path / "train.parquet"
    run = tarjama("export", "parallel", dataset, "--format", "parquet", "-o", pairs, "--split", "train")
    assert run.returncode == 0, run.stderr
    table = pq.read_table(pairs)
    assert table.column_names == ["sentence_id", "doc_id", "ar", "en", "status", "origin", "translator", "split"]
    loaded = datasets.load_dataset("parquet", data_files=str(pairs), split="train")
    # The seed's five articles all fall in train.
    assert loaded["split"] == ["train"] * 6
    assert loaded["en"] == ["EN " + r["sentence_id"] for r in rows]
    assert loaded["ar"] == [r["source"] for r in rows]
    empty = tmp_path / "test.parquet"
    assert tarjama("export", "parallel", dataset, "--format", "parquet", "-o", empty, "--split", "test").returncode == 0
    assert pq.read_table(empty).num_rows == 0


QUOTED_ARTICLE = """الوزير يتحدث عن الحرب

"الحرب انتهت" قال الوزير في مؤتمر صحفي يوم الأحد. "لن نعود إلى القتال"، أضاف المتحدث باسم الحكومة.
وقال مسؤول آخر إن "السلام" هو الهدف.
"""


def import_and_export_pairs(dataset, saved, translator, tmp_path):
    """Imports a translator's file; the summary, and the exported pairs as {sentence_id: en}."""
    run = tarjama("slots", "import", dataset, saved, "--translator", translator, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    pairs = tmp_path / "pairs.jsonl"
    assert tarjama("export", "parallel", dataset, "--format", "jsonl", "-o", pairs).returncode == 0
    got = {p["sentence_id"]: p["en"] for p in map(json.loads, pairs.read_text(encoding="utf-8").splitlines())}
    return json.loads(run.stdout), got


def test_a_spreadsheet_reads_the_tsv_export_and_its_saved_file_imports(tmp_path):
    """Python's csv module reads and writes TSV the way Excel and LibreOffice do:
    a cell that starts with a quote is quoted, and a cell with a quote or a
    line break in it is saved quoted."""
    import csv
    import polars

    dataset = tmp_path / "quotes"
    (dataset / "raw").mkdir(parents=True)
    (dataset / "raw" / "quotes.txt").write_text(QUOTED_ARTICLE, encoding="utf-8")
    shutil.copy(SEED / "dataset.toml", dataset / "dataset.toml")
    assert tarjama("build", "--quiet", dataset).returncode == 0
    tsv, jsonl = tmp_path / "batch.tsv", tmp_path / "batch.jsonl"
    for out, fmt in [(tsv, "tsv"), (jsonl, "jsonl")]:
        run = tarjama("slots", "export", dataset, "--format", fmt, "-o", out)
        assert run.returncode == 0, run.stderr
    units = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert sum(u["source"].startswith('"') for u in units) == 2

    with open(tsv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, dialect="excel-tab"))
    assert [r["source"] for r in rows] == [u["source"] for u in units]
    assert [r["context_before"] for r in rows] == [u["context_before"] or "" for u in units]
    frame = polars.read_csv(tsv, separator="\t")
    assert frame["source"].to_list() == [u["source"] for u in units]

    typed = {
        rows[0]["sentence_id"]: "The minister talks about the war",
        rows[1]["sentence_id"]: '"The war is over," the minister said\nat a press conference on Sunday.',
        rows[2]["sentence_id"]: '"We will not go back to fighting",\tthe spokesman added.',
        rows[3]["sentence_id"]: 'Another official said "peace" is the goal.',
    }
    for row in rows:
        row["target"] = typed[row["sentence_id"]]
    saved = tmp_path / "saved.tsv"
    with open(saved, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), dialect="excel-tab")
        writer.writeheader()
        writer.writerows(rows)
    assert saved.read_text(encoding="utf-8").count("\n") > len(rows) + 1

    summary, got = import_and_export_pairs(dataset, saved, "sheet", tmp_path)
    assert (summary["rows"], summary["accepted"]) == (4, 4)
    assert got == typed


def test_a_tsv_saved_in_the_arabic_windows_code_page_imports_and_its_manifest_follows_the_schema(tmp_path):
    """pandas' and Excel's default on Arabic Windows is windows-1256 (cp1256), not UTF-8."""
    import csv

    import jsonschema

    dataset = seed_copy(tmp_path)
    tsv = tmp_path / "batch.tsv"
    run = tarjama("slots", "export", dataset, "--format", "tsv", "-o", tsv, "--limit", 3)
    assert run.returncode == 0, run.stderr
    with open(tsv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, dialect="excel-tab"))
    for n, row in enumerate(rows):
        row["target"] = f"The café’s “menu”, {n}"
    saved = tmp_path / "saved.tsv"
    with open(saved, "w", encoding="cp1256", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), dialect="excel-tab")
        writer.writeheader()
        writer.writerows(rows)
    raw = saved.read_bytes()
    assert rows[0]["source"].split()[0].encode("cp1256") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")

    run = tarjama("slots", "import", dataset, saved, "--translator", "sheet", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert (summary["rows"], summary["accepted"], summary["encoding"]) == (3, 3, "windows-1256")
    pairs = tmp_path / "pairs.jsonl"
    assert tarjama("export", "parallel", dataset, "--format", "jsonl", "-o", pairs).returncode == 0
    got = sorted(p["en"] for p in map(json.loads, pairs.read_text(encoding="utf-8").splitlines()))
    assert got == [f"The café’s “menu”, {n}" for n in range(3)]
    manifest = json.loads((dataset / "versions" / summary["version"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["import"]["encoding"] == "windows-1256"
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)


def test_the_csv_export_reads_in_csv_and_polars_and_a_frame_saved_from_it_imports(tmp_path):
    """The CSV a translator's pandas or polars script writes back, and its
    manifest, which records format csv, follows the schema."""
    import csv

    import jsonschema
    import polars

    dataset = seed_copy(tmp_path)
    exported, jsonl = tmp_path / "batch.csv", tmp_path / "batch.jsonl"
    for out, fmt, bom in [(exported, "csv", ["--bom"]), (jsonl, "jsonl", [])]:
        run = tarjama("slots", "export", dataset, "--format", fmt, "-o", out, "--limit", 4, *bom)
        assert run.returncode == 0, run.stderr
    assert exported.read_bytes().startswith(b"\xef\xbb\xbfsentence_id,source,")
    units = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    with open(exported, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["source"] for r in rows] == [u["source"] for u in units]
    assert [r["context_after"] for r in rows] == [u["context_after"] or "" for u in units]

    frame = polars.read_csv(exported, infer_schema=False)
    assert frame["source"].to_list() == [u["source"] for u in units]
    typed = ['He said "yes", then left', "Two lines\ntyped in one cell", "Plain", "Ends, with a comma,"]
    frame = frame.with_columns(polars.Series("target", typed))
    saved = tmp_path / "saved.csv"
    frame.write_csv(saved)

    summary, got = import_and_export_pairs(dataset, saved, "script", tmp_path)
    assert (summary["rows"], summary["accepted"]) == (4, 4)
    assert got == {u["sentence_id"]: t for u, t in zip(units, typed)}
    manifest = json.loads((dataset / "versions" / summary["version"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["import"]["format"] == "csv"
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)


def test_a_machine_import_is_read_as_machine_output_and_its_manifest_follows_the_schema(tmp_path):
    import jsonschema
    import pyarrow.parquet as pq

    dataset = seed_copy(tmp_path)
    units = tmp_path / "units.jsonl"
    assert tarjama("slots", "export", dataset, "--format", "jsonl", "-o", units, "--limit", 2).returncode == 0
    mt = tmp_path / "mt.jsonl"
    with open(mt, "w", encoding="utf-8") as f:
        for n, line in enumerate(units.read_text(encoding="utf-8").splitlines()):
            unit = json.loads(line)
            unit["target"] = f"Machine output {n}"
            f.write(json.dumps(unit, ensure_ascii=False) + "\n")
    run = tarjama("slots", "import", dataset, mt, "--status", "machine", "--translator", "opus-mt-ar-en", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    version = dataset / "versions" / summary["version"]
    slots = pq.read_table(version / "translations.parquet").to_pylist()
    filled = [s for s in slots if s["text"] is not None]
    assert [(s["status"], s["origin"], s["translator"]) for s in filled] == [("machine", "machine", "opus-mt-ar-en")] * 2
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["import"]["status"] == "machine"
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)
