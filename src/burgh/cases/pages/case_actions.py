"""The case page's actions, one GOV.UK question page each: change the status, allocate, change
the details, notes, documents, letters, tasks, decisions, people, warnings, links, merges,
closing and reopening.

Thin: each page reads the case through the policy, checks its form, calls one service and goes
back to the case page. A service's refusal lands on the form as a GOV.UK error summary; a form
sent from a page read before someone else changed the case is refused, never overwriting.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from burgh.cases import fields as case_fields
from burgh.cases import fields_forms, services
from burgh.cases.access import ALLOCATE, CASE, CHANGE_CASE
from burgh.cases.models import (
    Case,
    CaseMerge,
    ChronologyEntry,
    Stage,
)
from burgh.cases.pages import case_forms as f
from burgh.cases.pages.case import case_url, read
from burgh.cases.pages.common import case_page
from burgh.core.errors import BurghError, NotFoundError, StaleVersionError
from burgh.core.forms import add_service_errors
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import User

Perform = Callable[[dict[str, Any]], str]


class ShownOnFormError(Exception):
    """A step found a problem and put it on its form already: show the form again."""


@dataclass
class Step:
    """One action page: its heading, form, and the service call a valid form makes."""

    title: str
    button: str
    form: forms.Form
    perform: Perform
    anchor: str = ""
    lede: Sequence[str] = ()
    hint: str = ""
    extra_forms: Sequence[forms.Form] = ()
    fields: Mapping[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    # Where to go once done, when not back to the case (a merge goes to the case that stands).
    done_url: Callable[[], str] | None = None
    # Refuse the form when the case changed since it was read, before checking the answers
    # (its choices may have changed too): for changes that would overwrite someone else's.
    refuses_stale: bool = False


def changeable(
    request: HttpRequest, user: User, case_id: UUID, *, open_only: bool = False
) -> services.CaseRead | HttpResponse:
    """The case, read through the policy, if `user` may change it (403 if they may only look).

    A closed case sends a page for open cases back to the case page; a form already sent goes
    on to its service, which tells a stale page from a closed case."""
    found = read(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    viewer = policy.viewer_for(user)
    allowed = (
        "work" in found.fields
        and viewer.has(CHANGE_CASE)
        and policy.why(viewer, CASE, found.case.pk, action=policy.Action.CHANGE).allowed
    )
    if not allowed:
        raise PermissionDenied("You cannot change this case.")
    if found.case.merged_into_id is not None:
        messages.info(request, "This case was merged into another: work on that one.")
        return redirect(case_url(found.case.pk))
    if open_only and found.case.is_closed and request.method == "GET":
        messages.info(request, "The case is closed: reopen it first.")
        return redirect(case_url(found.case.pk))
    return found


def run(request: HttpRequest, found: services.CaseRead, step: Step) -> HttpResponse:
    """Show the step's form; on a valid POST make its service call and go back to the case."""
    if request.method == "POST" and step.refuses_stale and _stale(step.form, found.case):
        step.form.is_valid()
        step.form.errors.clear()
        step.form.add_error(None, f.STALE)
    # Every form is checked (not stopping at the first invalid one), so each shows its errors.
    valid = [form.is_valid() for form in [step.form, *step.extra_forms]]
    if request.method == "POST" and all(valid):
        try:
            message = step.perform(step.form.cleaned_data)
        except StaleVersionError:
            step.form.add_error(None, f.STALE)
        except ShownOnFormError:
            pass
        except NotFoundError:
            return not_found(request)
        except BurghError as error:
            add_service_errors(step.form, error, step.fields)
        else:
            messages.success(request, message)
            return redirect(
                step.done_url() if step.done_url else case_url(found.case.pk, step.anchor)
            )
    this = found.case
    questions = f.components(step.form)
    context = {
        "case": this,
        "case_title": this.title if "title" in found.fields else "",
        "step": step,
        "form": step.form,
        "questions": questions,
        "multipart": any(isinstance(q["field"].field, forms.FileField) for q in questions),
        "back_url": case_url(this.pk),
        **step.context,
    }
    return render(request, "cases/case/action.html", context)


def _stale(form: forms.Form, this: Case) -> bool:
    sent = form.data.get("version", "")
    return not (isinstance(sent, str) and sent.isdigit() and int(sent) == this.version)


def bound(request: HttpRequest) -> tuple[Any, ...]:
    return (request.POST, request.FILES) if request.method == "POST" else ()


