"""People as a CSV download, streamed: a header of the reader's columns, then row by row."""

from datetime import date
from typing import Any

from django.http import StreamingHttpResponse

from burgh.core import downloads
from burgh.people.services import PeopleExport


def cell(value: Any) -> str:
    """One value as a CSV cell: empty for none, ISO dates, involvements joined, no formulas."""
    if isinstance(value, list):
        return "; ".join(_involvement(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return downloads.safe_text(value)


def _involvement(item: dict[str, Any]) -> str:
    worker = f" ({item['worker']})" if item["worker"] else ""
    until = item["ended_on"].isoformat() if item["ended_on"] else "now"
    return cell(
        f"{item['team']}{worker}: {item['reason']}, {item['started_on']:%Y-%m-%d} to {until}"
    )


def csv_download(export: PeopleExport) -> StreamingHttpResponse:
    """The export as `text/csv`, streamed."""
    return downloads.csv_download("people", export.columns, export.rows, cell)
