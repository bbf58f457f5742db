"""Reading gazetteer files: the simple CSV, and the BS7666 record exchange format.

The simple CSV has a header row naming `uprn, organisation, sub_building, building_name,
building_number, street, locality, town, postcode` (and optionally `usrn, easting, northing`).

The record format is what a council's address custodian exports from its LLPG and what
AddressBase Premium is delivered in: one CSV, no header, each line starting with a record
identifier. Burgh reads the records that make an address: 15 (street descriptor), 21 (BLPU:
the property, its state and grid position), 24 (LPI: its address) and 31 (organisation); the
rest (header, metadata, classification, cross-references, trailer) are passed over. A change
file's deletions (change type D on a BLPU) retire the UPRN.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from burgh.core.errors import InvalidInputError
from burgh.places.row_errors import refuse_rows, row_error

CSV_COLUMNS = (
    "uprn",
    "organisation",
    "sub_building",
    "building_name",
    "building_number",
    "street",
    "locality",
    "town",
    "postcode",
)
OPTIONAL_COLUMNS = ("usrn", "easting", "northing")

# Column positions of the records Burgh reads (0-based), by the record layouts of the
# BS7666 exchange files (AddressBase Premium's CSV carries the same columns).
STREET_DESCRIPTOR = {"usrn": 3, "street": 4, "locality": 5, "town": 6, "language": 8}
BLPU = {
    "change": 1,
    "uprn": 3,
    "logical_status": 4,
    "easting": 8,
    "northing": 9,
    "end_date": 16,
    "postcode": 20,
}
LPI = {
    "change": 1,
    "uprn": 3,
    "language": 5,
    "logical_status": 6,
    "end_date": 8,
    "sao_start_number": 11,
    "sao_start_suffix": 12,
    "sao_end_number": 13,
    "sao_end_suffix": 14,
    "sao_text": 15,
    "pao_start_number": 16,
    "pao_start_suffix": 17,
    "pao_end_number": 18,
    "pao_end_suffix": 19,
    "pao_text": 20,
    "usrn": 21,
}
ORGANISATION = {"change": 1, "uprn": 3, "organisation": 5, "end_date": 8}
RECORD_WIDTHS = {"15": 9, "21": 21, "24": 22, "31": 6}
# Logical status 1 is an approved address, 6 provisional (a new build), 8 historical.
IN_USE = {"1", "6"}
KNOWN_RECORDS = {"10", "11", "12", "13", "14", "15", "16", "17", "21", "22", "23", "24"} | {
    "28",
    "29",
    "30",
    "31",
    "32",
    "99",
}


@dataclass
class GazetteerFile:
    """What a file asks of the gazetteer: rows to hold, and UPRNs to retire."""

    file_format: str
    rows: list[dict[str, Any]]
    retire: list[str] = field(default_factory=list)


def read_gazetteer_file(path: Path) -> GazetteerFile:
    """Read a gazetteer file in either format, telling them apart by the first line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            f"{path.name} is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV.",
            errors=[{"pointer": "#/file", "detail": "not UTF-8"}],
        ) from error
    return read_gazetteer_text(text, name=path.name)


def read_gazetteer_text(text: str, *, name: str = "the file") -> GazetteerFile:
    lines = list(csv.reader(io.StringIO(text)))
    first = next((line for line in lines if any(cell.strip() for cell in line)), None)
    if first is None:
        raise InvalidInputError(
            f"{name} is empty.", errors=[{"pointer": "#/file", "detail": "empty"}]
        )
    if first[0].strip().isdigit():
        return _read_records(lines, name)
    return GazetteerFile("csv", list(_read_simple_csv(lines, name)))


def _read_simple_csv(lines: list[list[str]], name: str) -> Iterator[dict[str, Any]]:
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise InvalidInputError(
            f"{name}, line 1: the header lacks the column(s) {', '.join(missing)}; it needs "
            f"{','.join(CSV_COLUMNS)} (and may have {','.join(OPTIONAL_COLUMNS)}).",
            errors=[row_error(1, column, "missing column") for column in missing],
        )
    wanted = [column for column in (*CSV_COLUMNS, *OPTIONAL_COLUMNS) if column in header]
    positions = {column: header.index(column) for column in wanted}
    for number, line in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue
        row: dict[str, Any] = {"_line": number}
        for column, position in positions.items():
            row[column] = line[position] if position < len(line) else ""
        yield row


