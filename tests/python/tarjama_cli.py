"""The tarjama binary under test and the committed seed dataset, shared by
the tests that run commands on a copy of it."""

import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "datasets" / "seed-news"
BIN = os.environ.get("TARJAMA_BIN", str(ROOT / "target" / "release" / "tarjama"))


def tarjama(*args):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)


def seed_copy(tmp_path):
    """The seed's articles, settings and first version, in `tmp_path`/seed."""
    dataset = tmp_path / "seed"
    shutil.copytree(SEED / "raw", dataset / "raw")
    shutil.copy(SEED / "dataset.toml", dataset / "dataset.toml")
    shutil.copytree(SEED / "versions" / "v0001", dataset / "versions" / "v0001")
    return dataset
