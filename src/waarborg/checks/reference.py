"""The dated reference data the rules rest on (core/data/reference.yaml), read once."""

import functools
from pathlib import Path

import yaml

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "core" / "data" / "reference.yaml"
TABLES = ("adequacy", "dpf", "privacy_shield", "scc", "ap_retention")


@functools.cache
def load(path=REFERENCE_FILE):
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    missing = [table for table in TABLES if "checked_on" not in data.get(table, {})]
    if missing:
        raise ValueError(f"{path}: tables without checked_on: {', '.join(missing)}")
    return data
