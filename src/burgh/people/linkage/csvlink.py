"""`burgh people link INPUT.csv --out OUT.csv`: any export in, a person id for every record out.

The input's header names the columns (in any order): source_system, source_id and the
attributes given_name, family_name, date_of_birth, sex, address, postcode, email, phone, and
optionally uprn and identifier. Every bad row is reported with its line number, field and
reason and left out; every good row is linked and written. A person id is derived from the
smallest (system, id) of its cluster, so the same file always gives the same ids.
"""

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from burgh.people.linkage.batch import collector_paused, link_features
from burgh.people.linkage.features import (
    FIELDS,
    OPTIONAL_FIELDS,
    InvalidRecord,
    parse_date_of_birth,
    prepare_columns,
)
from burgh.people.linkage.model import Model
from burgh.people.linkage.training import term_frequencies

IDENTITY = ("source_system", "source_id")
COLUMNS = (*IDENTITY, *FIELDS)
OUTPUT_COLUMNS = ("source_system", "source_id", "person_id")
# Between system and id in a record's key: a character no export puts in either.
SEPARATOR = "\x1f"
# Surrogates stand in for bytes that are not UTF-8 (decoded with errors="surrogateescape").
_NOT_TEXT = range(0xDC80, 0xDD00)


class InputError(ValueError):
    """The file cannot be read at all (no header, missing columns): nothing was linked."""


@dataclass
class LinkReport:
    records: int = 0  # valid rows linked and written
    people: int = 0
    problems: list[str] = field(default_factory=list)  # "line N: field: reason"


def person_id(smallest_key: str) -> str:
    """A person id that depends only on the cluster's smallest record key."""
    return "p-" + hashlib.blake2b(smallest_key.encode("utf-8"), digest_size=8).hexdigest()


def _lines(data: bytes) -> Iterator[str]:
    text = data.decode(
        "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", "surrogateescape"
    )
    return iter(io.StringIO(text, newline=""))


def _not_text(value: str) -> bool:
    return any(ord(char) in _NOT_TEXT for char in value)


def read_rows(data: bytes, report: LinkReport) -> list[dict[str, str]]:
    """The valid rows of a CSV file (with "key" added); problems go to report.problems."""
    lines = _lines(data)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("line 1: header: the file is empty") from None
    except csv.Error as error:
        raise InputError(f"line 1: header: {error}") from None
    header = [name.strip().lower() for name in header]
    if any(_not_text(name) for name in header):
        raise InputError("line 1: header: not UTF-8 text")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(
            f"line 1: header: missing columns {', '.join(missing)} (expected {','.join(COLUMNS)})"
        )
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_FIELDS]
    for name in unknown:
        report.problems.append(f"line 1: header: unknown column {name!r} is ignored")
    duplicated = {name for name in header if header.count(name) > 1}
    if duplicated:
        raise InputError(f"line 1: header: columns named twice: {', '.join(sorted(duplicated))}")

    rows: list[dict[str, str]] = []
    first_line: dict[tuple[str, str], int] = {}
    dates: dict[str, str | None] = {}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.problems.append(f"line {start}: row: {error}")
            line = reader.line_num
            continue
        line = reader.line_num
        if not values or values == [""]:
            continue  # a blank line
        if len(values) != len(header):
            report.problems.append(
                f"line {start}: row: expected {len(header)} columns, found {len(values)}"
            )
            continue
        row = dict(zip(header, values, strict=True))
        bad = next((name for name in header if _not_text(row[name])), None)
        if bad is not None:
            report.problems.append(f"line {start}: {bad}: not UTF-8 text (check the encoding)")
            continue
        system, source_id = row["source_system"].strip(), row["source_id"].strip()
        if not system:
            report.problems.append(f"line {start}: source_system: blank")
            continue
        if not source_id:
            report.problems.append(f"line {start}: source_id: blank")
            continue
        if (system, source_id) in first_line:
            report.problems.append(
                f"line {start}: source_id: {source_id!r} of {system!r} already on line "
                f"{first_line[system, source_id]}"
            )
            continue
        record = {name: row[name] for name in (*FIELDS, *OPTIONAL_FIELDS) if name in row}
        # The date of birth is the one attribute that can be unreadable.
        born = record["date_of_birth"]
        if born not in dates:
            try:
                parse_date_of_birth(born)
                dates[born] = None
            except InvalidRecord as error:
                dates[born] = error.reason
        if dates[born] is not None:
            report.problems.append(f"line {start}: date_of_birth: {dates[born]}")
            continue
        first_line[system, source_id] = start
        rows.append({"key": f"{system}{SEPARATOR}{source_id}", **record})
    return rows


def link_csv(source: Path, out: Path, *, model: Model | None = None) -> LinkReport:
    """Link the records of the CSV file `source` and write their person ids to `out`.

    Term frequencies come from the file itself (how common each name is in this export);
    the rest of the model is the shipped one unless `model` is given.
    """
    report = LinkReport()
    with collector_paused():
        rows = read_rows(source.read_bytes(), report)
        keys, features = prepare_columns(rows)
        model = (model or Model.default()).with_term_frequencies(term_frequencies(features))
        clusters = link_features(keys, features, model).clusters if rows else {}
    report.records = len(rows)
    report.people = len(set(clusters.values()))
    _write(out, keys, clusters)
    return report


def _write(out: Path, keys: list[str], clusters: dict[str, str]) -> None:
    # Written beside the target and renamed into place: a failed run leaves no half file.
    out = out.resolve()
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            for key in keys:
                system, source_id = key.split(SEPARATOR, 1)
                writer.writerow((system, source_id, person_id(clusters[key])))
        Path(temporary).replace(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