def with_version(found: services.CaseRead, **more: Any) -> dict[str, Any]:
    return {"version": found.case.version, **more}


def leads(user: User, this: Case, permission: str) -> bool:
    return services.may_lead(policy.viewer_for(user), this.team_id, permission)


def members_of(this: Case, *, with_load: bool = False) -> list[tuple[str, str]]:
    members = services.team_members(this.team)
    if not with_load:
        return [(str(user.pk), str(user)) for user in members]
    loads = {row["user"].pk: row for row in services.caseloads(this.team)}
    choices = []
    for user in members:
        row = loads.get(user.pk, {})
        held = row.get("open", 0)
        room = row.get("room")
        load = f"{held} open case{'s' if held != 1 else ''}"
        if room is not None:
            load += f", room for {max(room, 0)}" if room >= 0 else ", over capacity"
        choices.append((str(user.pk), f"{user} ({load})"))
    return choices


def user_by_id(user_id: str) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


@case_page
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    this, case_type = found.case, found.case.case_type
    statuses = [
        (code, case_type.status_label(code))
        for code in case_type.transitions.get(this.status, [])
        if case_type.stage_of(code) != Stage.CLOSED
    ]
    form = f.StatusForm(*bound(request), statuses=statuses, initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        services.change_status(
            user, this.pk, data["status"], note=data["note"], expected_version=data["version"]
        )
        return f"Status changed to {case_type.status_label(data['status'])}"

    lede = [f"The case is {case_type.status_label(this.status).lower()} now."]
    return run(
        request,
        found,
        Step(
            "Change the status", "Change the status", form, perform, lede=lede, refuses_stale=True
        ),
    )


@case_page
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    this = found.case
    if not leads(user, this, ALLOCATE):
        raise PermissionDenied("Only the team's leaders and managers allocate its cases.")
    current = str(this.owner_id) if this.owner_id else f.AllocateForm.QUEUE
    form = f.AllocateForm(
        *bound(request),
        members=members_of(this, with_load=True),
        initial=with_version(found, owner=current),
    )

    def perform(data: dict[str, Any]) -> str:
        owner = None if data["owner"] == f.AllocateForm.QUEUE else user_by_id(data["owner"])
        services.allocate_case(
            user,
            this.pk,
            owner,
            reason=data["reason"],
            expected_version=data["version"],
            allow_over_capacity=data["over_capacity"],
        )
        return f"Allocated to {owner}" if owner else "Returned to the team's shared queue"

    held = f"It is with {this.owner}." if this.owner else "Nobody holds it yet."
    lede = [f"{held} Choose someone in {this.team}."]
    step = Step(
        "Allocate the case",
        "Allocate",
        form,
        perform,
        lede=lede,
        fields={"#/owner": "owner"},
        refuses_stale=True,
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    this = found.case
    form = f.DetailsForm(
        *bound(request),
        initial=with_version(
            found, title=this.title, description=this.description, priority=this.priority
        ),
    )
    definition = case_fields.check_definition(this.case_type.fields)
    answers: dict[str, Any] = {}
    pages = []
    for number in case_fields.pages(definition):
        earlier = answers if request.method == "POST" else this.data
        page_form = fields_forms.form_class(definition, number, earlier=earlier)(
            *bound(request)[:1], initial=fields_forms.initial(definition, this.data)
        )
        if request.method == "POST" and page_form.is_valid():
            answers |= fields_forms.to_data(page_form)
        pages.append(page_form)

    def perform(data: dict[str, Any]) -> str:
        changes = {key: data[key] for key in ("title", "description", "priority")}
        if definition:
            changes["data"] = answers
        services.update_details(user, this.pk, changes, expected_version=data["version"])
        return "Details changed"

    step = Step(
        "Change the details",
        "Save the details",
        form,
        perform,
        extra_forms=pages,
        refuses_stale=True,
    )
    return run(request, found, step)


def _other_case(user: User, reference: str) -> Case | None:
    """A case the reader may see, by its reference (through the policy)."""
    found = services.queue(
        user, services.QueueFilter(scope="all", reference=reference, include_closed=True)
    )
    return found.queryset.first()


@case_page
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    form = f.LinkForm(*bound(request), initial=with_version(found))

    def perform(data: dict[str, Any]) -> str:
        other = _other_case(user, data["reference"])
        if other is None:
            form.add_error("reference", "There is no case with that reference that you can see")
            raise ShownOnFormError
        services.link_cases(user, found.case.pk, other.pk, note=data["note"])
        return f"Linked to {other.reference}"

    step = Step(
        "Link to another case",
        "Link the cases",
        form,
        perform,
        anchor="links",
        fields={"#/other": "reference"},
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    form = f.MergeForm(*bound(request), initial=with_version(found))
    target: list[Case] = []

    def perform(data: dict[str, Any]) -> str:
        other = _other_case(user, data["reference"])
        if other is None:
            form.add_error("reference", "There is no case with that reference that you can see")
            raise ShownOnFormError
        services.merge_cases(user, found.case.pk, other.pk, reason=data["reason"])
        target.append(other)
        return (
            f"{found.case.reference} merged into {other.reference}. You can undo the merge below."
        )

    lede = ["Use this for a duplicate: the same request logged twice."]
    step = Step(
        "Merge into another case",
        "Merge the cases",
        form,
        perform,
        lede=lede,
        fields={"#/target": "reference"},
        done_url=lambda: case_url(target[0].pk, "links"),
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def undo_merge(request: HttpRequest, user: User, case_id: UUID, merge_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    merged = CaseMerge.objects.filter(pk=merge_id, target=found.case, undone_at__isnull=True)
    undone = merged.select_related("source").first()
    if undone is None:
        return not_found(request)
    form = f.ReasonForm(*bound(request), initial=with_version(found))
    form.fields["reason"].label = "Why undo the merge?"

    def perform(data: dict[str, Any]) -> str:
        services.undo_merge(user, undone.pk, reason=data["reason"])
        return f"Merge undone: {undone.source.reference} is a case of its own again"

    lede = [f"{undone.source.reference} and everything moved from it go back as they were."]
    step = Step(
        f"Undo the merge of {undone.source.reference}",
        "Undo the merge",
        form,
        perform,
        anchor="links",
        lede=lede,
    )
    return run(request, found, step)


@case_page
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id, open_only=True)
    if isinstance(found, HttpResponse):
        return found
    case_type = found.case.case_type
    outcomes = [(o["code"], o["label"]) for o in case_type.outcomes]
    statuses = [(s["code"], s["label"]) for s in case_type.statuses if s["stage"] == Stage.CLOSED]
    # The case type's first closing status is what the service would choose unasked.
    form = f.CloseForm(
        *bound(request),
        outcomes=outcomes,
        statuses=statuses,
        initial=with_version(found, status=statuses[0][0] if statuses else ""),
    )

    def perform(data: dict[str, Any]) -> str:
        services.close_case(
            user,
            found.case.pk,
            data["outcome"],
            note=data["note"],
            status=data.get("status", ""),
            expected_version=data["version"],
        )
        return f"Case closed: {case_type.outcome_label(data['outcome'])}"

    return run(
        request, found, Step("Close the case", "Close the case", form, perform, refuses_stale=True)
    )


@case_page
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, user: User, case_id: UUID) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    case_type = found.case.case_type
    if not found.case.is_closed and request.method == "GET":
        return redirect(case_url(found.case.pk))
    statuses = [(s["code"], s["label"]) for s in case_type.statuses if s["stage"] != Stage.CLOSED]
    form = f.ReopenForm(
        *bound(request),
        statuses=statuses,
        initial=with_version(found, status=case_type.initial_status),
    )

    def perform(data: dict[str, Any]) -> str:
        services.reopen_case(
            user,
            found.case.pk,
            data["reason"],
            status=data["status"],
            expected_version=data["version"],
        )
        return "Case reopened"

    lede = ["Its SLA clock runs on from where it stopped."]
    return run(
        request,
        found,
        Step("Reopen the case", "Reopen the case", form, perform, lede=lede, refuses_stale=True),
    )


@case_page
@require_http_methods(["POST"])
def significant(request: HttpRequest, user: User, case_id: UUID, entry_id: int) -> HttpResponse:
    found = changeable(request, user, case_id)
    if isinstance(found, HttpResponse):
        return found
    entry = ChronologyEntry.objects.filter(pk=entry_id, case=found.case).first()
    if entry is None:
        return not_found(request)
    form = f.SignificantForm(request.POST)
    if form.is_valid():
        marked = form.cleaned_data["significant"]
        services.mark_significant(user, entry.pk, marked)
        messages.success(
            request, "Marked as significant" if marked else "No longer marked as significant"
        )
    return redirect(case_url(found.case.pk, "chronology"))
