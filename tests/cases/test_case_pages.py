"""The case page as caseworkers and team leaders use it: what it shows to whom, each action,
stale forms, uploads refused by their content, downloads, letters and the chronology."""

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from burgh.cases import services
from burgh.cases.filestore import document_root
from burgh.cases.models import (
    Case,
    CaseDecision,
    CaseDocument,
    CaseLink,
    CaseNote,
    CaseParty,
    CaseTask,
    ChronologyEntry,
    PersonFlag,
)
from burgh.cases.services import IntakeRequest
from burgh.core.models import AuditEntry
from burgh.people.services.resolution import resolve
from burgh.people.services.sources import IncomingRecord, register_source_system
from tests.cases.setting import ROAD_UPRN
from tests.clients import page_client

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this case since you opened it"


def text_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    html: str = response.content.decode()
    assert " style=" not in html, "inline styles are refused by the CSP"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def html_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    html: str = response.content.decode()
    return html


def log_pothole(cases, **overrides) -> Case:
    values: dict[str, Any] = {
        "case_type": "pothole",
        "channel": "staff",
        "title": "Pothole outside number 40",
        "data": {"depth": "over-40mm", "near_school": True},
        "uprn": ROAD_UPRN,
        "subject_person_id": cases.morag.pk,
    }
    values.update(overrides)
    return services.intake(cases.adviser, IntakeRequest(**values)).case


def log_referral(cases) -> Case:
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        title="Referral from school",
        data={"concern": "Bruising noticed at school"},
        subject_person_id=cases.morag.pk,
    )
    return services.intake(cases.adviser, request).case


def url(name: str, case: Case, **more) -> str:
    return reverse(f"cases:{name}", kwargs={"case_id": case.pk, **more})


@pytest.fixture
def pothole(cases) -> Case:
    case = log_pothole(cases)
    services.allocate_case(cases.roads_leader, case.pk, cases.inspector)
    case.refresh_from_db()
    return case


@pytest.fixture
def inspector(cases) -> Client:
    return page_client(cases.inspector)


@pytest.fixture
def leader(cases) -> Client:
    return page_client(cases.roads_leader)


def version_of(case: Case) -> int:
    return Case.objects.get(pk=case.pk).version


def test_the_case_page_shows_the_case_and_the_worker_what_they_can_do(cases, pothole, inspector):
    services.raise_flag(cases.roads_leader, cases.morag.pk, "violence", "Shouted at an inspector")

    page = text_of(inspector.get(url("case", pothole)))
    html = html_of(inspector.get(url("case", pothole)))

    assert f"{pothole.reference}: Pothole outside number 40" in page
    for expected in (
        "Type Pothole",
        "Status Reported",
        "On track",
        "Team Roads Maintenance",
        "Worker Iain Inspector",
        "Priority High",
        "Channel Contact centre or staff",
        "How deep is it? 40mm or more",
        "Is it near a school? Yes",
        "Risk of violence or aggression Shouted at an inspector",
    ):
        assert expected in page, expected
    assert f'href="/people/{cases.morag.pk}/"' in html
    assert f'href="/places/{ROAD_UPRN}/"' in html
    for action in ("Change the status", "Add a note or contact", "Upload a document", "Close"):
        assert action in page
    # Allocating is a leader's: the worker is not offered it, and cannot reach it.
    assert "Allocate the case" not in page
    assert "Re-allocate" not in page
    assert inspector.get(url("case-allocate", pothole)).status_code == 403
    assert "Sensitive: every view is recorded" not in page
    assert "Pothole logged by contact centre or staff" in page


def test_a_worker_from_another_team_gets_page_not_found_for_a_sensitive_case(cases, inspector):
    referral = log_referral(cases)

    for name in ("case", "case-note", "case-close", "case-chronology-pdf"):
        response = inspector.get(url(name, referral))
        assert response.status_code == 404, name
        assert "Bruising" not in response.content.decode()
    missing = reverse("cases:case", kwargs={"case_id": "0b0b0b0b-0000-4000-8000-000000000000"})
    assert inspector.get(missing).status_code == 404


