"""The printable chronology: every entry in London time, significant ones marked, pages numbered."""

import io
import time
from datetime import UTC, datetime, timedelta

from django.test import override_settings
from pypdf import PdfReader

from burgh.cases.chronology_pdf import chronology_pdf, london_time

CASE = {
    "reference": "KC-2026-000123",
    "type": "Antisocial behaviour",
    "subject": "Noise from 3 Harbour Street",
    "sensitive": "",
}
GENERATED = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def bold_text(pdf: bytes, page: int = 0) -> list[str]:
    found: list[str] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font and "Bold" in str(font["/BaseFont"]):
            found.append(text.strip())

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_entries_are_listed_in_london_time_with_who_did_what():
    entries = [
        {
            "at": datetime(2026, 12, 3, 14, 5, tzinfo=UTC),
            "summary": "Visited; spoke to Siobhán Ó Dálaigh",
            "by": "Morag MacLeod",
        },
        # Summer: the clocks are an hour ahead of UTC.
        {"at": datetime(2026, 7, 1, 13, 0, tzinfo=UTC), "summary": "Fine of £80", "by": ""},
        # A chronology row as stored (ChronologyEntry values), naive time taken as UTC.
        {"at": datetime(2026, 7, 2, 9, 30), "summary": "Letter sent", "actor_label": "System"},
    ]
    (text,) = pages_of(chronology_pdf(CASE, entries, generated_at=GENERATED))
    assert "3 Dec 2026 14:05 Visited; spoke to Siobhán Ó Dálaigh Morag MacLeod" in text
    assert "1 Jul 2026 14:00 Fine of £80" in text
    assert "2 Jul 2026 10:30 Letter sent System" in text


def test_the_header_names_the_council_and_the_case():
    with override_settings(BURGH_COUNCIL_NAME="Comhairle nan Eilean Siar"):
        (text,) = pages_of(chronology_pdf(CASE, [], generated_at=GENERATED))
    assert text.startswith("Comhairle nan Eilean Siar\nCase chronology\n")
    assert "Case reference KC-2026-000123" in text
    assert "Case type Antisocial behaviour" in text
    assert "Subject Noise from 3 Harbour Street" in text
    assert "Nothing has been recorded on this case." in text
    assert "OFFICIAL-SENSITIVE" not in text


def test_the_council_name_falls_back_to_the_deployments_then_council():
    (text,) = pages_of(chronology_pdf(CASE, []))
    assert text.startswith("Kinloch Council\n")
    with override_settings(COUNCIL_NAME=""):
        (text,) = pages_of(chronology_pdf(CASE, []))
    assert text.startswith("Council\n")


def test_significant_entries_are_marked_and_bold():
    entries = [
        {"at": GENERATED, "summary": "Routine call", "by": "A", "significant": False},
        {"at": GENERATED, "summary": "Child protection referral", "by": "B", "significant": True},
    ]
    pdf = chronology_pdf(CASE, entries, generated_at=GENERATED)
    (text,) = pages_of(pdf)
    assert "Routine call A" in text
    assert "Significant: Child protection referral B" in text
    bold = bold_text(pdf)
    assert "Significant: Child protection referral" in bold
    assert "Routine call" not in bold


def test_a_sensitive_case_is_marked_on_every_page():
    entries = [{"at": GENERATED, "summary": f"Entry {n}", "by": "A"} for n in range(200)]
    pages = pages_of(chronology_pdf({**CASE, "sensitive": True}, entries))
    assert len(pages) > 1
    for page in pages:
        assert page.startswith("OFFICIAL-SENSITIVE")
        assert page.endswith("OFFICIAL-SENSITIVE")


def test_a_long_chronology_runs_over_numbered_pages_quickly():
    count = 2000
    entries = (
        {
            "at": GENERATED + timedelta(minutes=17 * n),
            "summary": f"Entry {n}: " + "contact with the household " * (n % 5),
            "by": "Duty officer",
            "significant": n % 50 == 0,
        }
        for n in range(count)
    )
    started = time.perf_counter()
    pdf = chronology_pdf(CASE, entries, generated_at=GENERATED)
    assert time.perf_counter() - started < 2
    pages = pages_of(pdf)
    assert len(pages) > 20
    assert pages[1].startswith("Date and time What happened By\n")  # headings on every page
    for number, page in enumerate(pages, start=1):
        assert page.endswith(
            f"Case KC-2026-000123 chronology, generated 3 Dec 2026 14:05 "
            f"Page {number} of {len(pages)}"
        )
    text = "\n".join(pages)
    assert "3 Dec 2026 14:05 Significant: Entry 0: Duty officer" in text
    assert f"Entry {count - 1}: contact" in text
    assert all(f"Entry {n}:" in text for n in range(count))


def test_an_entry_longer_than_a_page_carries_on_over_the_page():
    summary = " ".join(f"word{n}" for n in range(1500))
    pages = pages_of(chronology_pdf(CASE, [{"at": GENERATED, "summary": summary, "by": "A"}]))
    assert len(pages) >= 2
    words = " ".join(pages).split()
    assert all(f"word{n}" in words for n in range(1500))


def test_london_time_reads_as_on_the_clocks_in_scotland():
    assert london_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "29 Mar 2026 00:59"
    assert london_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "29 Mar 2026 02:00"
