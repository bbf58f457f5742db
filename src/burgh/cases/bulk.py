"""Bulk intake: many cases of one type from rows of a CSV file (or the API), all or none.

Every row goes through `intake` on the bulk channel, so an imported case is checked, routed,
clocked, audited and announced like one logged at the contact centre. If any row is wrong,
every problem in every row is reported, by line and column, and nothing is saved: a
half-loaded file would leave the sender not knowing which of their cases exist.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.access import LOG_REQUEST
from burgh.cases.calendar import LONDON
from burgh.cases.models import Case, CaseType, Channel
from burgh.cases.services import IntakeRequest, find_case_type, intake
from burgh.cases.services.common import require
from burgh.core.errors import InvalidInputError
from burgh.identity.models import User
from burgh.places.row_errors import refuse_rows, row_error

# The columns every file may have, whatever its case type; the type's questions come after.
STANDARD_COLUMNS = (
    "title",
    "description",
    "address",
    "uprn",
    "lat",
    "long",
    "subject_person_id",
    "reporter_name",
    "reporter_email",
    "external_ref",
    "received_at",
)
# A checkboxes answer lists the ticked values with this between them ("furniture;tyres").
LIST_SEPARATOR = ";"
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")
# What intake calls a request's parts, as the file's columns are named.
INTAKE_POINTERS = {
    "reporter/name": "reporter_name",
    "reporter/email": "reporter_email",
    "latitude": "lat",
    "longitude": "long",
}


@dataclass(frozen=True)
class BulkReport:
    case_type: str
    rows: int
    # Cases saved: none on a dry run, where `rows` were checked and would all have been.
    logged: int
    dry_run: bool
    # Team name → how many of the rows went (or would go) to its queue.
    by_team: dict[str, int]
    references: tuple[str, ...]
    # Rows that matched an open case of the same type at the same place (intake's offer).
    possible_duplicates: int


def read_csv(text: str) -> list[dict[str, str]]:
    """The rows of a CSV file with a header line, each with `_line`, its line in the file.

    Column names are trimmed and lower-cased; blank lines are skipped. A row with more or
    fewer cells than the header is refused with every other such row.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise InvalidInputError(
            "The file is empty: it needs a header line naming its columns.",
            errors=[{"pointer": "#/rows", "detail": "Give a header line, like title,uprn,..."}],
        )
    rows: list[dict[str, str]] = []
    errors: list[dict[str, Any]] = []
    # A quoted cell may run over lines: a row starts on the line after the last one ended.
    ended = reader.line_num
    for cells in reader:
        line, ended = ended + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                row_error(
                    line,
                    "columns",
                    f"{len(cells)} cells where the header has {len(header)} columns",
                )
            )
            continue
        rows.append({**dict(zip(header, cells, strict=True)), "_line": str(line)})
    if errors:
        refuse_rows(errors, "rows")
    return rows


def import_cases(
    by: User | None,
    case_type_code: str,
    rows: Iterable[Mapping[str, str]],
    *,
    dry_run: bool = False,
) -> BulkReport:
    """Log a case of `case_type_code` for every row, in one transaction, or none of them.

    A row is a mapping of column to text (STANDARD_COLUMNS and the case type's field names;
    `_line` says which line of a file it is). `dry_run` checks every row as for real and
    saves nothing. Raises InvalidInputError naming every problem, each with its row.
    """
    require(by, LOG_REQUEST, "log requests")
    case_type = find_case_type(case_type_code)
    if case_type is None:
        raise InvalidInputError(
            f"There is no case type {case_type_code!r} taking new requests.",
            errors=[{"pointer": "#/case_type", "detail": "Give the code of an active case type."}],
        )
    questions = case_fields.check_definition(case_type.fields)
    rows = list(rows)
    if not rows:
        raise InvalidInputError(
            "There are no rows to import.",
            errors=[{"pointer": "#/rows", "detail": "Give at least one row under the header."}],
        )
    numbered = [(_line(row, number), row) for number, row in enumerate(rows, start=1)]
    errors = _column_problems(case_type, questions, numbered)
    if errors:
        refuse_rows(errors, "rows")
    errors += _reference_problems(case_type, numbered)
    logged: list[Case] = []
    duplicates = 0
    with transaction.atomic():
        for line, row in numbered:
            request, problems = _request(case_type, questions, row)
            try:
                with transaction.atomic():
                    result = intake(by, request, case_type=case_type)
            except InvalidInputError as refusal:
                problems += [
                    (_column(error.get("pointer", "")), error.get("detail", refusal.detail))
                    for error in refusal.errors or [{"detail": refusal.detail}]
                ]
            else:
                logged.append(result.case)
                duplicates += bool(result.possible_duplicates)
            errors += [row_error(line, column, detail) for column, detail in problems]
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        refuse_rows(sorted(errors, key=lambda error: error["row"]), "rows")
    return BulkReport(
        case_type=case_type.code,
        rows=len(numbered),
        logged=0 if dry_run else len(logged),
        dry_run=dry_run,
        by_team=dict(sorted(Counter(case.team.name for case in logged).items())),
        references=() if dry_run else tuple(case.reference for case in logged),
        possible_duplicates=duplicates,
    )


