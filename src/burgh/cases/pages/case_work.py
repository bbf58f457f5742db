"""The work on a case, one GOV.UK question page each: notes and contacts, documents and their
versions, letters, tasks, decisions and their authorisation, people and warnings about them.

Built as the case's other actions are (`case_actions.run`): read through the policy, one
service call, back to the case page; a refusal shows on the form.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from burgh.cases import services
from burgh.cases.access import AUTHORISE_DECISIONS
from burgh.cases.filestore import max_upload_bytes
from burgh.cases.models import Case, CaseDecision, CaseDocument, CaseNote, CaseTask, PersonFlag
from burgh.cases.pages import case_forms as f
from burgh.cases.pages.case import person_name
from burgh.cases.pages.case_actions import (
    Step,
    bound,
    changeable,
    leads,
    members_of,
    run,
    user_by_id,
    with_version,
)
from burgh.cases.pages.common import case_page
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import User
from burgh.people.pages import current_purpose
from burgh.people.services import rank_people


@case_page
@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    form = f.NoteForm(*bound(request), initial=with_version(found, kind=CaseNote.Kind.NOTE))

    def perform(data: dict[str, Any]) -> str:
        services.add_note(
            user,
            found.case.pk,
            data["body"],
            kind=data["kind"],
            contact_with=data["contact_with"],
            significant=data["significant"],
        )
        return "Note added"

    return run(
        request, found, Step("Add a note or contact", "Add the note", form, perform, anchor="notes")
    )


@case_page
@require_http_methods(["GET", "POST"])
def edit_note(request: HttpRequest, user: User, case_id: UUID, note_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    note = CaseNote.objects.filter(pk=note_id, case=found.case).first()
    if note is None:
        return not_found(request)
    if note.author_id != user.pk:
        raise PermissionDenied("Only the note's author can change it.")
    form = f.NoteEditForm(
        *bound(request), initial=with_version(found, body=note.body, note_version=note.version)
    )

    def perform(data: dict[str, Any]) -> str:
        services.edit_note(user, note.pk, data["body"], expected_version=data["note_version"])
        return "Note changed. What it said before is kept in its history."

    lede = ["What the note said before is kept, and shown with it."]
    return run(
        request,
        found,
        Step("Change your note", "Save the note", form, perform, anchor="notes", lede=lede),
    )


def _upload(data: dict[str, Any]) -> tuple[str, bytes, str]:
    upload = data["file"]
    # One byte over the limit is enough for the service to refuse it with the limit named.
    return upload.name or "", upload.read(max_upload_bytes() + 1), upload.content_type or ""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB" if size >= 1024 * 1024 else f"{size / 1024:.3g} KB"


def _size_hint() -> str:
    return (
        f"The largest file you can upload is {_megabytes(max_upload_bytes())}: a PDF, Word "
        "(DOCX), Excel (XLSX), OpenDocument text, image (PNG, JPEG, TIFF), text, CSV or email."
    )


@case_page
@require_http_methods(["GET", "POST"])
def add_document(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    form = f.DocumentForm(*bound(request), initial=with_version(found))
    form.fields["file"].help_text = _size_hint()

    def perform(data: dict[str, Any]) -> str:
        name, content, declared = _upload(data)
        document = services.add_document(
            user, found.case.pk, name, content, declared_type=declared, title=data["title"]
        )
        return f"Document added: {document.title}"

    step = Step("Upload a document", "Upload", form, perform, anchor="documents")
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def add_version(request: HttpRequest, user: User, case_id: UUID, document_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    document = CaseDocument.objects.filter(pk=document_id, case=found.case).first()
    if document is None:
        return not_found(request)
    form = f.VersionForm(*bound(request), initial=with_version(found))
    form.fields["file"].help_text = _size_hint()

    def perform(data: dict[str, Any]) -> str:
        name, content, declared = _upload(data)
        version = services.add_version(
            user, document.pk, name, content, declared_type=declared, note=data["note"]
        )
        return f"Version {version.number} of {document.title} added"

    lede = [f"Every earlier version of {document.title} is kept."]
    step = Step(
        f"New version of {document.title}", "Upload", form, perform, anchor="documents", lede=lede
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def write_letter(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    templates = services.letter_templates_for(found.case)
    choices = [
        (t.code, t.name + (f": {t.description}" if t.description else "")) for t in templates
    ]
    form = f.LetterForm(*bound(request), templates=choices, initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        document = services.generate_letter(user, found.case.pk, data["template"])
        return f"Letter written: {document.title}. Download it from the documents."

    lede = ["The letter is filled in from the case and kept with its documents, as a Word file."]
    step = Step("Write a letter", "Write the letter", form, perform, anchor="documents", lede=lede)
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def add_task(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    form = f.TaskForm(*bound(request), members=members_of(found.case), initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        services.add_task(
            user,
            found.case.pk,
            data["title"],
            owner=user_by_id(data["owner"]),
            due_on=data["due_on"],
            details=data["details"],
        )
        return f"Task added: {data['title']}"

    return run(request, found, Step("Add a task", "Add the task", form, perform, anchor="tasks"))


@case_page
@require_http_methods(["GET", "POST"])
def finish_task(request: HttpRequest, user: User, case_id: UUID, task_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    task = CaseTask.objects.filter(pk=task_id, case=found.case).first()
    if task is None:
        return not_found(request)
    form = f.TaskDoneForm(*bound(request), initial=with_version(found, done="done"))

    def perform(data: dict[str, Any]) -> str:
        done = data["done"] == "done"
        services.finish_task(user, task.pk, done=done, note=data["note"])
        return f"Task {'done' if done else 'cancelled'}: {task.title}"

    step = Step(f"Complete the task: {task.title}", "Save", form, perform, anchor="tasks")
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def record_decision(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    kinds = [
        (
            k["code"],
            k["label"] + (" (a manager must authorise it)" if k.get("needs_authorisation") else ""),
        )
        for k in found.case.case_type.decision_kinds
    ]
    form = f.DecisionForm(*bound(request), kinds=kinds, initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        decision = services.record_decision(
            user, found.case.pk, data["kind"], data["summary"], data["reasons"]
        )
        waiting = decision.state == CaseDecision.State.AWAITING
        return "Decision recorded" + (": it waits for a manager to authorise it" if waiting else "")

    step = Step("Record a decision", "Record the decision", form, perform, anchor="decisions")
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def authorise_decision(
    request: HttpRequest, user: User, case_id: UUID, decision_id: UUID
) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    decision = (
        CaseDecision.objects.filter(pk=decision_id, case=found.case)
        .select_related("proposed_by")
        .first()
    )
    if decision is None:
        return not_found(request)
    if not leads(user, found.case, AUTHORISE_DECISIONS) or decision.proposed_by_id == user.pk:
        raise PermissionDenied("Another leader or manager of the team must authorise it.")
    form = f.AuthoriseForm(*bound(request), initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        approve = data["approve"] == "yes"
        services.authorise_decision(user, decision.pk, approve=approve, note=data["note"])
        return "Decision authorised" if approve else "Decision not authorised"

    rows = [
        ("Decision", decision.summary),
        ("Reasons", decision.reasons),
        ("Proposed by", str(decision.proposed_by or "The case's process")),
        ("State", decision.get_state_display()),
    ]
    step = Step(
        "Authorise a decision", "Save", form, perform, anchor="decisions", context={"rows": rows}
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    search = f.PersonSearchForm(request.GET or None)
    people: list[tuple[str, str]] = []
    if search.is_bound and search.is_valid() and search.cleaned_data["q"]:
        ranked = rank_people(
            policy.viewer_for(user),
            name=search.cleaned_data["q"],
            limit=10,
            purpose=current_purpose(request),
        )
        people = [(str(row.person.pk), person_name(row.person.pk)) for row in ranked]
    form = f.PersonForm(*bound(request), people=people, initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        chosen = data["person"]
        if chosen == f.PersonForm.NOT_IN_INDEX:
            services.add_party(
                user,
                found.case.pk,
                data["role"],
                name=data["name"],
                organisation=data["organisation"],
                contact=data["contact"],
            )
            return f"{data['name']} added"
        services.add_party(user, found.case.pk, data["role"], person_id=chosen)
        return f"{person_name(chosen)} added"

    context = {"search_form": search, "searched": bool(people) or search.is_bound}
    step = Step(
        "Add a person to the case",
        "Add the person",
        form,
        perform,
        anchor="people",
        fields={"#/person_id": "person"},
        context=context,
    )
    return run(request, found, step)


def _case_people(this: Case) -> list[tuple[str, str]]:
    ids = [this.subject_person_id] if this.subject_person_id else []
    ids += [
        p
        for p in this.parties.filter(ended_at__isnull=True).values_list("person_id", flat=True)
        if p
    ]
    return [(str(pid), person_name(pid)) for pid in dict.fromkeys(ids)]


@case_page
@require_http_methods(["GET", "POST"])
def raise_warning(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    people = _case_people(found.case)
    form = f.WarningForm(*bound(request), people=people, initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        flag = services.raise_flag(
            user,
            data["person"],
            data["kind"],
            data["note"],
            case_id=found.case.pk,
            review_on=data["review_on"],
        )
        return f"Warning raised: {flag.get_kind_display()}"

    lede = ["The warning shows wherever the person appears, on every case and their record."]
    context = {"nobody": not people}
    step = Step(
        "Raise a warning",
        "Raise the warning",
        form,
        perform,
        anchor="people",
        lede=lede,
        context=context,
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def remove_warning(request: HttpRequest, user: User, case_id: UUID, flag_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    on_case = [pid for pid, _name in _case_people(found.case)]
    flag = PersonFlag.objects.filter(
        pk=flag_id, person_id__in=on_case, removed_at__isnull=True
    ).first()
    if flag is None:
        return not_found(request)
    form = f.ReasonForm(*bound(request), initial=with_version(found))
    form.fields["reason"].label = "Why does the warning no longer apply?"

    def perform(data: dict[str, Any]) -> str:
        services.remove_flag(user, flag.pk, data["reason"])
        return f"Warning removed: {flag.get_kind_display()}"

    rows = [
        ("Warning", flag.get_kind_display()),
        ("About", person_name(flag.person_id)),
        ("Note", flag.note),
    ]
    step = Step(
        "Remove a warning",
        "Remove the warning",
        form,
        perform,
        anchor="people",
        context={"rows": rows},
    )
    return run(request, found, step)