def test_a_sensitive_case_says_every_view_is_recorded_and_records_it(cases):
    referral = log_referral(cases)
    before = AuditEntry.objects.filter(action="cases.case.read").count()

    page = text_of(page_client(cases.children_leader).get(url("case", referral)))

    assert "Sensitive: every view is recorded" in page
    assert AuditEntry.objects.filter(action="cases.case.read").count() == before + 1


def test_an_adviser_sees_only_where_a_request_is(cases):
    case = log_pothole(cases)

    page = text_of(page_client(cases.adviser).get(url("case", case)))

    assert case.reference in page
    assert "Status Reported" in page
    for hidden in ("Pothole outside number 40", "How deep", "Chronology", "Add a note"):
        assert hidden not in page


def test_the_status_can_move_only_where_the_case_type_allows(cases, pothole, inspector):
    form = html_of(inspector.get(url("case-status", pothole)))
    assert 'value="inspection"' in form
    assert 'value="awaiting-contractor"' not in form
    assert 'value="repaired"' not in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="version" value="{pothole.version}"' in form

    response = inspector.post(
        url("case-status", pothole),
        {"status": "inspection", "note": "Booked", "version": pothole.version},
    )

    assert response.status_code == 302
    assert response.url == url("case", pothole)
    assert Case.objects.get(pk=pothole.pk).status == "inspection"
    page = text_of(inspector.get(response.url))
    assert "Status changed to Awaiting inspection" in page
    assert "Status changed from Reported to Awaiting inspection: Booked" in page


def test_a_stale_form_is_refused_and_changes_nothing(cases, pothole, inspector):
    read_at = pothole.version
    services.change_status(cases.roads_leader, pothole.pk, "inspection")

    status = inspector.post(
        url("case-status", pothole), {"status": "inspection", "version": read_at}
    )
    closing = inspector.post(
        url("case-close", pothole), {"outcome": "repaired", "version": read_at}
    )
    details = inspector.post(
        url("case-details", pothole),
        {"title": "Overwritten", "priority": "3", "depth": "under-40mm", "version": read_at},
    )

    for response in (status, closing, details):
        page = text_of(response)
        assert "There is a problem" in page
        assert STALE in page
    case = Case.objects.get(pk=pothole.pk)
    assert (case.status, case.title, case.stage) == ("inspection", pothole.title, "open")
    assert case.chronology.filter(kind="status").count() == 1


def test_a_form_without_the_csrf_token_is_refused(cases, pothole):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cases.inspector)

    response = client.post(url("case-note", pothole), {"body": "x", "version": pothole.version})

    assert response.status_code == 403
    assert not CaseNote.objects.exists()


def test_a_note_and_a_contact_and_a_changed_note_keep_their_history(cases, pothole, inspector):
    response = inspector.post(
        url("case-note", pothole),
        {
            "kind": "phone",
            "contact_with": "Morag MacLeod",
            "body": "She says it is getting deeper.",
            "version": pothole.version,
        },
    )
    assert (
        response.url
        == url(
            "case",
            pothole,
        )
        + "#notes"
    )
    note = CaseNote.objects.get()
    edit = url("case-note-edit", pothole, note_id=note.pk)
    assert "She says it is getting deeper." in html_of(inspector.get(edit))

    inspector.post(edit, {"body": "It is 60mm deep.", "note_version": note.version, "version": 0})

    page = text_of(inspector.get(url("case", pothole)))
    assert "Phone call with Morag MacLeod" in page
    assert "It is 60mm deep." in page
    assert "Edited" in page
    assert "She says it is getting deeper." in page  # in its history
    # Only the author may change a note.
    assert page_client(cases.roads_leader).get(edit).status_code == 403


