"""`burgh places match|import|attributes`: match a file of addresses to UPRNs against a
gazetteer CSV; import the gazetteer; load services' place attributes.

`match` reads and writes files only: it runs on a fresh checkout with no database set up.
`import` and `attributes` (gazetteer_commands.py) work on the database.
"""

import csv
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from burgh.places.management import gazetteer_commands
from burgh.places.matching import AddressIndex, GazetteerRowError, match_batch
from burgh.places.matching.index import ROW_FIELDS

GAZETTEER_REQUIRED = ("uprn", "street", "town")
INPUT_COLUMNS = ("id", "address")


class InputFileError(Exception):
    """A file the command cannot use, with where and why ("G.csv, line 4, column uprn: ...")."""


class Command(BaseCommand):
    help = (
        "Match a CSV of addresses to UPRNs against a gazetteer CSV (match), import the "
        "gazetteer (import), or load a service's place attributes (attributes)."
    )
    # match never touches the database, so nothing needs to be set up or checked.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        match = actions.add_parser(
            "match",
            help="give every address of a CSV file the UPRN it means, when confident",
            description=(
                "INPUT.csv has the header id,address. The gazetteer CSV has the header "
                "uprn,organisation,sub_building,building_name,building_number,street,locality,"
                "town,postcode (uprn, street and town must be filled; other columns are "
                "optional). OUT.csv gets id,uprn,score for every address: the score is the "
                "calibrated probability that the best candidate is right, and uprn is blank "
                "below BURGH_ADDRESS_MATCH_THRESHOLD."
            ),
        )
        match.add_argument("input", type=Path, metavar="INPUT.csv")
        match.add_argument("--gazetteer", type=Path, required=True, metavar="G.csv")
        match.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
        gazetteer_commands.add_parsers(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "match":
            self._match(options["gazetteer"], options["input"], options["out"])
        elif action == "import":
            gazetteer_commands.run_import(options, self.stdout)
        elif action == "attributes":
            gazetteer_commands.run_attributes(options, self.stdout)

    def _match(self, gazetteer: Path, source: Path, out: Path) -> None:
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such directory for the output")
        try:
            index = _read_gazetteer(gazetteer)
            ids, texts = _read_addresses(source)
        except InputFileError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        results = match_batch(texts, index, processes=os.cpu_count() or 1)
        matched = 0
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "uprn", "score"])
            for record_id, result in zip(ids, results, strict=True):
                matched += result.uprn is not None
                writer.writerow([record_id, result.uprn or "", f"{result.score:.4f}"])
        self.stdout.write(
            f"Matched {matched:,} of {len(texts):,} addresses against {len(index):,} "
            f"properties: {out}"
        )


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file with a header; errors name the file and line."""
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(f"{path}: not UTF-8 text ({error.reason})") from error
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty (a header line is needed)")
    reader = csv.reader(text.splitlines())
    header = [name.strip().lower() for name in next(reader)]
    for fields in reader:
        line = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            raise InputFileError(
                f"{path}, line {line}: {len(fields)} columns where the header has {len(header)}"
            )
        yield line, dict(zip(header, fields, strict=True))


def _header(path: Path, wanted: tuple[str, ...]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = [name.strip().lower() for name in next(csv.reader(handle), [])]
    missing = [name for name in wanted if name not in header]
    if missing:
        raise InputFileError(
            f"{path}, line 1: no column {', '.join(missing)} (the header is "
            f"{','.join(header) or 'empty'})"
        )


def _read_gazetteer(path: Path) -> AddressIndex:
    rows = list(_rows(path))
    _header(path, GAZETTEER_REQUIRED)
    lines = [line for line, _row in rows]
    try:
        return AddressIndex.from_rows(
            {name: row.get(name, "") for name in ROW_FIELDS} for _line, row in rows
        )
    except GazetteerRowError as error:
        line = lines[error.row - 1]
        raise InputFileError(
            f"{path}, line {line}, column {error.column}: {error.message}"
        ) from error


def _read_addresses(path: Path) -> tuple[list[str], list[str]]:
    rows = list(_rows(path))
    _header(path, INPUT_COLUMNS)
    ids: list[str] = []
    texts: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        record_id = row["id"].strip()
        if not record_id:
            raise InputFileError(f"{path}, line {line}, column id: blank")
        if record_id in seen:
            raise InputFileError(
                f"{path}, line {line}, column id: {record_id!r} already on line {seen[record_id]}"
            )
        seen[record_id] = line
        ids.append(record_id)
        texts.append(row["address"])
    return ids, texts
