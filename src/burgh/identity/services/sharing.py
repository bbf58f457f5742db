"""Data-sharing agreements and the consent or other lawful basis recorded for each resident."""

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import (
    ConsentRecord,
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    Purpose,
    User,
)
from burgh.identity.permissions import has_permission

MANAGE_SHARING_AGREEMENTS = "governance.manage_sharing_agreements"
RECORD_CONSENT = "people.record_consent"


def _require(user: User, permission: str, what: str) -> None:
    if not has_permission(user, permission):
        raise PermissionDeniedError(f"None of your roles lets you {what}.")


def _checked_fields(shared_fields: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    errors: list[dict[str, str]] = []
    cleaned: dict[str, list[str]] = {}
    if not shared_fields:
        errors.append({"pointer": "#/shared_fields", "detail": "Choose at least one record kind."})
    for name, fields in shared_fields.items():
        try:
            kind = policy.get(name)
        except LookupError:
            errors.append(
                {"pointer": f"#/shared_fields/{name}", "detail": f"No record kind {name}."}
            )
            continue
        unknown = sorted(set(fields) - set(kind.fields))
        if unknown:
            errors.append(
                {
                    "pointer": f"#/shared_fields/{name}",
                    "detail": f"{kind.label.capitalize()}s have no field {', '.join(unknown)}.",
                }
            )
        elif not fields:
            errors.append(
                {"pointer": f"#/shared_fields/{name}", "detail": "Choose at least one field."}
            )
        cleaned[name] = [field for field in kind.fields if field in set(fields)]
    if errors:
        raise InvalidInputError("The agreement's shared records are not right.", errors=errors)
    return cleaned


def _check_dates(starts_on: date, ends_on: date | None, review_on: date) -> None:
    errors = []
    if ends_on is not None and ends_on < starts_on:
        errors.append(
            {"pointer": "#/ends_on", "detail": "The end date must be on or after the start date."}
        )
    if review_on < starts_on:
        errors.append(
            {
                "pointer": "#/review_on",
                "detail": "The review date must be on or after the start date.",
            }
        )
    if errors:
        raise InvalidInputError("The agreement's dates are not right.", errors=errors)


def _check_parties(partners: Collection[Organisation], officer: User) -> None:
    errors = []
    if not partners:
        errors.append(
            {"pointer": "#/partners", "detail": "Choose at least one partner organisation."}
        )
    if any(p.kind == Organisation.Kind.COUNCIL for p in partners):
        errors.append(
            {"pointer": "#/partners", "detail": "The council is the controller, not a partner."}
        )
    if officer.organisation is None or officer.organisation.kind != Organisation.Kind.COUNCIL:
        errors.append(
            {
                "pointer": "#/responsible_officer",
                "detail": "The responsible officer must be council staff.",
            }
        )
    if errors:
        raise InvalidInputError("The agreement's parties are not right.", errors=errors)


def create_agreement(
    *,
    by: User,
    reference: str,
    title: str,
    partners: Collection[Organisation],
    purpose: Purpose,
    lawful_basis: LawfulBasis,
    shared_fields: Mapping[str, Sequence[str]],
    starts_on: date,
    review_on: date,
    responsible_officer: User,
    ends_on: date | None = None,
    description: str = "",
) -> DataSharingAgreement:
    """Add an agreement to the register; it shares records from its start date."""
    _require(by, MANAGE_SHARING_AGREEMENTS, "manage data-sharing agreements")
    fields = _checked_fields(shared_fields)
    _check_dates(starts_on, ends_on, review_on)
    _check_parties(partners, responsible_officer)
    reference = reference.strip()
    if DataSharingAgreement.objects.filter(reference__iexact=reference).exists():
        raise ConflictError(f"An agreement with reference {reference} is already registered.")
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.create(
            reference=reference,
            title=title.strip(),
            description=description.strip(),
            purpose=purpose,
            lawful_basis=lawful_basis,
            shared_fields=fields,
            starts_on=starts_on,
            ends_on=ends_on,
            review_on=review_on,
            responsible_officer=responsible_officer,
        )
        agreement.partners.set(partners)
        record_change(agreement, "created", _snapshot(agreement), actor=by)
    return agreement


def update_agreement(
    agreement: DataSharingAgreement, *, by: User, changes: Mapping[str, Any]
) -> DataSharingAgreement:
    """Change an agreement's terms; a partner's access follows on its next request."""
    _require(by, MANAGE_SHARING_AGREEMENTS, "manage data-sharing agreements")
    if agreement.terminated_at is not None:
        raise ConflictError(f"Agreement {agreement.reference} has ended and cannot be changed.")
    before = _snapshot(agreement)
    partners = changes.get("partners")
    for name in (
        "title",
        "description",
        "purpose",
        "lawful_basis",
        "starts_on",
        "ends_on",
        "review_on",
        "responsible_officer",
    ):
        if name in changes:
            setattr(agreement, name, changes[name])
    if "shared_fields" in changes:
        agreement.shared_fields = _checked_fields(changes["shared_fields"])
    _check_dates(agreement.starts_on, agreement.ends_on, agreement.review_on)
    _check_parties(
        list(partners) if partners is not None else list(agreement.partners.all()),
        agreement.responsible_officer,
    )
    with transaction.atomic():
        agreement.version += 1
        agreement.save()
        if partners is not None:
            agreement.partners.set(partners)
        after = _snapshot(agreement)
        changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
        record_change(agreement, "updated", {"changes": changed}, actor=by)
    return agreement


def terminate_agreement(agreement: DataSharingAgreement, *, by: User, reason: str) -> None:
    """End an agreement now: partners lose access under it on their very next request."""
    _require(by, MANAGE_SHARING_AGREEMENTS, "manage data-sharing agreements")
    if not reason.strip():
        raise InvalidInputError(
            "Say why the agreement is ending.",
            errors=[{"pointer": "#/reason", "detail": "Enter the reason the agreement is ending."}],
        )
    with transaction.atomic():
        locked = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.terminated_at is not None:
            raise ConflictError(f"Agreement {agreement.reference} has already ended.")
        locked.terminated_at = timezone.now()
        locked.termination_reason = reason.strip()
        locked.version += 1
        locked.save(update_fields=["terminated_at", "termination_reason", "version", "updated_at"])
        record_change(locked, "terminated", {"reason": locked.termination_reason}, actor=by)
    agreement.refresh_from_db()


def _snapshot(agreement: DataSharingAgreement) -> dict[str, Any]:
    return {
        "reference": agreement.reference,
        "title": agreement.title,
        "purpose": agreement.purpose,
        "lawful_basis": agreement.lawful_basis,
        "shared_fields": agreement.shared_fields,
        "partners": sorted(str(p) for p in agreement.partners.all()) if agreement.pk else [],
        "starts_on": str(agreement.starts_on),
        "ends_on": str(agreement.ends_on) if agreement.ends_on else None,
        "review_on": str(agreement.review_on),
        "responsible_officer": str(agreement.responsible_officer_id),
    }


def record_consent(
    *,
    by: User,
    person_id: UUID,
    agreement: DataSharingAgreement,
    basis: LawfulBasis = LawfulBasis.CONSENT,
    given_by: str = "the resident",
    notes: str = "",
) -> ConsentRecord:
    """Record a resident's consent, or another lawful basis, for sharing under an agreement."""
    _require(by, RECORD_CONSENT, "record consent")
    if not given_by.strip():
        raise InvalidInputError(
            "Say who gave consent.",
            errors=[{"pointer": "#/given_by", "detail": "Enter who gave consent."}],
        )
    if basis != LawfulBasis.CONSENT and not notes.strip():
        raise InvalidInputError(
            "Say why this lawful basis applies.",
            errors=[
                {
                    "pointer": "#/notes",
                    "detail": "Explain why this lawful basis applies to this person.",
                }
            ],
        )
    with transaction.atomic():
        consent = ConsentRecord.objects.create(
            person_id=person_id,
            agreement=agreement,
            basis=basis,
            purpose=agreement.purpose,
            given_by=given_by.strip(),
            recorded_by=by,
            notes=notes.strip(),
        )
        record_change(
            consent,
            "given",
            {
                "person": str(person_id),
                "agreement": agreement.reference,
                "basis": basis,
                "given_by": consent.given_by,
            },
            actor=by,
        )
    return consent


def withdraw_consent(
    consent: ConsentRecord, *, by: User, withdrawn_by: str = "the resident"
) -> None:
    """End a consent (or other basis) now: sharing that relied on it stops on the next request."""
    _require(by, RECORD_CONSENT, "record consent")
    with transaction.atomic():
        locked = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if locked.ended_at is not None:
            raise ConflictError("This consent has already been withdrawn.")
        locked.ended_at = timezone.now()
        locked.ended_by = withdrawn_by.strip() or "the resident"
        locked.end_recorded_by = by
        locked.version += 1
        locked.save()
        record_change(
            locked,
            "withdrawn",
            {
                "person": str(locked.person_id),
                "agreement": locked.agreement.reference,
                "withdrawn_by": locked.ended_by,
            },
            actor=by,
        )
    consent.refresh_from_db()


def consents_for(person_id: UUID) -> list[ConsentRecord]:
    """Every consent and basis recorded for a resident, newest first, withdrawn ones included."""
    return list(
        ConsentRecord.objects.filter(person_id=person_id).select_related(
            "agreement", "recorded_by", "end_recorded_by"
        )
    )
