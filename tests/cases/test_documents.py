"""Documents on a case: uploads judged by content, versions, letters, downloads and the PDF
chronology, each through the policy and on the record."""

import io

import docx
import pytest
from django.test import override_settings
from fpdf import FPDF
from pypdf import PdfReader

from burgh.cases import services
from burgh.cases.filestore import UploadRefusedError
from burgh.cases.letters import LetterTemplateError
from burgh.cases.models import CaseDocument, DocumentVersion
from burgh.cases.services import IntakeRequest
from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.identity import policy


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    with override_settings(BURGH_DOCUMENT_ROOT=str(tmp_path / "documents")):
        yield tmp_path / "documents"


@pytest.fixture
def referral(cases):
    request = IntakeRequest(
        case_type="child-protection-referral",
        channel="staff",
        data={"concern": "Bruising noticed at school"},
        subject_person_id=cases.morag.pk,
    )
    case = services.intake(cases.adviser, request).case
    services.allocate_case(cases.children_leader, case.pk, cases.social_worker)
    return case


def a_pdf(text: str = "School report") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def a_template() -> bytes:
    document = docx.Document()
    document.add_paragraph("Our reference: {{ case.reference }}")
    document.add_paragraph("Dear {{ person.name }},")
    document.add_paragraph("{{ officer.name }}, {{ council.name }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_upload_is_kept_announced_and_downloadable_by_the_team(cases, referral):
    # fpdf2 stamps the time it was made: keep the very bytes uploaded.
    report = a_pdf()
    document = services.add_document(
        cases.social_worker, referral.pk, "report.pdf", report, declared_type="application/pdf"
    )

    version = document.versions.get()
    assert (version.mime_type, version.scan) == ("application/pdf", "not_scanned")
    assert referral.chronology.filter(kind="document").exists()
    assert OutboxEvent.objects.filter(type="gov.burgh.cases.case.document_added").exists()
    download = services.download(cases.social_worker, version.pk)
    assert b"".join(download.chunks) == report
    assert AuditEntry.objects.filter(action="cases.document.downloaded").count() == 1


def test_an_upload_that_lies_about_its_type_is_refused_and_nothing_is_kept(
    cases, referral, documents_root
):
    program = b"MZ\x90\x00" + b"\x00" * 200

    with pytest.raises(UploadRefusedError) as caught:
        services.add_document(cases.social_worker, referral.pk, "report.pdf", program)

    assert "Windows program" in caught.value.detail
    assert not CaseDocument.objects.exists()
    assert not documents_root.exists() or not any(documents_root.rglob("*.*"))


def test_a_new_version_keeps_the_old_one(cases, referral):
    document = services.add_document(cases.social_worker, referral.pk, "report.pdf", a_pdf())

    services.add_version(
        cases.social_worker, document.pk, "report.pdf", a_pdf("Second"), note="Signed copy"
    )

    document.refresh_from_db()
    assert document.current_version == 2
    assert list(document.versions.values_list("number", flat=True)) == [1, 2]


def test_someone_outside_the_team_cannot_download(cases, referral):
    document = services.add_document(cases.social_worker, referral.pk, "report.pdf", a_pdf())
    version = DocumentVersion.objects.get(document=document)

    with pytest.raises(policy.RecordNotFoundError):
        services.download(cases.inspector, version.pk)


def test_a_letter_is_written_from_a_template_and_read_as_a_pdf(cases, referral):
    services.save_letter_template(
        cases.administrator,
        "acknowledgement",
        "Acknowledgement",
        "acknowledgement.docx",
        a_template(),
        case_types=["child-protection-referral"],
    )

    letter = services.generate_letter(cases.social_worker, referral.pk, "acknowledgement")

    assert letter.kind == "letter"
    version = letter.versions.get()
    filled = docx.Document(
        io.BytesIO(b"".join(services.download(cases.social_worker, version.pk).chunks))
    )
    text = "\n".join(paragraph.text for paragraph in filled.paragraphs)
    assert f"Our reference: {referral.reference}" in text
    assert "Dear Morag MacLeod," in text
    pdf = services.download(cases.social_worker, version.pk, as_pdf=True)
    assert pdf.mime_type == "application/pdf"
    assert "Dear Morag MacLeod," in pdf_text(b"".join(pdf.chunks))
    assert referral.chronology.filter(
        kind="letter", summary="Letter written: Acknowledgement"
    ).exists()


def test_a_template_using_fields_letters_cannot_fill_is_refused(cases):
    document = docx.Document()
    document.add_paragraph("{{ bank.account }}")
    out = io.BytesIO()
    document.save(out)

    with pytest.raises(LetterTemplateError) as caught:
        services.save_letter_template(cases.administrator, "bad", "Bad", "bad.docx", out.getvalue())

    assert "bank" in caught.value.detail


def test_the_chronology_exports_as_a_pdf_for_those_who_may_export(cases, referral):
    services.add_note(cases.social_worker, referral.pk, "Home visit arranged")

    pdf = services.chronology_export(cases.children_leader, referral.pk)

    text = pdf_text(pdf)
    assert referral.reference in text
    assert "Home visit arranged" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert AuditEntry.objects.filter(action="cases.case.chronology_exported").exists()
    with pytest.raises(policy.AccessRefusedError):
        services.chronology_export(cases.social_worker, referral.pk)


def test_a_refused_template_leaves_no_file_behind(cases, documents_root):
    with pytest.raises(InvalidInputError):
        services.save_letter_template(
            cases.administrator, "Not A Code", "Bad", "bad.docx", a_template()
        )

    assert not documents_root.exists() or not any(documents_root.rglob("*.*"))
