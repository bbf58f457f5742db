"""`burgh places import` and `burgh places attributes`: the custodian's loads from files.

Kept apart from the command module so that each subcommand's code reads on its own; the
`places` command wires them in.
"""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from burgh.core.errors import InvalidInputError
from burgh.places.attributes import load_attributes
from burgh.places.gazetteer_files import read_gazetteer_file
from burgh.places.services import import_gazetteer


def add_parsers(actions: Any) -> None:
    imports = actions.add_parser(
        "import",
        help="import or refresh the gazetteer from a file",
        description=(
            "FILE is either the simple CSV (header uprn,organisation,sub_building,"
            "building_name,building_number,street,locality,town,postcode; optionally usrn,"
            "easting,northing) or a BS7666 record file as an LLPG exports it and AddressBase "
            "Premium is delivered (records 15, 21, 24 and 31 are read). The same file twice "
            "changes nothing. Any bad row stops the whole import: each is reported as "
            "'line N, field: reason' and nothing is saved."
        ),
    )
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument(
        "--full-refresh",
        action="store_true",
        help="retire every property in use that the file does not hold (a full extract)",
    )
    attributes = actions.add_parser(
        "attributes",
        help="load a service's attributes of properties (collection rounds, stock numbers)",
        description=(
            "FILE.csv has the header uprn,name,value (optionally valid_from,valid_to as "
            "yyyy-mm-dd). Every row names a UPRN in the gazetteer; any bad row stops the load."
        ),
    )
    attributes.add_argument("file", type=Path, metavar="FILE.csv")
    attributes.add_argument("--service", required=True, help="the service, like waste")


def run_import(options: dict[str, Any], out: OutputWrapper) -> None:
    path: Path = options["file"]
    read = _refusing(lambda: read_gazetteer_file(_existing(path)), path)
    report = _refusing(
        lambda: import_gazetteer(
            read.rows,
            full_refresh=options["full_refresh"],
            retire=read.retire,
            source=path.name,
            file_format=read.file_format,
            actor="burgh places import",
        ),
        path,
    )
    out.write(
        f"{path.name}: {report.added} added, {report.changed} changed, {report.retired} "
        f"retired, {report.unchanged} unchanged\n"
    )


def run_attributes(options: dict[str, Any], out: OutputWrapper) -> None:
    path: Path = _existing(options["file"])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"uprn", "name", "value"} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(
                f"{path.name}, line 1: the header lacks {', '.join(sorted(missing))}; it needs "
                "uprn,name,value (and may have valid_from,valid_to)."
            )
        rows = [{**row, "_line": reader.line_num} for row in reader]
    report = _refusing(
        lambda: load_attributes(
            rows, service=options["service"], source=path.name, actor="burgh places attributes"
        ),
        path,
    )
    out.write(
        f"{path.name}: {report.added} added, {report.changed} changed, "
        f"{report.unchanged} unchanged\n"
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    return path


def _refusing(action: Any, path: Path) -> Any:
    """Run `action`, turning a refusal into the command's error: every problem, one a line."""
    try:
        return action()
    except InvalidInputError as refusal:
        lines = [
            f"{path.name}, line {e['row']}, {e['field']}: {e['detail']}"
            for e in refusal.errors or []
            if "row" in e
        ]
        raise CommandError("\n".join([refusal.detail, *lines])) from refusal
