"""Letters: a DOCX template filled with case data in a sandbox, and its PDF."""

import io
import zipfile

import docx
import pytest
from django.test import override_settings
from pypdf import PdfReader

from burgh.cases.letters import (
    LetterTemplateError,
    _font_files,
    letter_pdf,
    render_letter,
    template_variables,
    to_windows_1252,
)
from burgh.core.errors import InvalidInputError


def as_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return as_bytes(document)


def arrears_template() -> bytes:
    document = docx.Document()
    document.add_heading("Rent arrears: case {{ case.reference }}", level=1)
    greeting = document.add_paragraph("Dear ")
    greeting.add_run("{{ person.name }}").bold = True
    greeting.add_run(",")
    document.add_paragraph("You owe {{ total }}. ").add_run("Please pay now.").italic = True
    table = document.add_table(rows=4, cols=2)
    table.rows[0].cells[0].text = "Period"
    table.rows[0].cells[1].text = "Owed"
    table.rows[1].cells[0].text = "{%tr for row in arrears %}"
    table.rows[2].cells[0].text = "{{ row.period }}"
    table.rows[2].cells[1].text = "{{ row.owed }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("Yours sincerely")
    return as_bytes(document)


CONTEXT = {
    "case": {"reference": "KC-2026-000042"},
    "person": {"name": "Siobhán Ó Dálaigh"},
    "total": "£312.50",
    "arrears": [
        {"period": "April 2026", "owed": "£150.00"},
        {"period": "May 2026", "owed": "£162.50"},
    ],
}


def test_a_template_is_filled_with_the_case_data():
    letter = docx.Document(io.BytesIO(render_letter(arrears_template(), CONTEXT)))
    texts = [p.text for p in letter.paragraphs]
    assert texts[0] == "Rent arrears: case KC-2026-000042"
    assert texts[1] == "Dear Siobhán Ó Dálaigh,"
    assert letter.paragraphs[1].runs[1].bold
    assert texts[2] == "You owe £312.50. Please pay now."
    rows = [[cell.text for cell in row.cells] for row in letter.tables[0].rows]
    assert rows == [["Period", "Owed"], ["April 2026", "£150.00"], ["May 2026", "£162.50"]]


def test_values_are_escaped_so_they_cannot_break_the_document():
    context = {**CONTEXT, "person": {"name": "Smith & <Sons> </w:t>"}}
    letter = docx.Document(io.BytesIO(render_letter(arrears_template(), context)))
    assert letter.paragraphs[1].text == "Dear Smith & <Sons> </w:t>,"


def test_the_fields_a_template_uses_are_listed():
    assert template_variables(arrears_template()) == {"case", "person", "total", "arrears"}


def test_a_missing_field_is_refused_naming_it():
    context = {k: v for k, v in CONTEXT.items() if k != "total"}
    with pytest.raises(LetterTemplateError) as refused:
        render_letter(arrears_template(), context)
    assert refused.value.variables == ["total"]
    assert refused.value.detail.startswith("The template uses total, which is not in")
    assert refused.value.errors[0]["pointer"] == "#/template"
    assert isinstance(refused.value, InvalidInputError)


def test_a_missing_field_inside_the_data_is_named_in_full():
    context = {**CONTEXT, "person": {"forename": "Siobhán"}}
    with pytest.raises(LetterTemplateError, match=r"uses person\.name, which") as refused:
        render_letter(arrears_template(), context)
    assert refused.value.variables == ["person.name"]


@pytest.mark.parametrize(
    "attempt",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ person.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ arrears.append(1) }}",
    ],
)
def test_a_template_cannot_reach_python_internals_or_change_the_data(attempt):
    with pytest.raises(LetterTemplateError, match="which letters may not reach"):
        render_letter(template(attempt), CONTEXT)
    assert len(CONTEXT["arrears"]) == 2


def test_a_template_with_a_mistake_says_where():
    with pytest.raises(LetterTemplateError) as refused:
        render_letter(template("Dear", "Re: {{ case.reference "), CONTEXT)
    assert "near “Re: {{ case.reference”" in refused.value.detail


@pytest.mark.parametrize(
    "data",
    [b"not a document", b"%PDF-1.7 a PDF, not a template", b"PK\x03\x04broken"],
)
def test_something_that_is_not_a_docx_is_refused(data):
    with pytest.raises(LetterTemplateError, match=r"not a Word document \(DOCX\)"):
        render_letter(data, CONTEXT)
    with pytest.raises(LetterTemplateError, match="not a Word document"):
        template_variables(data)


