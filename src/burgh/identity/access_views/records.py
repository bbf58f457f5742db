"""Who has seen a record, why a person may or may not see it, and the governance home page."""

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from burgh.identity import policy
from burgh.identity.access_forms import (
    AccessFilterForm,
    CheckAccessForm,
    RecordLookupForm,
    field_label,
)
from burgh.identity.access_views.common import (
    ACCESS_LOG_RULE,
    GOVERNANCE_PERMISSIONS,
    MANAGE_RESTRICTIONS,
    MANAGE_SHARING_AGREEMENTS,
    REVIEW_BREAK_GLASS,
    VIEW_ACCESS_LOG,
    governance_page,
    paged,
    rule_words,
)
from burgh.identity.models import AccessLogEntry, Purpose, User
from burgh.identity.permissions import has_permission
from burgh.identity.services.restrictions import restriction_on


@governance_page(GOVERNANCE_PERMISSIONS)
def index(request: HttpRequest, user: User) -> HttpResponse:
    context = {
        "agreements": has_permission(user, MANAGE_SHARING_AGREEMENTS),
        "restrictions": has_permission(user, MANAGE_RESTRICTIONS),
        "break_glass": has_permission(user, REVIEW_BREAK_GLASS),
        "access_log": has_permission(user, VIEW_ACCESS_LOG),
    }
    return render(request, "access/index.html", context)


@governance_page(VIEW_ACCESS_LOG)
def lookup(request: HttpRequest, user: User) -> HttpResponse:
    if "kind" not in request.GET and "record" not in request.GET:
        form = RecordLookupForm()
    else:
        form = RecordLookupForm(request.GET)
        if form.is_valid():
            return redirect(
                "access:record-access", form.cleaned_data["kind"], form.cleaned_data["record"]
            )
    return render(request, "access/records.html", {"form": form})


def _decision(form: CheckAccessForm, kind: policy.RecordKind, record_id: uuid.UUID) -> Any:
    """What the policy would decide for the person asked about; `why` logs nothing."""
    data = form.cleaned_data
    decision = policy.why(
        data["email"],
        kind,
        record_id,
        action=policy.Action(data["action"]),
        purpose=Purpose(data["purpose"]),
    )
    return {
        "person": data["email"],
        "decision": decision,
        "rule": rule_words(decision.rule),
        "explanation": decision.explanation[:1].upper() + decision.explanation[1:],
        "fields": [field_label(name) for name in kind.fields if name in decision.fields],
    }


@governance_page(VIEW_ACCESS_LOG)
def record_access(
    request: HttpRequest, user: User, kind_name: str, record_id: uuid.UUID
) -> HttpResponse:
    try:
        kind = policy.get(kind_name)
    except LookupError:
        raise Http404("No such kind of record.") from None
    filters = AccessFilterForm(request.GET)
    entries = (
        AccessLogEntry.objects.filter(kind=kind.name, record_id=record_id)
        .select_related("user")
        .order_by("-at", "-id")
    )
    if filters.is_valid():
        if filters.cleaned_data["action"]:
            entries = entries.filter(action=filters.cleaned_data["action"])
        if filters.cleaned_data["outcome"]:
            entries = entries.filter(outcome=filters.cleaned_data["outcome"])
    listing = paged(request, entries)
    rows = [{"entry": entry, "rule": rule_words(entry.rule)} for entry in listing["page"]]

    asking = any(key.startswith(f"{CheckAccessForm.prefix}-") for key in request.GET)
    check = CheckAccessForm(request.GET if asking else None)
    answer = _decision(check, kind, record_id) if asking and check.is_valid() else None

    record = kind.model._default_manager.filter(pk=record_id).first()
    if record is not None:
        # Naming the record here is a read of it: on its access log like any other.
        policy.log_access(
            policy.viewer_for(user),
            kind,
            [(record.pk, kind.person_id(record))],
            action=AccessLogEntry.Action.LISTED,
            purpose=Purpose.INFORMATION_GOVERNANCE,
            allowed=True,
            rule=ACCESS_LOG_RULE,
        )
    restriction = restriction_on(kind.name, record_id)
    context = {
        "kind": kind,
        "record_id": record_id,
        "label": kind.describe(record) if record is not None else "",
        "exists": record is not None,
        "restriction": restriction,
        "may_manage_restrictions": has_permission(user, MANAGE_RESTRICTIONS),
        "may_review_break_glass": has_permission(user, REVIEW_BREAK_GLASS),
        "filter_form": filters,
        "check_form": check,
        "answer": answer,
        "rows": rows,
        "filtered": any(request.GET.get(name) for name in ("action", "outcome")),
        **listing,
    }
    return render(request, "access/record_access.html", context)
