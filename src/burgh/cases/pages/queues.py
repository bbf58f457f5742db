"""The queue pages: a worker's own cases, each of their teams' queues (filters, take the next
case, a leader's bulk allocation) and a team leader's view of the team's caseloads.

Thin: every list and count comes from `services.queue`, which starts from the access policy,
so a page never loads a case its reader may not see.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case as Choose
from django.db.models import CharField, Count, Exists, F, OuterRef, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from burgh.cases import services
from burgh.cases.access import ALLOCATE, CASE, TAKE_NEXT, VIEW_ALL_CASES
from burgh.cases.downloads import csv_download
from burgh.cases.models import Case, CaseType, Priority
from burgh.cases.pages.case import case_url, sla_tag
from burgh.cases.pages.common import case_page
from burgh.cases.services.reading import SCOPES, showing
from burgh.core.errors import (
    BurghError,
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
)
from burgh.core.forms import PageForm
from burgh.core.paging import paged
from burgh.core.views import not_found
from burgh.flows.services.oversight import team_steps
from burgh.identity import policy
from burgh.identity.models import Team, User
from burgh.people.pages import current_purpose

# The SLA states a queue filters and counts by (closed cases are not in a queue).
QUEUE_SLA_STATES = ("on_track", "at_risk", "breached", "paused")
UNALLOCATED = "unallocated"
# A queue page counts its cases this far, and says "more than" beyond (the team leader's
# caseloads page has every count).
COUNTED_UP_TO = 1000
# A leader's view of how long the team's open cases have waited.
AGE_BANDS = (
    ("week", "Under a week", 7),
    ("month", "1 to 4 weeks", 28),
    ("older", "Over 4 weeks", 0),
)


class QueueFilterForm(PageForm):
    """The GOV.UK filter form above a queue (sent by GET, so a filtered queue can be shared)."""

    def __init__(self, *args: Any, case_types: list[CaseType], members: list[User], **kw: Any):
        super().__init__(*args, **kw)
        statuses: dict[str, str] = {}
        for case_type in case_types:
            for status in case_type.statuses:
                if status["stage"] != "closed":
                    statuses.setdefault(status["code"], status["label"])
        any_choice = [("", "Any")]
        self.fields["status"] = forms.ChoiceField(
            label="Status", required=False, choices=[*any_choice, *statuses.items()]
        )
        self.fields["case_type"] = forms.ChoiceField(
            label="Case type",
            required=False,
            choices=[*any_choice, *((t.code, t.name) for t in case_types)],
        )
        self.fields["priority"] = forms.TypedChoiceField(
            label="Priority",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[*any_choice, *Priority.choices],
        )
        self.fields["sla"] = forms.ChoiceField(
            label="SLA",
            required=False,
            choices=[*any_choice, *((s, sla_tag(s)["text"]) for s in QUEUE_SLA_STATES)],
        )
        self.fields["owner"] = forms.ChoiceField(
            label="Worker",
            required=False,
            choices=[
                *any_choice,
                (UNALLOCATED, "Not allocated"),
                *((str(user.pk), str(user)) for user in members),
            ],
        )


# The queue table's cells: the case field each shows, and its value at a moment.
QUEUE_CELLS: dict[str, tuple[str, Callable[[Case, datetime], Any]]] = {
    "reference": ("reference", lambda case, now: case.reference),
    "priority": ("priority", lambda case, now: case.priority),
    "type": ("case_type", lambda case, now: case.case_type.name),
    "title": ("title", lambda case, now: case.title),
    "owner": ("owner", lambda case, now: str(case.owner or "Not allocated")),
    "status": ("status", lambda case, now: case.case_type.status_label(case.status)),
    "age": ("received_at", lambda case, now: age(now - case.received_at)),
    "sla": ("sla", lambda case, now: sla_tag(getattr(case, "sla_state", "none"))),
}


def _queue_rows(visible: policy.Visible[Case], cases: list[Case]) -> list[dict[str, Any]]:
    """Each case's cells; None for a field its row may not show (the table says so)."""
    now = timezone.now()
    rows = []
    for case in cases:
        shown = visible.fields(case)
        cells = {
            cell: value(case, now) if name in shown else None
            for cell, (name, value) in QUEUE_CELLS.items()
        }
        rows.append({"case": case, "url": case_url(case.pk), **cells})
    return rows


