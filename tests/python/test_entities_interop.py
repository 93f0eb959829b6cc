"""A Label Studio review imported back: the version it makes follows the
documented manifest schema, and pyarrow reads the reviewed spans."""

import json

import jsonschema
import pyarrow.parquet as pq

from tarjama_cli import ROOT, seed_copy, tarjama


def test_a_label_studio_review_makes_a_version_whose_manifest_follows_the_schema(tmp_path):
    dataset = seed_copy(tmp_path)
    # v0001 predates the entity model: a build tags the articles with it.
    assert tarjama("build", "--quiet", dataset).returncode == 0
    tasks_path = tmp_path / "tasks.json"
    run = tarjama("entities", "export", dataset, "--format", "label-studio", "-o", tasks_path, "--limit", 2)
    assert run.returncode == 0, run.stderr
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    # The reviewer deletes the last predicted span of each task.
    kept = []
    for task in tasks:
        result = task["predictions"][0]["result"]
        assert result, task["data"]
        task["annotations"] = [{"result": result[:-1], "ground_truth": True}]
        kept += [r["value"]["text"] for r in result[:-1]]
    reviewed = tmp_path / "reviewed.json"
    reviewed.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")

    run = tarjama("entities", "import", dataset, reviewed, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert (summary["tasks"], summary["accepted"], summary["spans"]) == (2, 2, len(kept))
    version = dataset / "versions" / summary["version"]
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["import"]["format"], manifest["import"]["status"]) == ("label-studio", "human")
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)
    human = [r for r in pq.read_table(version / "entities.parquet").to_pylist() if r["origin"] == "human"]
    assert sorted(r["text"] for r in human) == sorted(kept)