def test_a_note_needs_words(pothole, inspector):
    page = text_of(
        inspector.post(url("case-note", pothole), {"kind": "note", "version": pothole.version})
    )
    assert "There is a problem" in page
    assert "Enter the note" in page
    assert not CaseNote.objects.exists()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[Path]:
    root = document_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_document_is_uploaded_and_downloaded_as_an_attachment(pothole, inspector):
    form = html_of(inspector.get(url("case-document", pothole)))
    assert 'enctype="multipart/form-data"' in form
    assert "The largest file you can upload is 20 MB" in form

    response = inspector.post(
        url("case-document", pothole),
        {"file": upload("inspection.pdf", PDF), "title": "Inspection report", "version": 1},
    )

    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.title == "Inspection report"
    page = text_of(inspector.get(url("case", pothole)))
    assert "Inspection report (uploaded document)" in page
    assert "Not scanned No virus scanner is configured" in page
    version = document.versions.get()
    download = inspector.get(url("case-download", pothole, version_id=version.pk))
    assert download["Content-Disposition"] == 'attachment; filename="inspection.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_program_called_pdf_is_refused_and_nothing_is_stored(pothole, inspector):
    before = stored_files()
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

    response = inspector.post(
        url("case-document", pothole),
        {"file": upload("invoice.pdf", program), "version": pothole.version},
    )

    page = text_of(response)
    assert "There is a problem" in page
    assert "Windows program" in page
    assert 'href="#file"' in html_of(response)
    assert not CaseDocument.objects.exists()
    assert stored_files() == before
    assert not ChronologyEntry.objects.filter(kind="document").exists()