def _line(row: Mapping[str, str], number: int) -> int:
    given = str(row.get("_line", "")).strip()
    return int(given) if given.isdigit() else number


def _column_problems(
    case_type: CaseType,
    questions: tuple[case_fields.CaseField, ...],
    numbered: list[tuple[int, Mapping[str, str]]],
) -> list[dict[str, Any]]:
    """Columns no row of this case type can have: reported once, on the header line."""
    names = {question.name for question in questions}
    clashing = sorted(names & set(STANDARD_COLUMNS))
    problems = [
        row_error(
            1,
            name,
            f"{case_type.name}'s question {name!r} has the name of a standard column, so "
            "its answers cannot be told apart; rename the question to import this type",
        )
        for name in clashing
    ]
    from_file = "_line" in numbered[0][1]
    known = sorted(set(STANDARD_COLUMNS) | names)
    seen: set[str] = set()
    for line, row in numbered:
        for column in row:
            if column == "_line" or column in seen or column in known:
                continue
            seen.add(column)
            problems.append(
                row_error(
                    1 if from_file else line,
                    column,
                    f"not a column for a {case_type.name}; use {', '.join(known)}",
                )
            )
    return problems


def _reference_problems(
    case_type: CaseType, numbered: list[tuple[int, Mapping[str, str]]]
) -> list[dict[str, Any]]:
    """An external reference logged before, or twice in the file: a file sent twice, or a
    row copied, would otherwise give the council two cases for one request."""
    first: dict[str, int] = {}
    problems: list[dict[str, Any]] = []
    for line, row in numbered:
        reference = str(row.get("external_ref") or "").strip()
        if not reference:
            continue
        if reference in first:
            problems.append(
                row_error(line, "external_ref", f"{reference!r} is also on line {first[reference]}")
            )
        else:
            first[reference] = line
    existing = Case.objects.filter(case_type=case_type, external_ref__in=list(first)).values_list(
        "external_ref", "reference"
    )
    for reference, case_reference in existing:
        problems.append(
            row_error(
                first[reference],
                "external_ref",
                f"{reference!r} was imported before, as case {case_reference}",
            )
        )
    return problems


def _request(
    case_type: CaseType, questions: tuple[case_fields.CaseField, ...], row: Mapping[str, str]
) -> tuple[IntakeRequest, list[tuple[str, str]]]:
    """The intake request a row makes, and the problems only the file's form can have."""
    problems: list[tuple[str, str]] = []

    def cell(name: str) -> str:
        return str(row.get(name) or "").strip()

    data: dict[str, Any] = {}
    for question in questions:
        value = cell(question.name)
        if not value:
            continue
        if question.type == "checkboxes":
            ticked = (part.strip() for part in value.split(LIST_SEPARATOR))
            data[question.name] = [part for part in ticked if part]
        elif question.type == "date" and (found := UK_DATE.match(value)) and not found[4]:
            # Spreadsheets write dates the UK way; the answer is stored as ISO 8601.
            day, month, year = found.groups()[:3]
            data[question.name] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            data[question.name] = value
    if bool(cell("lat")) != bool(cell("long")):
        problems.append(("long" if cell("lat") else "lat", "Give both lat and long, or neither."))
    latitude = _coordinate(cell("lat"), "lat", problems)
    longitude = _coordinate(cell("long"), "long", problems)
    if latitude is None or longitude is None:
        latitude = longitude = None
    reporter = {"name": cell("reporter_name"), "email": cell("reporter_email")}
    request = IntakeRequest(
        case_type=case_type.code,
        channel=Channel.BULK,
        title=cell("title"),
        description=cell("description"),
        data=data,
        subject_person_id=cell("subject_person_id") or None,
        uprn=cell("uprn"),
        address=cell("address"),
        latitude=latitude,
        longitude=longitude,
        reporter={name: value for name, value in reporter.items() if value},
        external_ref=cell("external_ref"),
        received_at=_received_at(cell("received_at"), problems),
    )
    return request, problems


def _coordinate(text: str, column: str, problems: list[tuple[str, str]]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append((column, f"{text!r} is not a number of degrees, like 57.4778"))
        return None
    if not value.is_finite():
        problems.append((column, f"{text!r} is not a number of degrees, like 57.4778"))
        return None
    return value


def _received_at(text: str, problems: list[tuple[str, str]]) -> datetime | None:
    """When the request was received: ISO 8601 ("2026-11-30 14:05") or UK ("30/11/2026
    14:05"); without a zone, UK time. Blank: now."""
    if not text:
        return None
    found = UK_DATE.match(text)
    try:
        if found:
            day, month, year, hour, minute, second = found.groups()
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        elif len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        problems.append(("received_at", f"{text!r} is not a date and time, like 2026-11-30 14:05"))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    if moment > timezone.now() + timedelta(minutes=5):
        problems.append(("received_at", f"{text} is in the future"))
        return None
    return moment


def _column(pointer: str) -> str:
    """The file's column an intake error points at (`#/data/bin_type` → bin_type)."""
    path = pointer.removeprefix("#/")
    if path.startswith("data/"):
        path = path.removeprefix("data/").replace("~1", "/").replace("~0", "~")
    return INTAKE_POINTERS.get(path, path or "row")
