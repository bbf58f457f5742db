"""CSV downloads, streamed: a header, then row by row, each cell safe to open in a spreadsheet."""

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Phone numbers and plain numbers start with + or - too, and are safe as they are.
_PLAIN_NUMBER = re.compile(r"[+-]?[\d ()-]+")


class _Line:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def safe_text(value: Any) -> str:
    """A value as cell text: empty for none, and never a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_download(
    name: str,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    cell: Callable[[Any], str],
) -> StreamingHttpResponse:
    """`rows` as `text/csv` named `<name>-<date>.csv`, sent as they are read so that no size
    of export fills memory."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Line())
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow([cell(row.get(column)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response
