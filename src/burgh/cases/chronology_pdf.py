"""A case's chronology as a printable PDF: what happened, when and by whom, on A4.

Rows are laid out here rather than with fpdf2's table, which wraps text slowly enough that a
long-running case (thousands of entries) would take many seconds; this takes a fraction of one.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from burgh.cases.letters import CouncilPDF

LONDON = ZoneInfo("Europe/London")
MARKING = "OFFICIAL-SENSITIVE"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MM_PER_PT = 25.4 / 72
_SIZE = 9  # points, for the table
_LINE = 4.4  # mm from one line of table text to the next
_PAD = 1.5  # mm inside each cell
_COLUMNS = (("Date and time", 37.0), ("What happened", 95.0), ("By", 38.0))


def london_time(at: datetime) -> str:
    """`3 Dec 2026 14:05` on the clocks in Scotland; a naive time is taken as UTC (as stored)."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LONDON)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"


def council_name() -> str:
    return (
        str(getattr(settings, "BURGH_COUNCIL_NAME", "") or getattr(settings, "COUNCIL_NAME", ""))
        or "Council"
    )


def chronology_pdf(
    case: Mapping[str, Any],
    entries: Iterable[Mapping[str, Any]],
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """The chronology of `case` (`reference`, `type`, `subject`, `sensitive`).

    Each entry has `at` (a datetime), `summary`, `by` (or `actor_label`, as the chronology
    stores it) and `significant`; entries are printed in the order given.
    """
    generated = london_time(generated_at or datetime.now(UTC))
    reference = str(case.get("reference", ""))
    pdf = CouncilPDF(
        title=f"Chronology of case {reference}".strip(),
        footer_text=f"Case {reference} chronology, generated {generated}",
        marking=MARKING if case.get("sensitive") else "",
    )
    layout = _Layout(pdf)
    pdf.add_page()
    _heading(pdf, layout, case)
    layout.column_headings()
    printed = 0
    for entry in entries:
        at = entry.get("at")
        summary = str(entry.get("summary", ""))
        significant = bool(entry.get("significant"))
        layout.row(
            (
                london_time(at) if isinstance(at, datetime) else str(at or ""),
                f"Significant: {summary}" if significant else summary,
                str(entry.get("by") or entry.get("actor_label") or ""),
            ),
            bold=significant,
        )
        printed += 1
    if not printed:
        layout.row(("", "Nothing has been recorded on this case.", ""), bold=False)
    return bytes(pdf.output())


def _heading(pdf: CouncilPDF, layout: "_Layout", case: Mapping[str, Any]) -> None:
    pdf.set_font(pdf.face, "B", 16)
    pdf.cell(0, 8, council_name(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.face, "", 13)
    pdf.cell(0, 8, "Case chronology", new_x="LMARGIN", new_y="NEXT")
    if case.get("sensitive"):
        pdf.set_font(pdf.face, "B", 11)
        pdf.cell(0, 7, MARKING, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, key in (
        ("Case reference", "reference"),
        ("Case type", "type"),
        ("Subject", "subject"),
    ):
        pdf.set_font(pdf.face, "B", 10)
        pdf.cell(34, 5.5, label)
        pdf.set_font(pdf.face, "", 10)
        lines = layout.wrap(str(case.get(key, "")), pdf.epw - 34, "") or [""]
        for line in lines:
            pdf.set_x(pdf.l_margin + 34)
            pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


class _Layout:
    """Table rows with word wrap; word widths are cached, as chronologies repeat words a lot."""

    def __init__(self, pdf: CouncilPDF) -> None:
        self.pdf = pdf
        self.widths: dict[tuple[str, int, str], float] = {}

    def width(self, text: str, style: str) -> float:
        key = (style, int(self.pdf.font_size_pt), text)
        found = self.widths.get(key)
        if found is None:
            found = self.widths[key] = self.pdf.get_string_width(text)
        return found

    def wrap(self, text: str, room: float, style: str) -> list[str]:
        lines: list[str] = []
        space = self.width(" ", style)
        for paragraph in text.splitlines() or [""]:
            current: list[str] = []
            used = 0.0
            for word in paragraph.split():
                wide = self.width(word, style)
                if wide > room:  # a word longer than the column is broken where it must be
                    if current:
                        lines.append(" ".join(current))
                    *whole, word = self._break(word, room, style)
                    lines.extend(whole)
                    current, used = [word], self.width(word, style)
                elif current and used + space + wide > room:
                    lines.append(" ".join(current))
                    current, used = [word], wide
                else:
                    used = used + space + wide if current else wide
                    current.append(word)
            lines.append(" ".join(current))
        return lines

    def _break(self, word: str, room: float, style: str) -> list[str]:
        pieces, piece = [], ""
        for char in word:
            if piece and self.width(piece + char, style) > room:
                pieces.append(piece)
                piece = ""
            piece += char
        return [*pieces, piece]

    def column_headings(self) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.face, "B", _SIZE)
        pdf.set_fill_color(225)
        height = _LINE + 2 * _PAD
        pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, height, style="F")
        self._draw([[title] for title, _ in _COLUMNS], pdf.get_y(), 0, 1)
        pdf.set_y(pdf.get_y() + height)

    def row(self, cells: tuple[str, str, str], *, bold: bool) -> None:
        pdf = self.pdf
        style = "B" if bold else ""
        pdf.set_font(pdf.face, style, _SIZE)
        lines = [
            self.wrap(text, width - 2 * _PAD, style)
            for text, (_, width) in zip(cells, _COLUMNS, strict=True)
        ]
        total = max(len(column) for column in lines)
        start = 0
        while start < total:
            room = int((pdf.page_break_trigger - pdf.get_y() - 2 * _PAD) // _LINE)
            fresh_page = int((pdf.page_break_trigger - pdf.t_margin - 3 * _PAD) // _LINE) - 1
            need = total - start
            if need > room and (need <= fresh_page or room < 1):
                self._new_page(style)
                continue
            shown = min(need, room)
            top = pdf.get_y()
            self._draw(lines, top, start, shown)
            bottom = top + shown * _LINE + 2 * _PAD
            pdf.set_draw_color(190)
            pdf.line(pdf.l_margin, bottom, pdf.l_margin + pdf.epw, bottom)
            pdf.set_y(bottom)
            start += shown
            if start < total:  # a row longer than a page carries on over the page
                self._new_page(style)

    def _new_page(self, style: str) -> None:
        self.pdf.add_page()
        self.column_headings()
        self.pdf.set_font(self.pdf.face, style, _SIZE)

    def _draw(self, lines: list[list[str]], top: float, start: int, count: int) -> None:
        pdf = self.pdf
        baseline = top + _PAD + (_LINE + _SIZE * _MM_PER_PT * 0.7) / 2
        x = pdf.l_margin
        for column, (_, width) in zip(lines, _COLUMNS, strict=True):
            for offset, line in enumerate(column[start : start + count]):
                if line:
                    pdf.text(x + _PAD, baseline + offset * _LINE, line)
            x += width
