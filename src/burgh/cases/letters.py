"""Letters on a case: a DOCX template filled with case data, and a PDF of the filled letter.

Templates use Jinja syntax inside Word (`{{ person.name }}`, `{%tr for row in rows %}`) and are
rendered in Jinja's immutable sandbox with autoescaping: a template can read the data it is
given and nothing else, cannot change it, and a missing field is an error that names it rather
than a blank in a letter that goes out.

`letter_pdf` is a faithful *text* rendering of the filled letter, not a pixel copy of Word's
layout (the servers have no Word or LibreOffice to print with): paragraphs in order, headings
larger and bold, bold, italic and underlined runs kept, bullets, tables as tables, page breaks,
page numbers in the footer, on A4. Alignment, indents, fonts, colours, images, text boxes and
headers are not reproduced; the DOCX stays the letter of record.

PDFs (these and the chronology's) use DejaVu Sans, found in `BURGH_PDF_FONT_DIR` if set, else
where Debian and Ubuntu (`fonts-dejavu-core`; italics in `fonts-dejavu-extra`), Fedora, Alpine
or Arch put it. Without it they fall back to Helvetica, whose Windows-1252 characters cover
Gaelic and Irish accents, £ and € but not, say, Polish ł, which is then written as a plain l.
"""

import functools
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docxtpl import DocxTemplate  # type: ignore[import-untyped]  # no stubs; pyproject is shared
from fpdf import FPDF, FontFace
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from burgh.core.errors import InvalidInputError

logger = logging.getLogger(__name__)
# fpdf2 subsets fonts with fontTools, which logs every glyph table at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

POINTER = "#/template"


class LetterTemplateError(InvalidInputError):
    slug = "letter-template"
    title = "The letter template cannot be used"

    def __init__(self, detail: str, *, variables: list[str] | None = None) -> None:
        errors = [{"pointer": POINTER, "detail": detail}]
        super().__init__(detail, errors=errors, extra={"variables": variables or []})
        self.variables = variables or []


# Templates


class _Fields(dict[str, Any]):
    """Case data that knows where it sits, so a missing field is named in full: `person.nam`."""

    def __init__(self, values: Mapping[str, Any], path: str) -> None:
        super().__init__(values)
        self._burgh_path = path


def _named(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        return _Fields({k: _named(v, f"{path}.{k}") for k, v in value.items()}, path)
    if isinstance(value, list | tuple):
        return [_named(v, path) for v in value]
    return value


class _MissingField(StrictUndefined):
    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint is not None or self._undefined_name is None:
            return str(super()._undefined_message)
        path = getattr(self._undefined_obj, "_burgh_path", None)
        return f"{path}.{self._undefined_name}" if path else str(self._undefined_name)


def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=_MissingField)


def _load(template: bytes) -> DocxTemplate:
    try:
        loaded = DocxTemplate(io.BytesIO(template))
        loaded.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise LetterTemplateError(
            "The template is not a Word document (DOCX). Save it from Word as .docx and try again."
        ) from None
    return loaded


def template_variables(template: bytes) -> set[str]:
    """The fields a template uses (top-level names: `person` for `{{ person.name }}`)."""
    environment = _environment()
    try:
        found: set[str] = _load(template).get_undeclared_template_variables(environment)
    except TemplateSyntaxError as exc:
        raise _syntax_error(exc, template) from None
    return found - set(environment.globals)


