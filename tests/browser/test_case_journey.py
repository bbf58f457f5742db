"""A case from end to end in a real browser: an adviser logs a request for a caller found by
a misspelt name; the team leader allocates it from the queue; the worker adds a note, a
document and a letter and closes it; the chronology shows each step. axe-core checks every
page on the way."""

import io

import docx
import pytest
from fpdf import FPDF
from playwright.sync_api import FilePayload, expect

from burgh.cases import services
from burgh.cases.models import Case, CaseDocument
from burgh.identity.models import User
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import PASSWORD, Tab, goto, path_of, sign_in
from tests.cases.setting import ROAD_UPRN, make_setting
from tests.cases.test_intake_pages import in_index

pytestmark = pytest.mark.browser


def _with_password(*users: User) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _letter_template() -> bytes:
    document = docx.Document()
    document.add_paragraph("Dear {{ person.name }},")
    document.add_paragraph("We have your report {{ case.reference }} about {{ case.title }}.")
    document.add_paragraph("Yours sincerely, {{ officer.name }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _photo_report() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Inspection: pothole 60mm deep outside 40 High Street.")
    return bytes(pdf.output())


def _checked(tab: Tab) -> None:
    """Every page on the journey: no accessibility problem, nothing the browser complained of."""
    assert_no_violations(tab.page)
    tab.assert_no_problems()


def _sign_out(tab: Tab) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Sign out").click()


def test_a_request_is_logged_allocated_worked_and_closed(tab: Tab) -> None:
    kinloch = make_setting()
    adviser, leader, worker = kinloch.adviser, kinloch.roads_leader, kinloch.inspector
    _with_password(adviser, leader, worker)
    caller = in_index(kinloch)
    services.save_letter_template(
        None,
        "pothole-received",
        "Pothole report received",
        "pothole-received.docx",
        _letter_template(),
        case_types=["pothole"],
    )
    page = tab.page
    heading = page.get_by_role("heading", level=1)

    # The adviser logs the request for a caller found though the name is misspelt.
    sign_in(tab, adviser.email, PASSWORD)
    goto(tab, "/cases/new/")
    expect(heading).to_have_text("What is the request?")
    _checked(tab)
    page.get_by_label("Pothole").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Who is calling?")
    page.get_by_label("Name").fill("Morag McLoed")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Morag MacLeod").check()
    _checked(tab)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(heading).to_have_text("Where is it?")
    _checked(tab)
    page.get_by_role("button", name="Find the address").click()
    page.get_by_label("Postcode").fill("KL1 1AA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("40 High Street, Kinloch, KL1 1AA").check()
    _checked(tab)
    page.get_by_role("button", name="Use this address").click()
    expect(heading).to_have_text("Pothole")
    page.get_by_label("40mm or more").check()
    page.get_by_label("Yes").check()
    _checked(tab)
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Check the request before you log it")
    expect(page.locator("main")).to_contain_text("Morag MacLeod")
    _checked(tab)
    page.get_by_role("button", name="Log the request").click()
    expect(heading).to_have_text("Request logged")
    logged = Case.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(logged.reference)
    _checked(tab)
    assert (logged.subject_person_id, logged.uprn) == (caller.pk, ROAD_UPRN)
    _sign_out(tab)

    # The team leader allocates it from the team's queue.
    sign_in(tab, leader.email, PASSWORD)
    page.get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    _checked(tab)
    page.get_by_role("link", name="Roads Maintenance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roads Maintenance queue")
    expect(page.locator("#cases")).to_contain_text(logged.reference)
    _checked(tab)
    page.get_by_label(f"Select {logged.reference}").check()
    page.get_by_label("Allocate to").select_option(label="Iain Inspector")
    page.get_by_role("button", name="Allocate selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 case allocated to Iain Inspector"
    )
    _checked(tab)
    page.get_by_role("link", name="See the team's caseloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseloads")
    expect(page.locator("main")).to_contain_text("Iain Inspector")
    _checked(tab)
    _sign_out(tab)

    # The worker finds it in their own cases and works it.
    sign_in(tab, worker.email, PASSWORD)
    page.get_by_role("link", name="Cases").click()
    expect(heading).to_have_text("My cases")
    _checked(tab)
    page.get_by_role("link", name=logged.reference).click()
    assert path_of(tab) == f"/cases/{logged.pk}/"
    expect(heading).to_have_text(f"{logged.reference}: Pothole")
    expect(page.locator("main")).to_contain_text("Morag MacLeod")
    _checked(tab)

    page.get_by_role("link", name="Add a note or contact").click()
    expect(heading).to_have_text("Add a note or contact")
    _checked(tab)
    page.get_by_label("Phone call").check()
    page.get_by_label("Who was the contact with? (optional)").fill("Morag MacLeod")
    page.get_by_label("Note", exact=True).fill("Called back: it is deeper than a tyre.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Note added")
    _checked(tab)

    page.get_by_role("link", name="Upload a document").click()
    expect(page.locator("main")).to_contain_text("The largest file you can upload is 20 MB")
    _checked(tab)
    # A program named like a PDF is refused, with the reason on the form.
    program = FilePayload(name="report.pdf", mimeType="application/pdf", buffer=b"MZ" + bytes(200))
    page.get_by_label("Upload a file").set_input_files(files=[program])
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Windows program")
    _checked(tab)
    report = FilePayload(name="inspection.pdf", mimeType="application/pdf", buffer=_photo_report())
    page.get_by_label("Upload a file").set_input_files(files=[report])
    page.get_by_label("Title (optional)").fill("Inspection report")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Document added: Inspection report"
    )
    expect(page.locator("#documents ~ .govuk-summary-card").first).to_contain_text("Not scanned")
    _checked(tab)

    page.get_by_role("link", name="Write a letter").click()
    expect(heading).to_have_text("Write a letter")
    _checked(tab)
    page.get_by_label("Pothole report received").check()
    page.get_by_role("button", name="Write the letter").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Letter written: Pothole report received"
    )
    expect(page.get_by_role("link", name="Download as PDF").first).to_be_visible()
    _checked(tab)

    page.get_by_role("link", name="Close the case").click()
    expect(heading).to_have_text("Close the case")
    _checked(tab)
    page.get_by_label("Repaired", exact=True).first.check()
    page.get_by_label("Closing note (optional)").fill("Patched by the roads squad.")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Case closed: Repaired"
    )
    _checked(tab)

    # The chronology, newest first, shows every step.
    chronology = page.locator("#chronology ~ table").first
    for step in (
        "Pothole logged by contact centre or staff",
        "Allocated to Iain Inspector (Roads Maintenance)",
        "Phone call with Morag MacLeod: Called back: it is deeper than a tyre.",
        "Document added: Inspection report (inspection.pdf)",
        "Letter written: Pothole report received",
        "Closed: Repaired. Patched by the roads squad.",
    ):
        expect(chronology).to_contain_text(step)
    rows = chronology.locator("tbody tr")
    expect(rows.first).to_contain_text("Closed: Repaired")
    expect(rows.last).to_contain_text("Pothole logged by")
    page.get_by_role("link", name="Show oldest first").click()
    expect(page.locator("#chronology ~ table").first.locator("tbody tr").first).to_contain_text(
        "Pothole logged by"
    )
    _checked(tab)

    case = Case.objects.get(pk=logged.pk)
    assert (case.stage, case.outcome, case.owner) == ("closed", "repaired", worker)
    assert set(CaseDocument.objects.filter(case=case).values_list("kind", flat=True)) == {
        "upload",
        "letter",
    }
    goto(tab, "/cases/")
    _checked(tab)
