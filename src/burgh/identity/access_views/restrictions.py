"""Restricted records: the live restrictions, restricting a record, and keeping one up to date.

The people who manage restrictions see each restricted record's label (a person's name) so they
know what they are managing; those reads go into the record's access log like any other.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from burgh.core.errors import BurghError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.access_forms import (
    LiftRestrictionForm,
    NamedUsersForm,
    RecordLookupForm,
    RestrictionForm,
    ReviewRestrictionForm,
)
from burgh.identity.access_views.common import (
    MANAGE_RESTRICTIONS,
    RESTRICTIONS_RULE,
    VIEW_ACCESS_LOG,
    add_service_errors,
    governance_page,
    paged,
)
from burgh.identity.models import AccessLogEntry, Purpose, RecordRestriction, User
from burgh.identity.permissions import has_permission
from burgh.identity.services import restrictions as service

NO_LONGER_EXISTS = "Record no longer exists"


def record_labels(
    viewer: policy.Viewer, records: Iterable[tuple[str, Any]]
) -> dict[tuple[str, str], str]:
    """Labels for (kind, record id) pairs, loaded kind by kind and written to the access log."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for kind_name, record_id in records:
        wanted[kind_name].add(str(record_id))
    labels: dict[tuple[str, str], str] = {}
    for kind_name, ids in wanted.items():
        try:
            kind = policy.get(kind_name)
        except LookupError:
            continue
        found = list(kind.model._default_manager.filter(pk__in=ids))
        for record in found:
            labels[(kind_name, str(record.pk))] = kind.describe(record)
        if found:
            policy.log_access(
                viewer,
                kind,
                [(record.pk, kind.person_id(record)) for record in found],
                action=AccessLogEntry.Action.LISTED,
                purpose=Purpose.INFORMATION_GOVERNANCE,
                allowed=True,
                rule=RESTRICTIONS_RULE,
            )
    return labels


def kind_label(kind_name: str) -> str:
    try:
        return policy.get(kind_name).label.capitalize()
    except LookupError:
        return kind_name


@governance_page(MANAGE_RESTRICTIONS)
def restrictions(request: HttpRequest, user: User) -> HttpResponse:
    today = timezone.localdate()
    # Earliest review first, so the overdue ones lead.
    live = RecordRestriction.objects.filter(lifted_at__isnull=True).order_by("review_on", "pk")
    listing = paged(request, live)
    shown: list[RecordRestriction] = list(listing["page"])
    labels = record_labels(policy.viewer_for(user), ((r.kind, r.record_id) for r in shown))
    rows = [
        {
            "restriction": restriction,
            "kind": kind_label(restriction.kind),
            "label": labels.get((restriction.kind, str(restriction.record_id)), NO_LONGER_EXISTS),
            "overdue": restriction.review_overdue(today),
        }
        for restriction in shown
    ]
    return render(request, "access/restrictions.html", {"rows": rows, **listing})


def _lookup_page(request: HttpRequest, form: RecordLookupForm) -> HttpResponse:
    return render(request, "access/restriction_lookup.html", {"form": form})


@governance_page(MANAGE_RESTRICTIONS)
@require_http_methods(["GET", "POST"])
def restriction_new(request: HttpRequest, user: User) -> HttpResponse:
    if "kind" not in request.GET and "record" not in request.GET:
        return _lookup_page(request, RecordLookupForm())
    lookup = RecordLookupForm(request.GET)
    if not lookup.is_valid():
        return _lookup_page(request, lookup)
    kind = policy.get(lookup.cleaned_data["kind"])
    record_id = lookup.cleaned_data["record"]
    existing = service.restriction_on(kind.name, record_id)
    if existing is not None:
        messages.info(request, "The record is already restricted. Change who is named here.")
        return redirect("access:restriction", existing.pk)
    label = record_labels(policy.viewer_for(user), [(kind.name, record_id)]).get(
        (kind.name, str(record_id))
    )
    if label is None:
        lookup.add_error("record", f"There is no {kind.label} with that id")
        return _lookup_page(request, lookup)
    form = RestrictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            restriction = service.restrict_record(
                by=user,
                kind=kind.name,
                record_id=record_id,
                category=RecordRestriction.Category(data["category"]),
                reason=data["reason"],
                named_users=data["named_users"],
                review_every_months=data["review_every_months"],
            )
        except PermissionDeniedError as error:
            raise PermissionDenied(error.detail) from None
        except BurghError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{label}'s {kind.label} is restricted to the people named.")
            return redirect("access:restriction", restriction.pk)
    context = {"form": form, "kind": kind, "record_id": record_id, "label": label}
    return render(request, "access/restriction_new.html", context)


