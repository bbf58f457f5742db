"""The people pages: find a person, a person's record, emergency access, sharing and consent.

Thin: what a page shows comes through the access policy (`services.search_people`,
`policy.read`); a refused record gets the plain "page not found" page, the same as an id that
was never used, or a 403 page offering emergency access to those who may take it.
"""

import contextlib
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from burgh.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from burgh.core.forms import add_service_errors
from burgh.core.paging import pagination
from burgh.core.views import not_found
from burgh.identity import policy
from burgh.identity.models import ConsentRecord, DataSharingAgreement, Purpose, User
from burgh.identity.services import sharing
from burgh.identity.services.emergency_access import duration_choices, take_emergency_access
from burgh.people.access import PERSON
from burgh.people.downloads import csv_download
from burgh.people.forms import (
    ConsentForm,
    EmergencyAccessForm,
    PurposeForm,
    SearchForm,
    WithdrawConsentForm,
)
from burgh.people.index_display import percent
from burgh.people.index_views import person_index_context, retired_page, survivor_of
from burgh.people.pages import (
    PURPOSE_SESSION_KEY,
    current_purpose,
    people_page,
    person_panels,
    purpose_context,
)
from burgh.people.services import (
    export_people,
    merged_ids,
    person_record,
    person_rows,
    search_people,
)
from burgh.people.services.ranking import rank_people
from burgh.people.services.records import READ_PERMISSIONS, load_related, person_fields
from burgh.people.services.reviews import REVIEW_MATCHES

PAGE_SIZE = 50
# How many best matches the search shows above the list of names.
BEST_MATCHES = 10
# Set when emergency access has just been taken, so the person page says so once.
TAKEN_SESSION_KEY = "burgh_emergency_access_taken"
MANAGE_RESTRICTIONS = "governance.manage_restrictions"
VIEW_ACCESS_LOG = "governance.view_access_log"
# The table's columns after the name, in order.
TABLE_COLUMNS = (
    ("date_of_birth", "Date of birth"),
    ("address", "Address"),
    ("email", "Email"),
    ("phone", "Phone"),
)
SUMMARY_ROWS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("address", "Address"),
    ("email", "Email"),
    ("phone", "Phone"),
)


def _uk_date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _uk_time(moment: Any) -> str:
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'} on {_uk_date(local)}"


def _display(name: str, value: Any) -> str:
    if name == "date_of_birth":
        return _uk_date(value) or "Not recorded"
    return str(value) if value else "Not recorded"


def _name(values: dict[str, Any]) -> str:
    parts = [values.get("given_name"), values.get("family_name")]
    return " ".join(part for part in parts if part)