def letter_template() -> bytes:
    document = docx.Document()
    document.add_paragraph("Dear {{ person.name }},")
    document.add_paragraph("Your report {{ case.reference }} is with {{ officer.name }}.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_letter_is_written_from_a_template_and_can_be_had_as_a_pdf(cases, pothole, inspector):
    services.save_letter_template(
        None,
        "pothole-received",
        "Pothole report received",
        "received.docx",
        letter_template(),
        case_types=["pothole"],
    )
    form = text_of(inspector.get(url("case-letter", pothole)))
    assert "Pothole report received" in form

    inspector.post(
        url("case-letter", pothole), {"template": "pothole-received", "version": pothole.version}
    )

    letter = CaseDocument.objects.get(kind="letter")
    version = letter.versions.get()
    page = html_of(inspector.get(url("case", pothole)))
    assert "Download as PDF" in page
    word = inspector.get(url("case-download", pothole, version_id=version.pk))
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(b"".join(word.streaming_content))).paragraphs
    )
    assert f"Your report {pothole.reference} is with Iain Inspector." in text
    pdf = inspector.get(url("case-download", pothole, version_id=version.pk) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "Letter written: Pothole report received" in text_of(inspector.get(url("case", pothole)))


def test_tasks_are_added_and_completed(cases, pothole, inspector):
    inspector.post(
        url("case-task", pothole),
        {
            "title": "Order a patch repair",
            "owner": str(cases.second_inspector.pk),
            "due_on_day": "1",
            "due_on_month": "6",
            "due_on_year": "2030",
            "version": pothole.version,
        },
    )
    task = CaseTask.objects.get()
    assert (task.owner, str(task.due_on)) == (cases.second_inspector, "2030-06-01")

    inspector.post(
        url("case-task-complete", pothole, task_id=task.pk),
        {"done": "done", "note": "Ordered", "version": pothole.version},
    )

    assert CaseTask.objects.get().state == "done"
    assert "Task done: Order a patch repair. Ordered" in text_of(
        inspector.get(url("case", pothole))
    )


def test_a_decision_needing_a_manager_is_authorised_by_another_person(cases):
    referral = log_referral(cases)
    services.allocate_case(cases.children_leader, referral.pk, cases.social_worker)
    worker, leader = page_client(cases.social_worker), page_client(cases.children_leader)
    worker.post(
        url("case-decision", referral),
        {
            "kind": "section-decision",
            "summary": "Child protection plan",
            "reasons": "Risk of harm",
            "version": 0,
        },
    )
    decision = CaseDecision.objects.get()
    assert decision.state == "awaiting"
    authorise = url("case-decision-authorise", referral, decision_id=decision.pk)
    assert "Authorise or refuse" not in text_of(worker.get(url("case", referral)))
    assert worker.get(authorise).status_code == 403

    refused = leader.post(authorise, {"approve": "no", "version": 0})
    assert "Enter why you refuse it" in text_of(refused)
    leader.post(authorise, {"approve": "yes", "version": 0})

    assert CaseDecision.objects.get().state == "authorised"


def test_a_person_found_by_a_misspelt_name_is_added_and_a_warning_raised_and_removed(
    cases, pothole, inspector
):
    register_source_system("council-tax", "Council tax", trust=50)
    morven = resolve(
        IncomingRecord(
            "council-tax",
            "CTR1",
            {"given_name": "Morven", "family_name": "Gillies", "postcode": "KL1 1AA"},
        )
    ).person
    search = text_of(inspector.get(url("case-person", pothole) + "?q=Morvan+Gilles"))
    assert "Morven Gillies" in search

    inspector.post(
        url("case-person", pothole) + "?q=Morvan+Gilles",
        {"role": "reporter", "person": str(morven.pk), "version": pothole.version},
    )
    inspector.post(
        url("case-person", pothole),
        {
            "role": "professional",
            "person": "outside",
            "name": "Dr Alan Reid",
            "organisation": "Kinloch Health Centre",
            "version": pothole.version,
        },
    )
    assert set(CaseParty.objects.filter(case=pothole).values_list("role", flat=True)) == {
        "subject",
        "reporter",
        "professional",
    }
    warning = html_of(inspector.get(url("case-warning", pothole)))
    assert str(morven.pk) in warning
    assert "Dr Alan Reid" not in warning

    inspector.post(
        url("case-warning", pothole),
        {"person": str(morven.pk), "kind": "lone_worker", "note": "Dog", "version": 1},
    )
    flag = PersonFlag.objects.get()
    assert "Lone-worker risk Dog" in text_of(inspector.get(url("case", pothole)))
    inspector.post(
        url("case-warning-remove", pothole, flag_id=flag.pk),
        {"reason": "Dog rehomed", "version": 1},
    )
    assert PersonFlag.objects.get().removed_at is not None


def test_cases_are_linked_and_a_duplicate_merged_and_unmerged(cases, pothole, inspector):
    other = log_pothole(cases, title="Same pothole, reported again")
    services.allocate_case(cases.roads_leader, other.pk, cases.inspector)
    third = log_pothole(cases, title="A different pothole")

    inspector.post(url("case-link", pothole), {"reference": "C9999999", "version": pothole.version})
    assert not CaseLink.objects.filter(case=pothole).exists()
    missing = inspector.post(
        url("case-link", pothole), {"reference": "C9999999", "version": pothole.version}
    )
    assert "There is no case with that reference that you can see" in text_of(missing)
    inspector.post(
        url("case-link", pothole),
        {"reference": third.reference.lower(), "version": pothole.version},
    )
    assert CaseLink.objects.filter(case=pothole, other=third).exists()

    merged = inspector.post(
        url("case-merge", other),
        {"reference": pothole.reference, "reason": "Same hole", "version": other.version},
    )
    assert merged.url == url("case", pothole) + "#links"
    assert Case.objects.get(pk=other.pk).merged_into_id == pothole.pk
    page = text_of(inspector.get(url("case", pothole)))
    assert f"{other.reference} was merged into this case" in page
    assert "This case was merged into" in text_of(inspector.get(url("case", other)))

    merge = pothole.merges_in.get()
    inspector.post(
        url("case-merge-undo", pothole, merge_id=merge.pk), {"reason": "Not the same", "version": 1}
    )
    assert Case.objects.get(pk=other.pk).merged_into_id is None


def test_a_case_is_closed_with_an_outcome_and_reopened(pothole, inspector):
    form = html_of(inspector.get(url("case-close", pothole)))
    assert 'value="repaired"' in form
    assert 'value="below-intervention"' in form
    assert "Select the outcome" in text_of(
        inspector.post(url("case-close", pothole), {"version": pothole.version})
    )

    inspector.post(
        url("case-close", pothole),
        {
            "outcome": "below-intervention",
            "status": "no-action",
            "note": "30mm",
            "version": pothole.version,
        },
    )

    case = Case.objects.get(pk=pothole.pk)
    assert (case.stage, case.status, case.outcome) == ("closed", "no-action", "below-intervention")
    page = text_of(inspector.get(url("case", pothole)))
    assert "Outcome Below the intervention level" in page
    assert "Reopen the case" in page
    assert "Close the case" not in page

    inspector.post(
        url("case-reopen", pothole),
        {"reason": "It got worse", "status": "reported", "version": case.version},
    )
    assert Case.objects.get(pk=pothole.pk).stage == "open"


def test_the_chronology_is_newest_first_filtered_and_marked(cases, pothole, inspector):
    services.add_note(cases.inspector, pothole.pk, "Looked at it from the van")
    case_page = url("case", pothole)

    newest = text_of(inspector.get(case_page))
    assert newest.index("Looked at it from the van") < newest.index("Pothole logged by")
    oldest = text_of(inspector.get(case_page + "?order=oldest"))
    assert oldest.index("Pothole logged by") < oldest.index("Looked at it from the van")
    notes_only = text_of(inspector.get(case_page + "?kind=note"))
    assert "Pothole logged by" not in notes_only.split("Chronology", 1)[1].split("Notes and")[0]
    worded = text_of(inspector.get(case_page + "?text=van"))
    assert "Allocated to" not in worded.split("Chronology", 1)[1].split("Notes and")[0]

    entry = pothole.chronology.get(kind="note")
    inspector.post(
        url("case-significant", pothole, entry_id=entry.pk),
        {"significant": "on", "version": pothole.version},
    )
    assert ChronologyEntry.objects.get(pk=entry.pk).significant
    significant = text_of(inspector.get(case_page + "?significant=on"))
    section = significant.split("Chronology", 1)[1].split("Notes and")[0]
    assert "Looked at it from the van" in section
    assert "Pothole logged by" not in section


def test_the_chronology_pdf_is_for_those_who_may_export(pothole, inspector, leader):
    response = leader.get(url("case-chronology-pdf", pothole))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{pothole.reference}-chronology.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    assert "Download the chronology (PDF)" in text_of(leader.get(url("case", pothole)))
    assert inspector.get(url("case-chronology-pdf", pothole)).status_code == 403


def test_a_leader_reallocates_with_a_reason(cases, pothole, leader):
    form = text_of(leader.get(url("case-allocate", pothole)))
    assert "Ishbel Inspector (0 open cases, room for 3)" in form

    no_reason = leader.post(
        url("case-allocate", pothole),
        {"owner": str(cases.second_inspector.pk), "version": pothole.version},
    )
    assert "Say why the case is moving from Iain Inspector" in text_of(no_reason)
    leader.post(
        url("case-allocate", pothole),
        {"owner": str(cases.second_inspector.pk), "reason": "Leave", "version": pothole.version},
    )

    assert Case.objects.get(pk=pothole.pk).owner == cases.second_inspector


def test_the_details_and_the_case_type_questions_are_changed(pothole, inspector):
    form = html_of(inspector.get(url("case-details", pothole)))
    assert 'value="Pothole outside number 40"' in form

    inspector.post(
        url("case-details", pothole),
        {
            "title": "Deep pothole outside number 40",
            "description": "",
            "priority": "1",
            "depth": "over-40mm",
            "near_school": "no",
            "version": pothole.version,
        },
    )

    case = Case.objects.get(pk=pothole.pk)
    assert (case.title, case.priority, case.data["near_school"]) == (
        "Deep pothole outside number 40",
        1,
        False,
    )