def age(waited: timedelta) -> str:
    days = waited.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(waited.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "Under an hour"


def ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Most urgent first, then soonest due (cases with no target last), then as logged."""
    return cases.order_by("priority", F("sla_due_at").asc(nulls_last=True), "received_at", "id")


def _teams(user: User) -> list[Team]:
    viewer = policy.viewer_for(user)
    return list(Team.objects.filter(pk__in=viewer.member_of | viewer.manages).order_by("name"))


def _tabs(user: User, current: str) -> list[dict[str, Any]]:
    tabs: list[dict[str, Any]] = [
        {"text": "My cases", "url": reverse("cases:my-cases"), "id": "mine"}
    ]
    for team in _teams(user):
        tabs.append(
            {
                "text": team.name,
                "url": reverse("cases:team-queue", kwargs={"team_id": team.pk}),
                "id": str(team.pk),
            }
        )
    for tab in tabs:
        tab["current"] = tab["id"] == current
    return tabs


@case_page
@require_http_methods(["GET"])
def my_cases(request: HttpRequest, user: User) -> HttpResponse:
    purpose = current_purpose(request)
    visible = services.queue(user, services.QueueFilter(scope="mine"), purpose=purpose)
    shown = paged(request, ordered(visible.queryset), cap=COUNTED_UP_TO)
    cases = list(shown["page"].object_list)
    policy.log_listed(user, CASE, cases, purpose=purpose)
    context = {
        "tabs": _tabs(user, "mine"),
        "rows": _queue_rows(visible, cases),
        "count": shown["page"].paginator.count,
        **shown,
    }
    return render(request, "cases/queues/my_cases.html", context)


def _team_for(user: User, team_id: UUID) -> Team | None:
    """The team, if `user` works in it, leads it or sees every case."""
    team = Team.objects.filter(pk=team_id).first()
    viewer = policy.viewer_for(user)
    if team is None or not (
        team.pk in viewer.member_of or team.pk in viewer.manages or viewer.has(VIEW_ALL_CASES)
    ):
        return None
    return team


class AllocateSelectedForm(PageForm):
    def __init__(self, *args: Any, members: list[User], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owner"] = forms.ChoiceField(
            label="Allocate to",
            choices=[("", "Choose a worker"), *((str(u.pk), str(u)) for u in members)],
            error_messages={
                "required": "Select who to allocate the cases to",
                "invalid_choice": "Select someone in the team",
            },
        )
        self.fields["reason"] = forms.CharField(
            label="Reason (optional)",
            required=False,
            max_length=300,
            help_text="Needed for a case that moves from someone who holds it",
        )
        self.fields["over_capacity"] = forms.BooleanField(
            label="Allocate even if it takes them over their caseload capacity", required=False
        )


@case_page
@require_http_methods(["GET", "POST"])
def team_queue(request: HttpRequest, user: User, team_id: UUID) -> HttpResponse:
    team = _team_for(user, team_id)
    if team is None:
        return not_found(request)
    viewer = policy.viewer_for(user)
    purpose = current_purpose(request)
    members = services.team_members(team)
    leads = services.may_lead(viewer, team.pk, ALLOCATE)
    allocation_errors: list[dict[str, str]] = []
    allocate_form = AllocateSelectedForm(
        request.POST if request.method == "POST" else None, members=members
    )
    if request.method == "POST":
        if not leads:
            raise PermissionDenied("Only the team's leaders and managers allocate its cases.")
        done = _allocate_selected(request, user, allocate_form, members, allocation_errors)
        if done:
            return redirect(request.get_full_path())
    every = services.queue(user, services.QueueFilter(team=team), purpose=purpose)
    # Only the types of cases whose type the reader may see: a list of types is their values.
    # One indexed probe per type (there are tens) rather than a scan of the whole queue.
    shown_types = showing(every, "case_type").order_by()
    case_types = list(
        CaseType.objects.filter(Exists(shown_types.filter(case_type=OuterRef("pk")))).order_by(
            "name"
        )
    )
    form = QueueFilterForm(
        request.GET or None, case_types=case_types, members=members, auto_id="filter-%s"
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    owner = chosen.get("owner") or ""
    found = services.QueueFilter(
        scope="unallocated" if owner == UNALLOCATED else "team",
        team=team,
        owner=UUID(owner) if owner and owner != UNALLOCATED else None,
        status=chosen.get("status") or "",
        case_type=chosen.get("case_type") or "",
        priority=chosen.get("priority"),
        sla_state=chosen.get("sla") or "",
    )
    visible = services.queue(user, found, purpose=purpose)
    shown = paged(request, ordered(visible.queryset), cap=COUNTED_UP_TO)
    cases = list(shown["page"].object_list)
    policy.log_listed(user, CASE, cases, purpose=purpose)
    selected = set(request.POST.getlist("cases")) if request.method == "POST" else set()
    export_url = ""
    if shown["page"].paginator.count and services.may_export(viewer, purpose=purpose):
        kept = {name: value for name, value in chosen.items() if value not in ("", None)}
        export_url = f"{reverse('cases:export')}?{urlencode({'team': team.pk, **kept})}"
    context = {
        "team": team,
        "tabs": _tabs(user, str(team.pk)),
        "form": form,
        "filtered": bool(chosen and any(chosen.values())),
        "rows": _queue_rows(visible, cases),
        "selected": selected,
        "count": shown["page"].paginator.count,
        "may_take_next": team.pk in viewer.member_of and viewer.has(TAKE_NEXT),
        "leads": leads,
        "allocate_form": allocate_form,
        "allocation_errors": allocation_errors,
        "export_url": export_url,
        **shown,
    }
    context["steps"], context["steps_waiting"] = team_steps(user, team)
    return render(request, "cases/queues/team_queue.html", context)


class ExportFilterForm(forms.Form):
    """The queue filter an export link carries: the team queue's filters, a team, a scope."""

    scope = forms.ChoiceField(required=False, choices=[("", ""), *((s, s) for s in SCOPES)])
    team = forms.UUIDField(required=False)
    owner = forms.CharField(required=False, max_length=36)
    status = forms.CharField(required=False, max_length=40)
    case_type = forms.CharField(required=False, max_length=60)
    priority = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", ""), *Priority.choices]
    )
    sla = forms.ChoiceField(
        required=False, choices=[("", ""), *((s, s) for s in services.SLA_STATES)]
    )

    def clean_owner(self) -> str:
        owner: str = self.cleaned_data["owner"]
        if owner and owner != UNALLOCATED and not _is_uuid(owner):
            raise forms.ValidationError("Choose a worker in the team")
        return owner


