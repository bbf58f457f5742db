"""The benchmark's gazetteer and messy addresses, generated once and cached as CSV."""

import csv
import os
from pathlib import Path

from burgh.demo.generator.addresses import MessyAddress, gazetteer_rows, messy_addresses
from burgh.places.gazetteer_files import write_gazetteer_csv

SEED = 11  # never the training seed (7) nor the one looked at while building (3)


def cache_dir() -> Path:
    root = Path(os.environ.get("BURGH_VAR_DIR", "var")) / "bench" / "places"
    root.mkdir(parents=True, exist_ok=True)
    return root


def gazetteer(properties: int) -> tuple[Path, list[dict[str, str]]]:
    path = cache_dir() / f"gazetteer-{SEED}-{properties}.csv"
    if not path.exists():
        path.write_text(
            write_gazetteer_csv(gazetteer_rows(SEED, properties)), encoding="utf-8", newline=""
        )
    with path.open(newline="", encoding="utf-8") as handle:
        return path, list(csv.DictReader(handle))


def addresses(rows: list[dict[str, str]], count: int) -> list[MessyAddress]:
    return messy_addresses(rows, SEED, count)
