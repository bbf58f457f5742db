"""The data-sharing agreements register: list, add, change, read and terminate agreements."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from burgh.core.errors import BurghError, ConflictError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.access_forms import (
    AgreementForm,
    TerminateAgreementForm,
    field_label,
    shared_field_name,
)
from burgh.identity.access_views.common import (
    MANAGE_SHARING_AGREEMENTS,
    add_service_errors,
    governance_page,
)
from burgh.identity.models import DataSharingAgreement, LawfulBasis, Purpose, User
from burgh.identity.services import sharing


@dataclass(frozen=True)
class Status:
    text: str
    tag: str
    review_overdue: bool


def agreement_status(agreement: DataSharingAgreement, day: date) -> Status:
    """Where an agreement stands today, as the register shows it."""
    if agreement.terminated_at is not None:
        return Status("Terminated", "govuk-tag--grey", False)
    if agreement.ends_on is not None and agreement.ends_on < day:
        return Status("Ended", "govuk-tag--grey", False)
    overdue = agreement.review_on < day
    if agreement.starts_on > day:
        return Status("Not started", "govuk-tag--yellow", overdue)
    return Status("In force", "govuk-tag--green", overdue)


def _pointers(form: AgreementForm) -> dict[str, str]:
    """The sharing service's error pointers as this form's fields."""
    pointers = {f"#/shared_fields/{kind.name}": shared_field_name(kind) for kind in form.kinds}
    if form.kinds:
        pointers["#/shared_fields"] = shared_field_name(form.kinds[0])
    return pointers


def _refuse(form: AgreementForm, error: BurghError) -> None:
    if isinstance(error, PermissionDeniedError):
        raise PermissionDenied(error.detail)
    if isinstance(error, ConflictError) and "reference" in form.fields:
        add_service_errors(form, error, default="reference")
    else:
        add_service_errors(form, error, _pointers(form))


@governance_page(MANAGE_SHARING_AGREEMENTS)
def agreements(request: HttpRequest, user: User) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        {"agreement": agreement, "status": agreement_status(agreement, today)}
        for agreement in DataSharingAgreement.objects.select_related(
            "responsible_officer"
        ).prefetch_related("partners")
    ]
    return render(request, "access/agreements.html", {"rows": rows})


def _form_page(
    request: HttpRequest, form: AgreementForm, agreement: DataSharingAgreement | None
) -> HttpResponse:
    return render(
        request,
        "access/agreement_form.html",
        {"form": form, "agreement": agreement},
    )


@governance_page(MANAGE_SHARING_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, user: User) -> HttpResponse:
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = sharing.create_agreement(
                by=user,
                reference=data["reference"],
                title=data["title"],
                description=data["description"],
                partners=list(data["partners"]),
                purpose=Purpose(data["purpose"]),
                lawful_basis=LawfulBasis(data["lawful_basis"]),
                shared_fields=form.shared_fields(),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                review_on=data["review_on"],
                responsible_officer=data["responsible_officer"],
            )
        except BurghError as error:
            _refuse(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} is on the register.")
            return redirect("access:agreement", agreement.pk)
    return _form_page(request, form, None)


@governance_page(MANAGE_SHARING_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, user: User, agreement_id: uuid.UUID) -> HttpResponse:
    agreement = get_object_or_404(DataSharingAgreement, pk=agreement_id)
    if agreement.terminated_at is not None:
        messages.info(request, f"Agreement {agreement.reference} has ended and cannot be changed.")
        return redirect("access:agreement", agreement.pk)
    initial = AgreementForm.initial_for(agreement)
    form = AgreementForm(request.POST or None, editing=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("version") != agreement.version:
            # Keep what this person typed, but against the current version: saving again
            # is then a choice made knowing someone else changed the agreement meanwhile.
            posted = request.POST.copy()
            posted["version"] = str(agreement.version)
            form = AgreementForm(posted, editing=agreement, initial=initial)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this agreement while you were editing it. Check the "
                "register entry, then save your changes again if they are still right",
            )
            return _form_page(request, form, agreement)
        try:
            sharing.update_agreement(
                agreement,
                by=user,
                changes={
                    "title": data["title"].strip(),
                    "description": data["description"].strip(),
                    "partners": list(data["partners"]),
                    "purpose": Purpose(data["purpose"]),
                    "lawful_basis": LawfulBasis(data["lawful_basis"]),
                    "shared_fields": form.shared_fields(),
                    "starts_on": data["starts_on"],
                    "ends_on": data["ends_on"],
                    "review_on": data["review_on"],
                    "responsible_officer": data["responsible_officer"],
                },
            )
        except BurghError as error:
            _refuse(form, error)
            agreement.refresh_from_db()
        else:
            messages.success(request, f"Agreement {agreement.reference} has been changed.")
            return redirect("access:agreement", agreement.pk)
    return _form_page(request, form, agreement)


def shared_summary(agreement: DataSharingAgreement) -> list[dict[str, Any]]:
    """Each record kind the agreement shares, and its fields, in words."""
    rows = []
    for name, fields in sorted(agreement.shared_fields.items()):
        try:
            label = policy.get(name).label.capitalize() + "s"
        except LookupError:
            label = name
        rows.append({"kind": label, "fields": [field_label(field) for field in fields]})
    return rows


@governance_page(MANAGE_SHARING_AGREEMENTS)
def agreement(request: HttpRequest, user: User, agreement_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(
        DataSharingAgreement.objects.select_related("responsible_officer").annotate(
            consents_recorded=Count("consents"),
            consents_current=Count("consents", filter=Q(consents__ended_at__isnull=True)),
        ),
        pk=agreement_id,
    )
    context = {
        "agreement": found,
        "status": agreement_status(found, timezone.localdate()),
        "partners": list(found.partners.order_by("name")),
        "shared": shared_summary(found),
    }
    return render(request, "access/agreement.html", context)


@governance_page(MANAGE_SHARING_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_terminate(request: HttpRequest, user: User, agreement_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(DataSharingAgreement, pk=agreement_id)
    if found.terminated_at is not None:
        messages.info(request, f"Agreement {found.reference} has already ended.")
        return redirect("access:agreement", found.pk)
    form = TerminateAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.terminate_agreement(found, by=user, reason=form.cleaned_data["reason"])
        except PermissionDeniedError as error:
            raise PermissionDenied(error.detail) from None
        except BurghError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Agreement {found.reference} has been terminated. Partners no longer see "
                "records under it.",
            )
            return redirect("access:agreement", found.pk)
    partners = list(found.partners.order_by("name"))
    return render(
        request,
        "access/agreement_terminate.html",
        {"agreement": found, "form": form, "partners": partners},
    )