@case_page
@require_http_methods(["GET"])
def export(request: HttpRequest, user: User) -> HttpResponseBase:
    """The cases of a queue filter as CSV: a team's queue as filtered on its page, or every case
    the reader may export (`scope=all`). A filter that is not right goes back to the queue."""
    form = ExportFilterForm(request.GET)
    team_id = form.data.get("team", "")
    back = (
        f"{reverse('cases:team-queue', kwargs={'team_id': team_id})}?{request.GET.urlencode()}"
        if _is_uuid(team_id)
        else reverse("cases:my-cases")
    )
    if not form.is_valid():
        return redirect(back)
    chosen = form.cleaned_data
    team = None
    if chosen["team"] is not None:
        team = _team_for(user, chosen["team"])
        if team is None:
            return not_found(request)
    owner = chosen["owner"]
    scope = chosen["scope"] or ("team" if team is not None else "all")
    found = services.QueueFilter(
        scope="unallocated" if owner == UNALLOCATED else scope,
        team=team,
        owner=UUID(owner) if owner and owner != UNALLOCATED else None,
        status=chosen["status"],
        case_type=chosen["case_type"],
        priority=chosen["priority"],
        sla_state=chosen["sla"],
    )
    try:
        exported = services.export_cases(user, found, purpose=current_purpose(request))
    except PermissionDeniedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    except InvalidInputError:
        return redirect(back)
    return csv_download(exported)


