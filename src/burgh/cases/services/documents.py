"""Documents on a case: uploads checked by content and scanned, versions, letters from DOCX
templates, PDF output, and the chronology exported as a PDF. Every download is logged."""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.access import CHANGE_CASE, MANAGE_CASE_TYPES
from burgh.cases.chronology_pdf import chronology_pdf, council_name
from burgh.cases.filestore import DocumentStore, UploadRefusedError, inspect_upload, scan
from burgh.cases.letters import LetterTemplateError, letter_pdf, render_letter, template_variables
from burgh.cases.models import Case, CaseDocument, CaseType, DocumentVersion, LetterTemplate
from burgh.cases.services.common import (
    announce,
    case_to_change,
    chronicle,
    require,
    require_open,
    text,
)
from burgh.cases.services.reading import chronology, read_case
from burgh.core import audit
from burgh.core.changes import record_change
from burgh.core.errors import InvalidInputError
from burgh.identity import policy
from burgh.identity.models import Purpose, User
from burgh.people.services import current_person

# What a letter template may use: {{ case.reference }}, {{ person.name }}, {{ officer.name }}.
LETTER_FIELDS = {
    "case": "reference, title, type, status, received, due, outcome, team, details (by field name)",
    "person": "name, given_name, family_name, address, postcode",
    "officer": "name, email, team",
    "council": "name",
    "today": "the date the letter is made, as 3 December 2026",
}


def _store(name: str, data: bytes, declared_type: str) -> tuple[Any, str, str]:
    inspected = inspect_upload(name, data, declared_type=declared_type)
    result = scan(data, inspected.file_name)
    key = DocumentStore().save(data, inspected)
    return inspected, key, str(result.status)


def add_document(
    by: User,
    case_id: Any,
    name: str,
    data: bytes,
    *,
    declared_type: str = "",
    title: str = "",
) -> CaseDocument:
    """Upload a document to a case: refused unless its content is an accepted type that its
    name and declared type agree with, and the virus scanner passes it."""
    require(by, CHANGE_CASE, "add documents to cases")
    title = text(title or name, "#/title", "a title", limit=200)
    with transaction.atomic():
        case = case_to_change(by, case_id)
        require_open(case, "add documents")
        inspected, key, scanned = _store(name, data, declared_type)
        document = CaseDocument.objects.create(case=case, title=title, added_by=by)
        _version(document, 1, inspected, key, scanned, by, note="")
        chronicle(
            case,
            "document",
            f"Document added: {title} ({inspected.file_name})",
            by=by,
            ref=document,
        )
        announce(
            case,
            "document_added",
            {"document": str(document.pk), "version": 1, "mime_type": inspected.mime_type},
            by=by,
        )
    return document


def _version(
    document: CaseDocument,
    number: int,
    inspected: Any,
    key: str,
    scanned: str,
    by: User | None,
    *,
    note: str,
) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        file_name=inspected.file_name,
        mime_type=inspected.mime_type,
        size=inspected.size,
        sha256=inspected.sha256,
        storage_key=key,
        scan=scanned,
        uploaded_by=by,
        uploaded_at=timezone.now(),
        note=note,
    )


def add_version(
    by: User, document_id: Any, name: str, data: bytes, *, declared_type: str = "", note: str = ""
) -> DocumentVersion:
    """A new version of a document; the earlier ones stay, each downloadable."""
    require(by, CHANGE_CASE, "add documents to cases")
    note = text(note, "#/note", "what changed", limit=300, required=False)
    with transaction.atomic():
        document = CaseDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            raise policy.RecordNotFoundError("There is no such document, or you cannot see it.")
        case = case_to_change(by, document.case_id)
        require_open(case, "add documents")
        inspected, key, scanned = _store(name, data, declared_type)
        number = document.current_version + 1
        version = _version(document, number, inspected, key, scanned, by, note=note)
        document.current_version = number
        document.version += 1
        document.save(update_fields=["current_version", "version", "updated_at"])
        chronicle(
            case,
            "document",
            f"New version {number} of {document.title}" + (f": {note}" if note else ""),
            by=by,
            ref=document,
        )
        announce(case, "document_added", {"document": str(document.pk), "version": number}, by=by)
    return version


