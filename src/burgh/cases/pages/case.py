"""The case page: a case's summary, what the reader may do to it, its chronology, notes,
documents, tasks, decisions and people; document downloads and the chronology as a PDF.

Thin: the case comes from `services.read_case`, which asks the access policy and logs the
view; a case the reader may not see gets the house's "page not found", like one that was
never logged. The action pages are in `case_actions`.
"""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from burgh.cases import fields as case_fields
from burgh.cases import services
from burgh.cases.access import ALLOCATE, AUTHORISE_DECISIONS, CASE, CHANGE_CASE, EXPORT_CASES
from burgh.cases.filestore import max_upload_bytes
from burgh.cases.models import (
    Case,
    CaseDecision,
    CaseDocument,
    CaseLink,
    CaseMerge,
    CaseNote,
    CaseParty,
    CaseTask,
    DocumentVersion,
    EntryKind,
    PersonFlag,
    Stage,
)
from burgh.cases.pages.case_forms import SignificantForm
from burgh.cases.pages.common import case_page
from burgh.core.errors import InvalidInputError, NotFoundError
from burgh.core.forms import PageForm
from burgh.core.paging import paged
from burgh.core.views import not_found
from burgh.flows.work_pages import case_process
from burgh.identity import policy
from burgh.identity.models import User
from burgh.people.pages import current_purpose
from burgh.people.services import current_person

# The GOV.UK tag colour of each SLA state, and how it reads.
SLA_TAGS = {
    "on_track": ("On track", "govuk-tag--green"),
    "at_risk": ("At risk", "govuk-tag--yellow"),
    "breached": ("Breached", "govuk-tag--red"),
    "paused": ("Paused", "govuk-tag--grey"),
    "met": ("Met", "govuk-tag--green"),
    "missed": ("Missed", "govuk-tag--red"),
    "none": ("No target", "govuk-tag--grey"),
}
CHRONOLOGY_PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sla_tag(state: str) -> dict[str, str]:
    text, colour = SLA_TAGS.get(state, SLA_TAGS["none"])
    return {"text": text, "colour": colour}


def case_url(case_id: Any, anchor: str = "") -> str:
    return reverse("cases:case", kwargs={"case_id": case_id}) + (f"#{anchor}" if anchor else "")


def read(request: HttpRequest, user: User, case_id: UUID) -> services.CaseRead | HttpResponse:
    """The case if the policy lets `user` see it, or the page that says no (404 alike for a
    case that does not exist and one they may not know of)."""
    try:
        return services.read_case(user, case_id, purpose=current_purpose(request))
    except NotFoundError:
        return not_found(request)
    except policy.AccessRefusedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal


def person_name(person_id: Any) -> str:
    try:
        person = current_person(person_id)
    except ObjectDoesNotExist:
        return "A person no longer in the index"
    return f"{person.given_name} {person.family_name}".strip() or "Name not recorded"


class ChronologyFilter(PageForm):
    kind = forms.ChoiceField(
        label="Kind of entry", choices=[("", "All kinds"), *EntryKind.choices], required=False
    )
    text = forms.CharField(label="Containing the words", max_length=200, required=False)
    significant = forms.BooleanField(label="Significant events only", required=False)