def _read_records(lines: list[list[str]], name: str) -> GazetteerFile:
    streets: dict[str, dict[str, str]] = {}
    blpus: dict[str, dict[str, Any]] = {}
    addresses: dict[str, dict[str, str]] = {}
    organisations: dict[str, str] = {}
    retire: list[str] = []
    errors: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not any(cell.strip() for cell in line):
            continue
        kind = line[0].strip()
        if kind not in KNOWN_RECORDS:
            errors.append(row_error(number, "RECORD_IDENTIFIER", f"{kind!r} is not a record type"))
            continue
        if kind not in RECORD_WIDTHS:
            continue
        if len(line) < RECORD_WIDTHS[kind]:
            errors.append(
                row_error(
                    number,
                    "record",
                    f"a type {kind} record needs at least {RECORD_WIDTHS[kind]} columns, "
                    f"this has {len(line)}",
                )
            )
            continue
        if kind == "15":
            record = _take(line, STREET_DESCRIPTOR)
            # An English-language descriptor wins over a Gaelic one for the same street.
            if record["usrn"] not in streets or record["language"] in ("", "ENG"):
                streets[record["usrn"]] = record
        elif kind == "21":
            record = _take(line, BLPU)
            if record["change"] == "D":
                retire.append(record["uprn"])
            elif record["logical_status"] in IN_USE and not record["end_date"]:
                blpus[record["uprn"]] = {**record, "_line": number}
        elif kind == "24":
            record = _take(line, LPI)
            usable = record["logical_status"] in IN_USE and not record["end_date"]
            preferred = record["language"] in ("", "ENG")
            if (
                usable
                and record["change"] != "D"
                and (record["uprn"] not in addresses or preferred)
            ):
                addresses[record["uprn"]] = record
        else:
            record = _take(line, ORGANISATION)
            if record["change"] != "D" and not record["end_date"]:
                organisations[record["uprn"]] = record["organisation"]
    rows: list[dict[str, Any]] = []
    for uprn, blpu in blpus.items():
        address = addresses.get(uprn)
        if address is None:
            errors.append(row_error(blpu["_line"], "UPRN", f"{uprn} has no current address (LPI)"))
            continue
        street = streets.get(address["usrn"])
        if street is None:
            errors.append(
                row_error(
                    blpu["_line"], "USRN", f"street {address['usrn']} of {uprn} is not in the file"
                )
            )
            continue
        rows.append(
            {
                "_line": blpu["_line"],
                "uprn": uprn,
                "usrn": address["usrn"],
                "organisation": organisations.get(uprn, ""),
                "sub_building": _join(
                    address["sao_text"],
                    _number_range(address, "sao"),
                ),
                "building_name": address["pao_text"],
                "building_number": _number_range(address, "pao"),
                "street": street["street"],
                "locality": street["locality"],
                "town": street["town"],
                "postcode": blpu["postcode"],
                "easting": blpu["easting"],
                "northing": blpu["northing"],
            }
        )
    if errors:
        refuse_rows(errors, f"records of {name}")
    return GazetteerFile("bs7666", rows, retire)


def _take(line: list[str], layout: dict[str, int]) -> dict[str, str]:
    return {name: line[position].strip() for name, position in layout.items()}


def _number_range(record: dict[str, str], part: str) -> str:
    start = record[f"{part}_start_number"] + record[f"{part}_start_suffix"]
    end = record[f"{part}_end_number"] + record[f"{part}_end_suffix"]
    return f"{start}-{end}" if start and end else start


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def write_gazetteer_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The simple CSV of `rows` (for exports and the benchmarks' fixtures)."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=[*CSV_COLUMNS, *OPTIONAL_COLUMNS], extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
