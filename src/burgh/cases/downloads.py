"""Cases as a CSV download, streamed: a header of the reader's columns, then row by row."""

from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from burgh.cases.services import CasesExport
from burgh.core import downloads


def cell(value: Any) -> str:
    """One value as a CSV cell: instants in UK time to the second, no formulas."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return downloads.safe_text(value)


def csv_download(export: CasesExport) -> StreamingHttpResponse:
    """The export as `text/csv`, streamed."""
    return downloads.csv_download("cases", export.columns, export.rows, cell)