@dataclass(frozen=True)
class Download:
    file_name: str
    mime_type: str
    size: int
    chunks: Iterator[bytes]


def download(
    by: User,
    version_id: Any,
    *,
    as_pdf: bool = False,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> Download:
    """A document version's bytes for someone who may see its case (logged; audited when the
    case is sensitive). A letter can be had as a PDF."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    # Refused as the case would be; a missing version looks the same as a hidden one.
    case_id = version.document.case_id if version is not None else None
    read = read_case(by, case_id, purpose=purpose)
    if version is None or "work" not in read.fields:
        raise policy.RecordNotFoundError("There is no such document, or you cannot see it.")
    audit.record(
        "cases.document.downloaded",
        subject=version.document,
        actor=by,
        purpose=purpose,
        detail={"case": read.case.reference, "version": version.number, "pdf": as_pdf},
    )
    store = DocumentStore()
    if as_pdf:
        if version.mime_type != _DOCX:
            raise InvalidInputError("Only a Word document can be turned into a PDF here.")
        pdf = letter_pdf(store.open(version.storage_key), title=version.document.title)
        name = version.file_name.rsplit(".", 1)[0] + ".pdf"
        return Download(name, "application/pdf", len(pdf), iter([pdf]))
    return Download(
        version.file_name, version.mime_type, version.size, store.chunks(version.storage_key)
    )


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEMPLATE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$")


def save_letter_template(
    by: User | None,
    code: str,
    name: str,
    file_name: str,
    data: bytes,
    *,
    case_types: Sequence[str] = (),
    description: str = "",
) -> LetterTemplate:
    """Add or replace a DOCX letter template; refused if it uses fields letters cannot fill."""
    require(by, MANAGE_CASE_TYPES, "manage letter templates")
    if not TEMPLATE_CODE.match(code or ""):
        raise InvalidInputError(
            "Give the template a code.",
            errors=[
                {"pointer": "#/code", "detail": "Use 2 to 60 lower-case letters, digits, hyphens."}
            ],
        )
    name = text(name, "#/name", "a name", limit=120)
    inspected = inspect_upload(file_name, data)
    if inspected.mime_type != _DOCX:
        raise UploadRefusedError("A letter template must be a Word document (.docx).")
    variables = template_variables(data)
    unknown = sorted(variables - set(LETTER_FIELDS))
    if unknown:
        raise LetterTemplateError(
            f"The template uses {', '.join(unknown)}, which letters cannot fill. Letters can use: "
            + "; ".join(f"{k} ({v})" for k, v in LETTER_FIELDS.items()),
            variables=unknown,
        )
    types = list(CaseType.objects.filter(code__in=case_types))
    missing = sorted(set(case_types) - {t.code for t in types})
    if missing:
        raise InvalidInputError(
            "Some case types do not exist.",
            errors=[{"pointer": "#/case_types", "detail": f"No case type {c!r}."} for c in missing],
        )
    # Scanned and stored only once everything about it is right, so a refusal leaves no file.
    scan(data, inspected.file_name)
    with transaction.atomic():
        key = DocumentStore().save(data, inspected)
        template, created = LetterTemplate.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "file_name": inspected.file_name,
                "storage_key": key,
                "variables": sorted(variables),
            },
        )
        if not created:
            template.version += 1
            template.save(update_fields=["version"])
        template.case_types.set(types)
        record_change(template, "saved", {"code": code, "variables": sorted(variables)}, actor=by)
    return template


def letter_templates_for(case: Case) -> list[LetterTemplate]:
    return list(LetterTemplate.objects.filter(active=True, case_types=case.case_type))


def letter_context(case: Case, by: User | None) -> dict[str, Any]:
    """What a letter about `case`, written by `by`, can say. A process flow's letter (`by`
    None) is signed by the case's owner, or by its team when nobody owns it."""
    case_type = case.case_type
    definition = case_fields.check_definition(case_type.fields)
    details = {
        field.name: case_fields.display_value(field, case.data[field.name])
        for field in definition
        if field.name in case.data
    }
    person: dict[str, str] = {"name": "", "given_name": "", "family_name": "", "address": ""}
    if case.subject_person_id:
        try:
            subject = current_person(case.subject_person_id)
        except ObjectDoesNotExist:
            subject = None
        if subject is not None:
            person = {
                "name": f"{subject.given_name} {subject.family_name}".strip(),
                "given_name": subject.given_name,
                "family_name": subject.family_name,
                "address": subject.address,
                "postcode": subject.postcode,
            }
    return {
        "case": {
            "reference": case.reference,
            "title": case.title,
            "type": case_type.name,
            "status": case_type.status_label(case.status),
            "received": _day(case.received_at),
            "due": _day(case.sla_due_at) if case.sla_due_at else "",
            "outcome": case_type.outcome_label(case.outcome) if case.outcome else "",
            "team": str(case.team),
            "details": details,
        },
        "person": person,
        "officer": _officer(by or case.owner, case),
        "council": {"name": council_name()},
        "today": _day(timezone.now()),
    }