def test_a_zip_that_is_not_a_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("letter.txt", "Dear {{ name }}")
    with pytest.raises(LetterTemplateError, match="not a Word document"):
        template_variables(out.getvalue())


# PDF


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts_used(pdf: bytes, page: int = 0) -> dict[str, tuple[str, float]]:
    """Each piece of text on a page, with the font and size it was drawn in."""
    found: dict[str, tuple[str, float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            found[text.strip()] = (str(font["/BaseFont"]), size * tm[0])

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_the_pdf_holds_the_letters_text_with_accents_and_pounds():
    pdf = letter_pdf(render_letter(arrears_template(), CONTEXT), title="Rent arrears letter")
    assert pdf.startswith(b"%PDF-")
    (text,) = pdf_text(pdf)
    assert "Rent arrears: case KC-2026-000042" in text
    assert "Dear Siobhán Ó Dálaigh," in text
    assert "You owe £312.50. Please pay now." in text
    assert "April 2026 £150.00" in text
    assert "May 2026 £162.50" in text
    assert "Page 1 of 1" in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Rent arrears letter"


DEJAVU_FACES = {path.name for path in _font_files("").values()}


def test_the_pdf_keeps_headings_bold_and_italic():
    # `make browser` installs DejaVu (fonts-dejavu-core and -extra), as a server printing
    # letters should have it.
    assert "DejaVuSans-Oblique.ttf" in DEJAVU_FACES
    pdf = letter_pdf(render_letter(arrears_template(), CONTEXT), title="Letter")
    drawn = fonts_used(pdf)
    heading_font, heading_size = drawn["Rent arrears: case KC-2026-000042"]
    body_font, body_size = drawn["Dear"]
    assert heading_font.endswith("DejaVuSansBold")
    assert heading_size > body_size
    assert body_font.endswith("DejaVuSansBook")
    assert drawn["Siobhán Ó Dálaigh"][0].endswith("DejaVuSansBold")
    assert drawn["Please pay now."][0].endswith("DejaVuSansOblique")


def test_a_long_letter_runs_over_pages_numbered_in_the_footer():
    document = docx.Document()
    for number in range(120):
        document.add_paragraph(f"Paragraph {number} of the letter.")
    document.add_page_break()
    document.add_paragraph("Enclosure")
    pages = pdf_text(letter_pdf(as_bytes(document), title="Long"))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"Page {number} of {len(pages)}")
    # The page break before the enclosure is kept.
    assert "Paragraph 119 of the letter." in pages[-2]
    assert pages[-1].startswith("Enclosure")


def test_without_dejavu_the_pdf_falls_back_to_helvetica(tmp_path):
    document = docx.Document()
    document.add_paragraph("Siobhán Ó Dálaigh owes £5 to Łukasz")
    with override_settings(BURGH_PDF_FONT_DIR=str(tmp_path)):
        pdf = letter_pdf(as_bytes(document), title="Fallback")
    (text,) = pdf_text(pdf)
    assert "Siobhán Ó Dálaigh owes £5 to Lukasz" in text
    assert fonts_used(pdf)["Siobhán Ó Dálaigh owes £5 to Lukasz"][0] == "/Helvetica"


def test_helvetica_text_keeps_what_windows_1252_has():
    assert to_windows_1252("Siobhán Ó Dálaigh £5 €3 “quoted” Łódź Dvořák 日本") == (
        "Siobhán Ó Dálaigh £5 €3 “quoted” Lódz Dvorák ??"
    )


def test_tables_keep_merged_cells_once_and_lists_their_numbers():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Across two"
    table.cell(0, 2).text = "Third"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Down two"
    for row, column, text in ((1, 1, "b1"), (1, 2, "c1"), (2, 1, "b2"), (2, 2, "c2")):
        table.cell(row, column).text = text
    document.add_paragraph("First step", style="List Number")
    document.add_paragraph("Second step", style="List Number")
    document.add_paragraph("A point", style="List Bullet")
    (text,) = pdf_text(letter_pdf(as_bytes(document), title="Table"))
    assert text.count("Across two") == 1
    assert text.count("Down two") == 1
    assert "Down two b1 c1\nb2 c2" in text
    assert "1.  First step\n2.  Second step\n•  A point" in text