def _allocate_selected(
    request: HttpRequest,
    user: User,
    form: AllocateSelectedForm,
    members: list[User],
    errors: list[dict[str, str]],
) -> bool:
    """Allocate the ticked cases, all or none; say why each one that could not be was not."""
    chosen = [value for value in request.POST.getlist("cases") if _is_uuid(value)]
    if not chosen:
        errors.append({"text": "Select the cases to allocate", "href": "#cases"})
    if not form.is_valid():
        errors.extend(
            {"text": str(problems[0]), "href": f"#{name}"} for name, problems in form.errors.items()
        )
    if errors:
        return False
    owner = next(u for u in members if str(u.pk) == form.cleaned_data["owner"])
    try:
        done = services.allocate_cases(
            user,
            chosen,
            owner,
            reason=form.cleaned_data["reason"],
            allow_over_capacity=form.cleaned_data["over_capacity"],
        )
    except InvalidInputError as refusal:
        references = dict(
            Case.objects.filter(pk__in=chosen).values_list("pk", "reference")  # for the messages
        )
        order = list(dict.fromkeys(chosen))
        errors.append({"text": refusal.detail, "href": "#cases"})
        for problem in refusal.errors or []:
            index = problem.get("pointer", "").removeprefix("#/cases/")
            case_id = order[int(index)] if index.isdigit() and int(index) < len(order) else ""
            reference = references.get(UUID(case_id), "") if case_id else ""
            errors.append(
                {
                    "text": f"{reference}: {problem['detail']}" if reference else problem["detail"],
                    "href": f"#case-{case_id}" if case_id else "#cases",
                }
            )
        return False
    except (ConflictError, PermissionDeniedError) as refusal:
        errors.append({"text": refusal.detail, "href": "#cases"})
        return False
    count = len(done)
    messages.success(request, f"{count} case{'s' if count != 1 else ''} allocated to {owner}")
    return True


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@case_page
@require_http_methods(["POST"])
def take_next(request: HttpRequest, user: User, team_id: UUID) -> HttpResponse:
    team = _team_for(user, team_id)
    if team is None:
        return not_found(request)
    queue_url = reverse("cases:team-queue", kwargs={"team_id": team.pk})
    try:
        taken = services.take_next(user, team)
    except PermissionDeniedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    except BurghError as refusal:
        messages.info(request, refusal.detail)
        return redirect(queue_url)
    if taken is None:
        messages.info(request, f"There are no unallocated cases waiting in the {team} queue.")
        return redirect(queue_url)
    messages.success(request, f"{taken.reference} is yours now")
    return redirect(case_url(taken.pk))


@case_page
@require_http_methods(["GET"])
def caseloads(request: HttpRequest, user: User, team_id: UUID) -> HttpResponse:
    """A team leader's view: each member's load and room, and where the team's cases are."""
    team = _team_for(user, team_id)
    if team is None:
        return not_found(request)
    if team.pk not in policy.viewer_for(user).manages:
        raise PermissionDenied("Only the team's leaders and managers see its caseloads.")
    visible = services.queue(
        user, services.QueueFilter(team=team), purpose=current_purpose(request)
    ).queryset.order_by()
    queue_url = reverse("cases:team-queue", kwargs={"team_id": team.pk})
    by_owner = _counts(visible, "owner_id")
    names = {u.pk: str(u) for u in services.team_members(team)}
    names.update(
        dict(User.objects.filter(pk__in=[k for k in by_owner if k]).values_list("pk", "full_name"))
    )
    owners = [
        {
            "name": names.get(owner, "Not allocated") if owner else "Not allocated",
            "cells": _cells(counts, queue_url, owner=str(owner) if owner else UNALLOCATED),
            "total": sum(counts.values()),
        }
        for owner, counts in sorted(
            by_owner.items(), key=lambda item: (item[0] is None, names.get(item[0], ""))
        )
    ]
    now = timezone.now()
    banded = visible.annotate(
        band=Choose(
            *(
                When(received_at__gt=now - timedelta(days=days), then=Value(code))
                for code, _label, days in AGE_BANDS
                if days
            ),
            default=Value(AGE_BANDS[-1][0]),
            output_field=CharField(),
        )
    )
    by_age = _counts(banded, "band")
    ages = [
        {
            "name": label,
            "cells": [{"count": by_age.get(code, {}).get(s, 0)} for s in QUEUE_SLA_STATES],
            "total": sum(by_age.get(code, {}).values()),
        }
        for code, label, _days in AGE_BANDS
    ]
    context = {
        "team": team,
        "tabs": _tabs(user, str(team.pk)),
        "members": services.caseloads(team),
        "states": [sla_tag(state)["text"] for state in QUEUE_SLA_STATES],
        "owners": owners,
        "ages": ages,
        "total": sum(sum(counts.values()) for counts in by_owner.values()),
        "queue_url": queue_url,
    }
    return render(request, "cases/queues/caseloads.html", context)


def _counts(cases: QuerySet[Case], key: str) -> dict[Any, dict[str, int]]:
    found: dict[Any, dict[str, int]] = {}
    for row in cases.values(key, "sla_state").annotate(n=Count("id")):
        found.setdefault(row[key], {})[row["sla_state"]] = row["n"]
    return found


def _cells(counts: dict[str, int], queue_url: str, *, owner: str) -> list[dict[str, Any]]:
    return [
        {
            "count": counts.get(state, 0),
            "url": f"{queue_url}?{urlencode({'owner': owner, 'sla': state})}",
            "label": sla_tag(state)["text"],
        }
        for state in QUEUE_SLA_STATES
    ]