def _officer(officer: User | None, case: Case) -> dict[str, str]:
    if officer is None:
        return {"name": str(case.team), "email": "", "team": str(case.team)}
    return {"name": officer.full_name, "email": officer.email, "team": str(case.team)}


def _day(at: Any) -> str:
    return f"{timezone.localtime(at):%-d %B %Y}"


def generate_letter(by: User | None, case_id: Any, template_code: str) -> CaseDocument:
    """Fill a letter template with the case's data and keep it on the case as a document."""
    require(by, CHANGE_CASE, "write letters")
    with transaction.atomic():
        case = case_to_change(by, case_id)
        template = LetterTemplate.objects.filter(
            code=template_code, active=True, case_types=case.case_type
        ).first()
        if template is None:
            raise InvalidInputError(
                f"There is no letter {template_code!r} for a {case.case_type.name}.",
                errors=[{"pointer": "#/template", "detail": "Choose one of the case's letters."}],
            )
        store = DocumentStore()
        filled = render_letter(store.open(template.storage_key), letter_context(case, by))
        file_name = f"{case.reference}-{template.code}.docx"
        inspected, key, scanned = _store(file_name, filled, _DOCX)
        document = CaseDocument.objects.create(
            case=case, kind=CaseDocument.Kind.LETTER, title=template.name, added_by=by
        )
        _version(document, 1, inspected, key, scanned, by, note=f"From template {template.code}")
        chronicle(case, "letter", f"Letter written: {template.name}", by=by, ref=document)
        announce(
            case,
            "document_added",
            {"document": str(document.pk), "version": 1, "letter": template.code},
            by=by,
        )
    return document


def chronology_export(
    by: User, case_id: Any, *, purpose: Purpose = Purpose.SERVICE_DELIVERY
) -> bytes:
    """The case's chronology as a PDF, for someone whose role may export cases (logged)."""
    read = read_case(by, case_id, purpose=purpose, action=policy.Action.EXPORT)
    case = read.case
    entries = [
        {
            "at": entry.at,
            "summary": entry.summary,
            "by": entry.actor_label,
            "significant": entry.significant,
        }
        for entry in chronology(case)
    ]
    subject = ""
    if case.subject_person_id:
        try:
            person = current_person(case.subject_person_id)
            subject = f"{person.given_name} {person.family_name}"
        except ObjectDoesNotExist:
            subject = ""
    audit.record(
        "cases.case.chronology_exported",
        subject=case,
        actor=by,
        purpose=purpose,
        detail={"reference": case.reference, "entries": len(entries)},
    )
    return chronology_pdf(
        {
            "reference": case.reference,
            "type": case.case_type.name,
            "subject": subject,
            "sensitive": case.sensitive,
        },
        entries,
    )