def render_letter(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill a DOCX template with case data; refuse (naming them) fields the data lacks."""
    missing = sorted(template_variables(template) - set(context))
    if missing:
        names = ", ".join(missing)
        raise LetterTemplateError(
            f"The template uses {names}, which {'is' if len(missing) == 1 else 'are'} not in "
            "this letter's data. Check the spelling against the list of fields letters can use.",
            variables=missing,
        )
    document = _load(template)
    environment = _environment()
    try:
        document.render({k: _named(v, k) for k, v in context.items()}, environment, autoescape=True)
    except SecurityError as exc:
        reached = re.search(r"attribute '([^']+)'", exc.message or "")
        what = f"“{reached[1]}”" if reached else "something"
        raise LetterTemplateError(
            f"The template tries to use {what}, which letters may not reach. Use only the "
            "fields letters can use."
        ) from None
    except UndefinedError as exc:
        name = exc.message or "a field"
        raise LetterTemplateError(
            f"The template uses {name}, which is not in this letter's data.", variables=[name]
        ) from None
    except TemplateSyntaxError as exc:
        raise _syntax_error(exc, template) from None
    except TemplateError as exc:
        raise LetterTemplateError(f"The template could not be filled in: {exc.message}") from None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _syntax_error(exc: TemplateSyntaxError, template: bytes) -> LetterTemplateError:
    # Jinja's line number counts lines of XML; the paragraph with an unclosed tag is what a
    # person can find in Word.
    near = next((text for text in _texts(Document(io.BytesIO(template))) if _unbalanced(text)), "")
    near = " ".join(near.split())[:120]
    where = f" near “{near}”" if near else ""
    return LetterTemplateError(f"The template has a mistake{where}: {exc.message}")


def _texts(document: DocxDocument) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        else:
            for row in block.rows:
                for cell in row.cells:
                    yield cell.text


def _unbalanced(text: str) -> bool:
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")


# PDF

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora, RHEL
    "/usr/share/fonts/dejavu",  # Alpine, older RHEL
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts/dejavu",  # FreeBSD
)
_FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
# A missing face borrows the nearest one that exists: the text matters more than its style.
_FONT_STAND_INS = {"": ("",), "B": ("B", ""), "I": ("I", ""), "BI": ("BI", "B", "I", "")}
# What NFKD cannot take apart, for Helvetica.
_LATIN_STAND_INS = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "\u0131": "i"})


@functools.cache
def _font_files(configured: str) -> dict[str, Path]:
    for folder in (configured,) if configured else _FONT_DIRS:
        faces = {
            s: Path(folder) / f for s, f in _FONT_FILES.items() if (Path(folder) / f).is_file()
        }
        if "" in faces:
            return {
                style: faces[next(s for s in _FONT_STAND_INS[style] if s in faces)]
                for style in _FONT_FILES
            }
    logger.warning("No DejaVu Sans font found: PDFs fall back to Helvetica (Windows-1252 only)")
    return {}


def to_windows_1252(text: str) -> str:
    """Text Helvetica can draw: accents it lacks dropped, anything else a question mark."""
    out = []
    for char in text.translate(_LATIN_STAND_INS):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            bare = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii())
            out.append(bare or "?")
    return "".join(out)


class CouncilPDF(FPDF):
    """An A4 page with Burgh's margins and font, a marking on every page, and page numbers."""

    def __init__(self, *, title: str, footer_text: str = "", marking: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(left=20, top=18, right=20)
        self.set_auto_page_break(auto=True, margin=20)
        files = _font_files(str(getattr(settings, "BURGH_PDF_FONT_DIR", "") or ""))
        for style, path in files.items():
            self.add_font("dejavu", style, str(path))
        self.face = "dejavu" if files else "helvetica"
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = footer_text
        self.marking = marking
        self.set_title(title)
        self.set_lang("en-GB")
        self.set_creator("Burgh")
        self.set_font(self.face, size=11)

    def normalize_text(self, text: str) -> str:
        if not self.is_ttf_font:
            text = to_windows_1252(text)
        return super().normalize_text(text)

    def header(self) -> None:
        if self.marking:
            self.set_y(8)
            self.set_font(self.face, "B", 9)
            self.cell(0, 5, self.marking, align="C")
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.face, "", 8)
        self.set_text_color(80)
        if self.footer_text:
            self.cell(0, 5, self.footer_text, align="L")
            self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        if self.marking:
            self.set_xy(self.l_margin, self.get_y() + 5)
            self.set_font(self.face, "B", 9)
            self.cell(0, 5, self.marking, align="C")
        self.set_text_color(0)


_BODY_PT = 11
_HEADING_PT = {"Title": 20, "Subtitle": 14, "Heading 1": 16, "Heading 2": 14, "Heading 3": 12}
_MM_PER_PT = 25.4 / 72


def letter_pdf(docx: bytes, *, title: str) -> bytes:
    """A printable PDF of a filled letter: its text and structure, not Word's exact layout."""
    try:
        document = Document(io.BytesIO(docx))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise LetterTemplateError("The letter is not a Word document (DOCX).") from None
    pdf = CouncilPDF(title=title)
    pdf.add_page()
    numbered = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _table(pdf, block)
            numbered = 0
            continue
        style = block.style.name if block.style is not None and block.style.name else ""
        numbered = numbered + 1 if style.startswith("List Number") else 0
        _paragraph(pdf, block, style, numbered)
    return bytes(pdf.output())


def _runs(paragraph: Paragraph) -> Iterator[Run]:
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            yield from item.runs
        else:
            yield item


def _on(run: Run, paragraph: Paragraph, name: str) -> bool:
    # Direct formatting wins, then the run's character style, then the paragraph's style.
    for font in (
        run.font,
        run.style.font if run.style is not None else None,
        paragraph.style.font if paragraph.style is not None else None,
    ):
        value = getattr(font, name, None) if font is not None else None
        if value is not None:
            return bool(value)
    return False


def _paragraph(pdf: CouncilPDF, paragraph: Paragraph, style: str, numbered: int) -> None:
    heading = style in _HEADING_PT or style.startswith("Heading")
    size = _HEADING_PT.get(style, 12 if heading else _BODY_PT)
    line = size * _MM_PER_PT * 1.35
    if heading and pdf.get_y() > pdf.t_margin:
        pdf.ln(line * 0.5)
    pdf.set_x(pdf.l_margin)
    if style.startswith("List Bullet") or (
        numbered == 0 and paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    ):
        pdf.set_font(pdf.face, "", size)
        pdf.write(line, "•  ")
    elif numbered:
        pdf.set_font(pdf.face, "", size)
        pdf.write(line, f"{numbered}.  ")
    for run in _runs(paragraph):
        if run._r.xpath('./w:br[@w:type="page"]'):
            pdf.add_page()
        text = run.text.replace("\t", "    ")
        if not text:
            continue
        emphasis = "B" if heading or _on(run, paragraph, "bold") else ""
        emphasis += "I" if _on(run, paragraph, "italic") else ""
        emphasis += "U" if _on(run, paragraph, "underline") else ""
        pdf.set_font(pdf.face, emphasis, size)
        pdf.write(line, text)
    pdf.ln(line)
    pdf.ln(line * (0.25 if heading else 0.4))


def _table(pdf: CouncilPDF, table: Table) -> None:
    rows: list[list[tuple[str, int]]] = []
    emitted: set[Any] = set()  # the cells' XML elements, held so their identity holds
    for row in table.rows:
        cells: list[tuple[str, int]] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a cell merged across columns appears once per column
                cells[-1] = (cells[-1][0], cells[-1][1] + 1)
                continue
            previous = cell._tc
            # A cell merged down rows comes back in each row: its text is printed once.
            seen = cell._tc in emitted
            emitted.add(cell._tc)
            text = "" if seen else "\n".join(p.text for p in cell.paragraphs).strip()
            cells.append((text, 1))
        rows.append(cells)
    if not rows:
        return
    columns = max(sum(span for _, span in cells) for cells in rows)
    first = table.rows[0]
    headed = (
        first._tr.trPr is not None
        and first._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
        )
        is not None
    )
    pdf.set_font(pdf.face, "", 10)
    with pdf.table(
        first_row_as_headings=headed,
        headings_style=FontFace(emphasis="BOLD"),
        line_height=10 * _MM_PER_PT * 1.35,
        text_align="LEFT",
        width=pdf.epw,
        padding=1.2,
    ) as drawn:
        for cells in rows:
            drawn_row = drawn.row()
            for text, span in cells:
                drawn_row.cell(text, colspan=span)
            for _ in range(columns - sum(span for _, span in cells)):
                drawn_row.cell("")
    pdf.ln(3)
