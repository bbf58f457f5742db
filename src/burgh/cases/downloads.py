"""Cases as a CSV download, streamed: a header of the reader's columns, then row by row."""

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from burgh.cases.services import CasesExport
from burgh.people.downloads import cell as plain_cell


class _Line:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> str:
    """One value as a CSV cell: instants in UK time to the second, no formulas."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return plain_cell(value)


def csv_download(export: CasesExport) -> StreamingHttpResponse:
    """The export as `text/csv`, sent as it is read so that no size of export fills memory."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line())
        yield writer.writerow(export.columns)
        for row in export.rows:
            yield writer.writerow([cell(row.get(name)) for name in export.columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"cases-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response
