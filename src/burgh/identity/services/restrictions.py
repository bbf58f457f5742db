"""Restricted records: only the named people see them, and the restriction is reviewed regularly."""

import calendar
from collections.abc import Collection
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Organisation, RecordRestriction, User
from burgh.identity.permissions import has_permission

MANAGE_RESTRICTIONS = "governance.manage_restrictions"


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _require(user: User) -> None:
    if not has_permission(user, MANAGE_RESTRICTIONS):
        raise PermissionDeniedError("None of your roles lets you restrict records.")


def _checked_names(named: Collection[User]) -> list[User]:
    errors = []
    if not named:
        errors.append(
            {
                "pointer": "#/named_users",
                "detail": "Name at least one person who may see the record.",
            }
        )
    outsiders = [
        u
        for u in named
        if u.organisation is None or u.organisation.kind != Organisation.Kind.COUNCIL
    ]
    if outsiders:
        errors.append(
            {
                "pointer": "#/named_users",
                "detail": "Only council staff can be named: "
                + ", ".join(u.email for u in outsiders),
            }
        )
    if errors:
        raise InvalidInputError("The people named on the restriction are not right.", errors=errors)
    return list(named)


def restrict_record(
    *,
    by: User,
    kind: str,
    record_id: Any,
    category: RecordRestriction.Category,
    reason: str,
    named_users: Collection[User],
    review_every_months: int = 6,
) -> RecordRestriction:
    """Restrict a record to the named users; everybody else stops seeing it at once."""
    _require(by)
    record_kind = policy.get(kind)
    if not record_kind.model._default_manager.filter(pk=record_id).exists():
        raise InvalidInputError(f"There is no {record_kind.label} with id {record_id}.")
    if not reason.strip():
        raise InvalidInputError(
            "Say why the record is restricted.",
            errors=[{"pointer": "#/reason", "detail": "Enter why the record is restricted."}],
        )
    if not 1 <= review_every_months <= 24:
        raise InvalidInputError(
            "Review the restriction at least every 24 months.",
            errors=[
                {
                    "pointer": "#/review_every_months",
                    "detail": "Enter a number of months from 1 to 24.",
                }
            ],
        )
    named = _checked_names(named_users)
    try:
        with transaction.atomic():
            restriction = RecordRestriction.objects.create(
                kind=record_kind.name,
                record_id=record_id,
                category=category,
                reason=reason.strip(),
                restricted_by=by,
                review_every_months=review_every_months,
                review_on=months_after(timezone.localdate(), review_every_months),
            )
            restriction.named_users.set(named)
            record_change(
                restriction,
                "created",
                {
                    "kind": record_kind.name,
                    "record": str(record_id),
                    "category": category,
                    "named_users": sorted(str(u.pk) for u in named),
                },
                actor=by,
            )
    except IntegrityError:
        raise ConflictError(
            "The record is already restricted; change the people named instead."
        ) from None
    return restriction


def set_named_users(
    restriction: RecordRestriction, *, by: User, named_users: Collection[User]
) -> None:
    """Replace the people named on a restriction; those taken off lose sight at once."""
    _require(by)
    _live(restriction)
    named = _checked_names(named_users)
    with transaction.atomic():
        before = sorted(str(pk) for pk in restriction.named_users.values_list("pk", flat=True))
        restriction.named_users.set(named)
        restriction.version += 1
        restriction.save(update_fields=["version", "updated_at"])
        record_change(
            restriction,
            "named_users_changed",
            {"from": before, "to": sorted(str(u.pk) for u in named)},
            actor=by,
        )


def review_restriction(restriction: RecordRestriction, *, by: User, notes: str = "") -> date:
    """Confirm a restriction is still needed; the next review falls one period later."""
    _require(by)
    _live(restriction)
    with transaction.atomic():
        restriction.review_on = months_after(timezone.localdate(), restriction.review_every_months)
        restriction.version += 1
        restriction.save(update_fields=["review_on", "version", "updated_at"])
        record_change(
            restriction,
            "reviewed",
            {"next_review": str(restriction.review_on), "notes": notes},
            actor=by,
        )
    return restriction.review_on


def lift_restriction(restriction: RecordRestriction, *, by: User, reason: str) -> None:
    """Lift a restriction: the record is seen under the ordinary rules from the next request."""
    _require(by)
    _live(restriction)
    if not reason.strip():
        raise InvalidInputError(
            "Say why the restriction is lifted.",
            errors=[{"pointer": "#/reason", "detail": "Enter why the restriction is lifted."}],
        )
    with transaction.atomic():
        restriction.lifted_at = timezone.now()
        restriction.lifted_by = by
        restriction.lift_reason = reason.strip()
        restriction.version += 1
        restriction.save()
        record_change(restriction, "lifted", {"reason": restriction.lift_reason}, actor=by)


def _live(restriction: RecordRestriction) -> None:
    if restriction.lifted_at is not None:
        raise ConflictError("This restriction has been lifted.")


def restriction_on(kind: str, record_id: Any) -> RecordRestriction | None:
    """The live restriction on a record, if any (for the people who manage restrictions)."""
    return (
        RecordRestriction.objects.filter(kind=kind, record_id=record_id, lifted_at__isnull=True)
        .prefetch_related("named_users")
        .first()
    )