@people_page
@require_http_methods(["GET"])
def search(request: HttpRequest, user: User) -> HttpResponse:
    viewer = policy.viewer_for(user)
    purpose = current_purpose(request)
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "may_search": any(viewer.has(code) for code in READ_PERMISSIONS),
        "may_review": viewer.has(REVIEW_MATCHES),
        **purpose_context(request),
    }
    if form.is_bound and form.is_valid():
        context.update(_best_matches(viewer, form, purpose))
    if form.is_bound and form.is_valid() and form.lists_names:
        text, born_on = form.cleaned_data["q"], form.cleaned_data["born_on"]
        visible = search_people(viewer, text=text, born_on=born_on, purpose=purpose)
        page = Paginator(visible.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        people = list(page.object_list)
        context.update(_results(request, people, person_rows(visible, people), page))
        exporting = policy.visible(viewer, PERSON, action=policy.Action.EXPORT, purpose=purpose)
        if exporting.grants.for_action(policy.Action.EXPORT) and page.paginator.count:
            context["export_url"] = f"{reverse('people:export')}?{_kept_query(request)}"
        policy.log_listed(viewer, PERSON, people, purpose=purpose)
    return render(request, "people/search.html", context)


def _best_matches(viewer: policy.Viewer, form: SearchForm, purpose: Purpose) -> dict[str, Any]:
    """The golden records that best fit everything typed, typos and all, best first."""
    try:
        ranked = rank_people(
            viewer,
            name=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["born_on"],
            postcode=form.cleaned_data["postcode"],
            address=form.cleaned_data["address"],
            limit=BEST_MATCHES,
            purpose=purpose,
        )
    except InvalidInputError as error:
        add_service_errors(
            form,
            error,
            {"#/name": "q", "#/date_of_birth": "born_on"},
        )
        return {}
    people = [row.person for row in ranked]
    fields = {row.person.pk: row.fields for row in ranked}
    addresses = load_related(people, fields)
    rows = [
        {"id": row.person.pk, **person_fields(row.person, row.fields, addresses=addresses)}
        for row in ranked
    ]
    shown = set().union(*(row.keys() for row in rows)) if rows else set()
    columns = [(name, label) for name, label in TABLE_COLUMNS[:2] if name in shown]
    best = [
        {
            "url": reverse("people:person", args=[row["id"]]),
            "name": _name(row),
            "cells": [
                {"shared": name in row, "text": _display(name, row.get(name))}
                for name, _label in columns
            ],
            "fit": percent(ranked_row.probability),
        }
        for row, ranked_row in zip(rows, ranked, strict=True)
    ]
    policy.log_listed(viewer, PERSON, people, purpose=purpose)
    return {"ranked": True, "best": best, "best_columns": columns}


def _kept_query(request: HttpRequest, **changes: Any) -> str:
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    kept.update({key: value for key, value in changes.items() if value})
    return urlencode(kept)


def _results(
    request: HttpRequest, people: list[Any], rows: list[dict[str, Any]], page: Any
) -> dict[str, Any]:
    shown = set().union(*(row.keys() for row in rows)) if rows else set()
    columns = [(name, label) for name, label in TABLE_COLUMNS if name in shown]
    table = []
    for row in rows:
        name = _name(row)
        table.append(
            {
                "url": reverse("people:person", args=[row["id"]]),
                "name": name,
                "cells": [
                    {"shared": name_ in row, "text": _display(name_, row.get(name_))}
                    for name_, _label in columns
                ],
            }
        )
    count = page.paginator.count
    return {
        "searched": True,
        "count": count,
        "columns": columns,
        "table": table,
        "pagination": pagination(request, page),
    }


@people_page
@require_http_methods(["GET"])
def export(request: HttpRequest, user: User) -> HttpResponseBase:
    form = SearchForm(request.GET)
    # The export is of the list of names: a search by postcode or address alone has none.
    if not form.is_valid() or not form.lists_names:
        return redirect(f"{reverse('people:search')}?{request.GET.urlencode()}")
    try:
        found = export_people(
            user,
            text=form.cleaned_data["q"],
            born_on=form.cleaned_data["born_on"],
            purpose=current_purpose(request),
        )
    except PermissionDeniedError as refusal:
        raise PermissionDenied(refusal.detail) from refusal
    return csv_download(found)


@people_page
@require_http_methods(["GET", "POST"])
def purpose(request: HttpRequest, user: User) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    # Only back to one of these pages: never anywhere a crafted link names.
    if not next_url.startswith("/people/") or next_url.startswith("//"):
        next_url = reverse("people:search")
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            request.session[PURPOSE_SESSION_KEY] = form.cleaned_data["purpose"]
            return redirect(next_url)
    else:
        form = PurposeForm(initial={"purpose": current_purpose(request)})
    return render(request, "people/purpose.html", {"form": form, "next_url": next_url})


def _refused(
    request: HttpRequest, person_id: UUID, error: policy.AccessRefusedError
) -> HttpResponse:
    context = {
        "person_id": person_id,
        "explanation": error.decision.explanation,
        "can_break_glass": error.decision.can_break_glass,
        **purpose_context(request),
    }
    return render(request, "people/refused.html", context, status=403)


def _read(
    request: HttpRequest, viewer: policy.Viewer, person_id: UUID
) -> tuple[Any, policy.Decision] | HttpResponse:
    """The person if the policy allows, or the page that says no (404 alike for the unknown)."""
    try:
        person, decision = policy.read(viewer, PERSON, person_id, purpose=current_purpose(request))
    except policy.RecordNotFoundError:
        return not_found(request)
    except policy.AccessRefusedError as refusal:
        return _refused(request, person_id, refusal)
    return person, decision


@people_page
@require_http_methods(["GET"])
def person(request: HttpRequest, user: User, person_id: UUID) -> HttpResponse:
    viewer = policy.viewer_for(user)
    survivor = survivor_of(person_id)
    if survivor is not None:
        moved = retired_page(request, viewer, person_id, survivor)
        if moved is not None:
            return moved
        # Refused as the survivor would be, and logged against it.
        person_id = survivor
    found = _read(request, viewer, person_id)
    if isinstance(found, HttpResponse):
        return found
    record, decision = found
    values = person_record(record, decision.fields)
    context: dict[str, Any] = {
        "person_id": record.pk,
        "name": _name(values),
        "summary": [
            {"label": label, "text": _display(name, values[name])}
            for name, label in SUMMARY_ROWS
            if name in values
        ],
        "shows_involvements": "involvements" in values,
        "involvements": [
            {**item, "started": _uk_date(item["started_on"]), "ended": _uk_date(item["ended_on"])}
            for item in values.get("involvements", [])
        ],
        "explanation": decision.explanation,
        # A directory entry only: emergency access would open the rest.
        "emergency_access_url": (
            reverse("people:emergency-access", kwargs={"person_id": record.pk})
            if decision.can_break_glass
            else ""
        ),
        **purpose_context(request),
    }
    just_taken = request.session.pop(TAKEN_SESSION_KEY, None) == str(record.pk)
    if decision.break_glass_id is not None:
        grant = next(g for g in viewer.break_glass if g.pk == decision.break_glass_id)
        until = _uk_time(grant.expires_at)
        context["banner"] = (
            {
                "success": True,
                "heading": f"You have emergency access until {until}",
                "text": "The information governance team has been told and will review your "
                "reason.",
            }
            if just_taken
            else {"text": f"You are using emergency access to this record. It ends at {until}."}
        )
    if viewer.has(sharing.RECORD_CONSENT):
        context["consents"] = [_consent_row(c) for c in sharing.consents_for(record.pk)]
        context["may_record_consent"] = True
    if viewer.has(MANAGE_RESTRICTIONS):
        context["restrict_url"] = (
            f"/access/restrictions/new?{urlencode({'kind': PERSON, 'record': record.pk})}"
        )
    if viewer.has(VIEW_ACCESS_LOG):
        context["access_log_url"] = f"/access/records/{PERSON}/{record.pk}"
    context.update(person_index_context(viewer, record, decision))
    panels = person_panels(request, viewer, record.pk, merged_ids(record), current_purpose(request))
    context["panels_above"] = [panel for panel in panels if panel.above]
    context["panels"] = [panel for panel in panels if not panel.above]
    return render(request, "people/person.html", context)


def _consent_row(consent: ConsentRecord) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "agreement": f"{consent.agreement.reference}: {consent.agreement.title}",
        "basis": consent.get_basis_display(),
        "given_by": consent.given_by,
        "given_at": _uk_date(timezone.localtime(consent.given_at)),
        "withdrawn": (
            f"{_uk_date(timezone.localtime(consent.ended_at))} by {consent.ended_by}"
            if consent.ended_at
            else ""
        ),
    }


