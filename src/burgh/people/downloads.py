"""People as a CSV download, streamed: a header of the reader's columns, then row by row."""

import csv
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from burgh.people.services import PeopleExport

# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Phone numbers and plain numbers start with + or - too, and are safe as they are.
_PLAIN_NUMBER = re.compile(r"[+-]?[\d ()-]+")


class _Line:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    """One value as a CSV cell: empty for none, ISO dates, involvements joined, no formulas."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_involvement(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _involvement(item: dict[str, Any]) -> str:
    worker = f" ({item['worker']})" if item["worker"] else ""
    until = item["ended_on"].isoformat() if item["ended_on"] else "now"
    return cell(
        f"{item['team']}{worker}: {item['reason']}, {item['started_on']:%Y-%m-%d} to {until}"
    )


def csv_download(export: PeopleExport) -> StreamingHttpResponse:
    """The export as `text/csv`, sent as it is read so that no size of export fills memory."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line())
        yield writer.writerow(export.columns)
        for row in export.rows:
            yield writer.writerow([cell(row.get(name)) for name in export.columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"people-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response