@case_page
@require_http_methods(["GET"])
def case(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = read(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    context = summary_context(user, found)
    if "work" in found.fields:
        context.update(work_context(request, user, found, context["may_change"]))
        context["process"] = case_process(found.case, may_change=context["may_change"], user=user)
    return render(request, "cases/case/case.html", context)


def summary_context(user: User, found: services.CaseRead) -> dict[str, Any]:
    """What the top of the case page shows, and which actions the reader may take."""
    this, shown = found.case, found.fields
    case_type = this.case_type
    viewer = policy.viewer_for(user)
    merged = this.merged_into_id is not None
    may_change = (
        "work" in shown
        and not merged
        and viewer.has(CHANGE_CASE)
        and policy.why(viewer, CASE, this.pk, action=policy.Action.CHANGE).allowed
    )
    leads = this.team_id in viewer.manages
    # Each row only when the policy shares its field: a partner may follow a case's status
    # without learning its type, its team or when it came in.
    rows: list[dict[str, Any]] = []
    if "case_type" in shown:
        rows.append({"label": "Type", "text": case_type.name})
    if "status" in shown:
        rows.append({"label": "Status", "text": case_type.status_label(this.status)})
    if "status" in shown and this.is_closed and this.outcome:
        rows.append({"label": "Outcome", "text": case_type.outcome_label(this.outcome)})
    if "sla" in shown:
        rows.append({"label": "Due", "due": this.sla_due_at, "tag": sla_tag(found.sla_state)})
    if "team" in shown:
        rows.append({"label": "Team", "text": str(this.team)})
    if "owner" in shown:
        rows.append({"label": "Worker", "text": str(this.owner or "Not allocated")})
    if "priority" in shown:
        rows.append({"label": "Priority", "text": this.get_priority_display()})
    if "received_at" in shown:
        rows.append({"label": "Received", "when": this.received_at})
    if "work" in shown:
        rows.append({"label": "Channel", "text": this.get_channel_display()})
    subject = None
    if "subject" in shown and this.subject_person_id:
        subject = {
            "name": person_name(this.subject_person_id),
            "url": reverse("people:person", args=[this.subject_person_id]),
            "flags": services.live_flags([this.subject_person_id]),
        }
    location = None
    if "location" in shown and (this.uprn or this.address_text or this.latitude is not None):
        location = {
            "address": this.address_text,
            "uprn": this.uprn,
            "url": reverse("places:property", args=[this.uprn]) if this.uprn else "",
            "position": (f"{this.latitude}, {this.longitude}" if this.latitude is not None else ""),
        }
    details: list[tuple[str, str]] = []
    if "data" in shown:
        details = case_fields.display(case_fields.check_definition(case_type.fields), this.data)
    next_statuses = [
        code
        for code in case_type.transitions.get(this.status, [])
        if case_type.stage_of(code) != Stage.CLOSED
    ]
    act = _Actions(this.pk)
    if may_change and not this.is_closed:
        if next_statuses:
            act.add("Change the status", "cases:case-status")
        act.add("Change the details", "cases:case-details")
    if may_change and not this.is_closed and services.may_lead(viewer, this.team_id, ALLOCATE):
        act.add(
            "Re-allocate the case" if this.owner_id else "Allocate the case", "cases:case-allocate"
        )
    if may_change:
        act.add("Add a note or contact", "cases:case-note")
    if may_change and not this.is_closed:
        act.add("Upload a document", "cases:case-document")
    if may_change and services.letter_templates_for(this):
        act.add("Write a letter", "cases:case-letter")
    if may_change and not this.is_closed:
        act.add("Add a task", "cases:case-task")
        if case_type.decision_kinds:
            act.add("Record a decision", "cases:case-decision")
    if may_change:
        act.add("Add a person", "cases:case-person")
        act.add("Raise a warning about a person", "cases:case-warning")
        act.add("Link to another case", "cases:case-link")
        act.add("Merge into another case", "cases:case-merge")
    if may_change and not this.is_closed:
        act.add("Close the case", "cases:case-close")
    if may_change and this.is_closed:
        act.add("Reopen the case", "cases:case-reopen")
    if "work" in shown and viewer.has(EXPORT_CASES):
        act.links.append(
            {
                "text": "Download the chronology (PDF)",
                "url": reverse("cases:case-chronology-pdf", kwargs={"case_id": this.pk}),
            }
        )
    return {
        "case": this,
        "read": found,
        "shown": shown,
        "reference": this.reference if "reference" in shown else "Case",
        "type_name": case_type.name if "case_type" in shown else "",
        "title": this.title if "title" in shown else "",
        "rows": rows,
        "subject": subject,
        "location": location,
        "reporter": this.reporter if "reporter" in shown else {},
        "description": this.description if "description" in shown else "",
        "details": details,
        "sensitive": this.sensitive,
        # Where the work went is part of the work.
        "merged_into": this.merged_into if merged and "work" in shown else None,
        "may_change": may_change,
        "leads": leads,
        "may_authorise": services.may_lead(viewer, this.team_id, AUTHORISE_DECISIONS),
        "actions": act.links,
        "version": this.version,
    }


class _Actions:
    def __init__(self, case_id: Any) -> None:
        self.case_id = case_id
        self.links: list[dict[str, str]] = []

    def add(self, text: str, name: str) -> None:
        self.links.append({"text": text, "url": reverse(name, kwargs={"case_id": self.case_id})})


def work_context(
    request: HttpRequest, user: User, found: services.CaseRead, may_change: bool
) -> dict[str, Any]:
    """The sections of the case page: chronology, notes, documents, tasks, decisions, people."""
    this = found.case
    return {
        **chronology_context(request, this),
        "notes": _notes(this, user, may_change),
        "documents": _documents(this),
        "tasks": list(CaseTask.objects.filter(case=this).select_related("owner", "completed_by")),
        "decisions": _decisions(this),
        "people": _people(this),
        "links": _links(this),
        "merges": list(
            CaseMerge.objects.filter(target=this, undone_at__isnull=True).select_related(
                "source", "by"
            )
        ),
        "children": list(Case.objects.filter(parent=this).only("id", "reference")),
        "max_upload": max_upload_bytes(),
    }


def chronology_context(request: HttpRequest, this: Case) -> dict[str, Any]:
    form = ChronologyFilter(request.GET or None, auto_id="chronology-%s")
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    entries = services.chronology(
        this,
        kinds=[chosen["kind"]] if chosen.get("kind") else [],
        significant_only=bool(chosen.get("significant")),
        text=chosen.get("text", ""),
    )
    oldest_first = request.GET.get("order") == "oldest"
    if not oldest_first:
        entries = entries.reverse()
    kept = {k: v for k, v in request.GET.items() if k not in ("order", "page") and v}
    toggle = {**kept, **({} if oldest_first else {"order": "oldest"})}
    return {
        "chronology_form": form,
        "oldest_first": oldest_first,
        "order_url": f"{request.path}?{urlencode(toggle)}#chronology",
        "filtered": bool(kept),
        "significant_form": SignificantForm(initial={"version": this.version}),
        **{
            f"chronology_{key}": value
            for key, value in paged(request, entries, size=CHRONOLOGY_PAGE).items()
        },
    }


def _notes(this: Case, user: User, may_change: bool) -> list[dict[str, Any]]:
    notes = (
        CaseNote.objects.filter(case=this)
        .select_related("author")
        .prefetch_related("revisions__written_by")
        .order_by("-occurred_at", "-id")
    )
    return [
        {
            "note": note,
            "revisions": list(note.revisions.all()),
            "edit_url": (
                reverse("cases:case-note-edit", kwargs={"case_id": this.pk, "note_id": note.pk})
                if may_change and note.author_id == user.pk
                else ""
            ),
        }
        for note in notes
    ]


def _documents(this: Case) -> list[dict[str, Any]]:
    documents = (
        CaseDocument.objects.filter(case=this)
        .select_related("added_by")
        .prefetch_related("versions__uploaded_by")
    )
    shown = []
    for document in documents:
        versions = sorted(document.versions.all(), key=lambda v: -v.number)
        shown.append(
            {
                "document": document,
                "versions": [
                    {
                        "version": version,
                        "url": download_url(this.pk, version.pk),
                        "pdf_url": (
                            download_url(this.pk, version.pk, pdf=True)
                            if version.mime_type == DOCX
                            else ""
                        ),
                        "not_scanned": version.scan == DocumentVersion.Scan.NOT_SCANNED,
                    }
                    for version in versions
                ],
                "version_url": reverse(
                    "cases:case-document-version",
                    kwargs={"case_id": this.pk, "document_id": document.pk},
                ),
            }
        )
    return shown


def download_url(case_id: Any, version_id: int, *, pdf: bool = False) -> str:
    url = reverse("cases:case-download", kwargs={"case_id": case_id, "version_id": version_id})
    return f"{url}?format=pdf" if pdf else url


def _decisions(this: Case) -> list[dict[str, Any]]:
    labels = {kind["code"]: kind["label"] for kind in this.case_type.decision_kinds}
    decisions = CaseDecision.objects.filter(case=this).select_related("proposed_by", "decided_by")
    return [
        {
            "decision": decision,
            "label": labels.get(decision.kind, decision.kind),
            "awaiting": decision.state == CaseDecision.State.AWAITING,
            "url": reverse(
                "cases:case-decision-authorise",
                kwargs={"case_id": this.pk, "decision_id": decision.pk},
            ),
        }
        for decision in decisions
    ]


def _people(this: Case) -> list[dict[str, Any]]:
    parties = list(CaseParty.objects.filter(case=this, ended_at__isnull=True))
    ids = [party.person_id for party in parties if party.person_id]
    flags: dict[Any, list[PersonFlag]] = {}
    for flag in services.live_flags(ids):
        flags.setdefault(flag.person_id, []).append(flag)
    return [
        {
            "party": party,
            "name": person_name(party.person_id) if party.person_id else party.name,
            "url": reverse("people:person", args=[party.person_id]) if party.person_id else "",
            "flags": [
                {
                    "flag": flag,
                    "remove_url": reverse(
                        "cases:case-warning-remove",
                        kwargs={"case_id": this.pk, "flag_id": flag.pk},
                    ),
                }
                for flag in flags.get(party.person_id, [])
            ],
        }
        for party in parties
    ]


def _links(this: Case) -> list[dict[str, Any]]:
    """Cases linked to this one, either way round: only their references and where they go."""
    outgoing = CaseLink.objects.filter(case=this).select_related("other")
    incoming = CaseLink.objects.filter(other=this).select_related("case")
    found = [(link.other, link) for link in outgoing] + [(link.case, link) for link in incoming]
    return [
        {"reference": other.reference, "url": case_url(other.pk), "link": link}
        for other, link in found
    ]


@case_page
@require_http_methods(["GET"])
def download(request: HttpRequest, user: User, case_id: UUID, version_id: int) -> HttpResponseBase:
    """A document version's file, as an attachment the browser never renders in the page."""
    if not DocumentVersion.objects.filter(pk=version_id, document__case_id=case_id).exists():
        return not_found(request)
    try:
        file = services.download(
            user,
            version_id,
            as_pdf=request.GET.get("format") == "pdf",
            purpose=current_purpose(request),
        )
    except NotFoundError:
        return not_found(request)
    except InvalidInputError:
        return not_found(request)
    except policy.AccessRefusedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    response = StreamingHttpResponse(file.chunks, content_type=file.mime_type)
    return attachment(response, file.file_name, file.size)


def attachment(response: HttpResponseBase, file_name: str, size: int) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@case_page
@require_http_methods(["GET"])
def chronology_pdf(request: HttpRequest, user: User, case_id: UUID) -> HttpResponseBase:
    try:
        pdf = services.chronology_export(user, case_id, purpose=current_purpose(request))
    except NotFoundError:
        return not_found(request)
    except policy.AccessRefusedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    reference = Case.objects.filter(pk=case_id).values_list("reference", flat=True).first()
    response = HttpResponse(pdf, content_type="application/pdf")
    return attachment(response, f"{reference or 'case'}-chronology.pdf", len(pdf))