@people_page
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest, user: User, person_id: UUID) -> HttpResponse:
    viewer = policy.viewer_for(user)
    purpose_now = current_purpose(request)
    decision = policy.why(viewer, PERSON, person_id, purpose=purpose_now)
    if decision.allowed and not decision.can_break_glass:
        return redirect("people:person", person_id=person_id)
    if not decision.can_break_glass:
        # Refused as the person page would refuse, and logged as it would be.
        found = _read(request, viewer, person_id)
        if isinstance(found, HttpResponse):
            return found
        # Allowed after all (a relationship began a moment ago): nothing to take.
        return redirect("people:person", person_id=person_id)
    durations = duration_choices()
    if request.method == "POST":
        form = EmergencyAccessForm(request.POST, durations=durations)
        if form.is_valid():
            try:
                take_emergency_access(
                    user,
                    PERSON,
                    person_id,
                    reason=form.cleaned_data["reason"],
                    purpose=Purpose(form.cleaned_data["purpose"]),
                    minutes=form.cleaned_data["minutes"],
                )
            except InvalidInputError as error:
                add_service_errors(form, error)
            except ConflictError:
                return redirect("people:person", person_id=person_id)
            except NotFoundError:
                return not_found(request)
            else:
                request.session[TAKEN_SESSION_KEY] = str(person_id)
                return redirect("people:person", person_id=person_id)
    else:
        form = EmergencyAccessForm(
            initial={"purpose": purpose_now, "minutes": str(durations[0])}, durations=durations
        )
    context = {"form": form, "person_id": person_id, **purpose_context(request)}
    return render(request, "people/emergency_access.html", context)