def _restriction_page(
    request: HttpRequest,
    user: User,
    restriction: RecordRestriction,
    **forms_given: forms.Form,
) -> HttpResponse:
    label = record_labels(policy.viewer_for(user), [(restriction.kind, restriction.record_id)])
    context: dict[str, Any] = {
        "restriction": restriction,
        "kind": kind_label(restriction.kind),
        "label": label.get((restriction.kind, str(restriction.record_id)), NO_LONGER_EXISTS),
        "named": sorted(restriction.named_users.all(), key=lambda u: (u.full_name, u.email)),
        "overdue": restriction.review_overdue(),
        "may_view_log": has_permission(user, VIEW_ACCESS_LOG),
        "named_form": forms_given.get("named_form")
        or NamedUsersForm(initial=NamedUsersForm.initial_for(restriction)),
        "review_form": forms_given.get("review_form") or ReviewRestrictionForm(),
        "lift_form": forms_given.get("lift_form") or LiftRestrictionForm(),
    }
    return render(request, "access/restriction.html", context)


def _find(restriction_id: uuid.UUID) -> RecordRestriction:
    return get_object_or_404(
        RecordRestriction.objects.select_related("restricted_by", "lifted_by"), pk=restriction_id
    )


@governance_page(MANAGE_RESTRICTIONS)
def restriction(request: HttpRequest, user: User, restriction_id: uuid.UUID) -> HttpResponse:
    return _restriction_page(request, user, _find(restriction_id))


def _run(form: forms.Form, action: Any) -> bool:
    """Call the service; put a refusal on the form. True when the change was made."""
    try:
        action()
    except PermissionDeniedError as error:
        raise PermissionDenied(error.detail) from None
    except BurghError as error:
        add_service_errors(form, error)
        return False
    return True


@governance_page(MANAGE_RESTRICTIONS)
@require_POST
def restriction_named_users(
    request: HttpRequest, user: User, restriction_id: uuid.UUID
) -> HttpResponse:
    found = _find(restriction_id)
    form = NamedUsersForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda: service.set_named_users(
            found, by=user, named_users=form.cleaned_data["named_users"]
        ),
    ):
        messages.success(request, "The people named on the restriction have been changed.")
        return redirect("access:restriction", found.pk)
    return _restriction_page(request, user, found, named_form=form)


@governance_page(MANAGE_RESTRICTIONS)
@require_POST
def restriction_review(request: HttpRequest, user: User, restriction_id: uuid.UUID) -> HttpResponse:
    found = _find(restriction_id)
    form = ReviewRestrictionForm(request.POST)
    if form.is_valid() and _run(
        form, lambda: service.review_restriction(found, by=user, notes=form.cleaned_data["notes"])
    ):
        found.refresh_from_db()
        messages.success(
            request,
            "The review is recorded. The next review is due by "
            f"{found.review_on.day} {found.review_on:%B %Y}.",
        )
        return redirect("access:restriction", found.pk)
    return _restriction_page(request, user, found, review_form=form)


@governance_page(MANAGE_RESTRICTIONS)
@require_POST
def restriction_lift(request: HttpRequest, user: User, restriction_id: uuid.UUID) -> HttpResponse:
    found = _find(restriction_id)
    form = LiftRestrictionForm(request.POST)
    if form.is_valid() and _run(
        form, lambda: service.lift_restriction(found, by=user, reason=form.cleaned_data["reason"])
    ):
        messages.success(
            request, "The restriction is lifted. The record is seen under the ordinary rules."
        )
        return redirect("access:restrictions")
    return _restriction_page(request, user, found, lift_form=form)