def _agreements_in_force() -> Any:
    return (
        DataSharingAgreement.objects.in_force(timezone.localdate())
        .filter(shared_fields__has_key=PERSON)
        .order_by("reference")
    )


def _consent_page(
    request: HttpRequest, user: User, person_id: UUID
) -> tuple[policy.Viewer, Any] | HttpResponse:
    """The person for a consent page: needs people.record_consent and leave to see them."""
    viewer = policy.viewer_for(user)
    if not viewer.has(sharing.RECORD_CONSENT):
        raise PermissionDenied("None of your roles lets you record consent.")
    found = _read(request, viewer, person_id)
    if isinstance(found, HttpResponse):
        return found
    return viewer, found[0]


@people_page
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, user: User, person_id: UUID) -> HttpResponse:
    found = _consent_page(request, user, person_id)
    if isinstance(found, HttpResponse):
        return found
    _viewer, record = found
    agreements = _agreements_in_force()
    form = ConsentForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.record_consent(
                by=user,
                person_id=record.pk,
                agreement=form.cleaned_data["agreement"],
                basis=form.cleaned_data["basis"],
                given_by=form.cleaned_data["given_by"],
                notes=form.cleaned_data["notes"],
            )
        except InvalidInputError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("people:person", args=[record.pk]) + "#sharing")
    context = {"form": form, "person_id": record.pk, "has_agreements": agreements.exists()}
    return render(request, "people/consent_new.html", {**context, **purpose_context(request)})


@people_page
@require_http_methods(["GET", "POST"])
def consent_withdraw(
    request: HttpRequest, user: User, person_id: UUID, consent_id: UUID
) -> HttpResponse:
    found = _consent_page(request, user, person_id)
    if isinstance(found, HttpResponse):
        return found
    _viewer, record = found
    consent = (
        ConsentRecord.objects.select_related("agreement")
        .filter(pk=consent_id, person_id=record.pk, ended_at__isnull=True)
        .first()
    )
    if consent is None:
        return not_found(request)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Withdrawn meanwhile by someone else: the person page shows it withdrawn either way.
        with contextlib.suppress(ConflictError):
            sharing.withdraw_consent(
                consent, by=user, withdrawn_by=form.cleaned_data["withdrawn_by"]
            )
        return redirect(reverse("people:person", args=[record.pk]) + "#sharing")
    context = {"form": form, "person_id": record.pk, "consent": _consent_row(consent)}
    return render(request, "people/consent_withdraw.html", {**context, **purpose_context(request)})
