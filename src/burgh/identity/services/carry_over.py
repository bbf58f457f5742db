"""Restrictions and consents follow a merged record to its survivor, and back on an unmerge.

When the person index merges two records of one resident, the retired id's live restriction
and consents must also govern the survivor, which now holds its data: a restriction is
copied (or, if the survivor is restricted already, only people named on both keep sight) and
live consents are copied. Nothing on the retired id is ended, and an unmerge undoes exactly
what was carried.
"""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError
from burgh.identity.models import ConsentRecord, RecordRestriction, User


def _live_restriction(kind: str, record_id: UUID) -> RecordRestriction | None:
    return (
        RecordRestriction.objects.select_for_update()
        .filter(kind=kind, record_id=record_id, lifted_at__isnull=True)
        .first()
    )


def carry_over(
    *, kind: str, retired_id: UUID, survivor_id: UUID, actor: User | None = None
) -> dict[str, Any]:
    """Make the retired record's restriction and consents apply to the survivor too.

    Call inside the merge's transaction. Returns what was carried, for `undo_carry_over`.
    Refused (ConflictError) when both records are restricted and nobody is named on both:
    the merged record would be visible to no one, so the restrictions must be settled first.
    """
    carried: dict[str, Any] = {"restriction_created": None, "narrowed": None, "consents": []}
    retired_restriction = _live_restriction(kind, retired_id)
    if retired_restriction is not None:
        named = set(retired_restriction.named_users.values_list("pk", flat=True))
        survivor_restriction = _live_restriction(kind, survivor_id)
        if survivor_restriction is None:
            created = RecordRestriction.objects.create(
                kind=kind,
                record_id=survivor_id,
                category=retired_restriction.category,
                reason=(
                    f"Carried over from merged record {retired_id}: {retired_restriction.reason}"
                ),
                restricted_by=retired_restriction.restricted_by,
                review_every_months=retired_restriction.review_every_months,
                review_on=retired_restriction.review_on,
            )
            created.named_users.set(list(named))
            carried["restriction_created"] = str(created.pk)
            record_change(
                created,
                "carried_over",
                {"kind": kind, "record": str(survivor_id), "from": str(retired_id)},
                actor=actor,
            )
        else:
            before = set(survivor_restriction.named_users.values_list("pk", flat=True))
            kept = before & named
            if not kept:
                raise ConflictError(
                    "Both records are restricted and nobody is named on both restrictions, so "
                    "nobody could see the merged record: change the people named first."
                )
            if kept != before:
                survivor_restriction.named_users.set(list(kept))
                survivor_restriction.version += 1
                survivor_restriction.save(update_fields=["version", "updated_at"])
                carried["narrowed"] = {
                    "restriction": str(survivor_restriction.pk),
                    "removed": sorted(str(pk) for pk in before - kept),
                }
                record_change(
                    survivor_restriction,
                    "named_users_changed",
                    {
                        "from": sorted(str(pk) for pk in before),
                        "to": sorted(str(pk) for pk in kept),
                        "because": f"merged with restricted record {retired_id}",
                    },
                    actor=actor,
                )
    held = set(
        ConsentRecord.objects.filter(person_id=survivor_id, ended_at__isnull=True).values_list(
            "agreement_id", "basis"
        )
    )
    for consent in ConsentRecord.objects.filter(person_id=retired_id, ended_at__isnull=True):
        if (consent.agreement_id, consent.basis) in held:
            continue
        copy = ConsentRecord.objects.create(
            person_id=survivor_id,
            agreement_id=consent.agreement_id,
            basis=consent.basis,
            purpose=consent.purpose,
            given_by=consent.given_by,
            given_at=consent.given_at,
            recorded_by=consent.recorded_by,
            notes=f"Carried over from merged record {retired_id}. {consent.notes}".strip(),
        )
        carried["consents"].append(str(copy.pk))
        record_change(
            copy,
            "carried_over",
            {"person": str(survivor_id), "from": str(retired_id), "consent": str(consent.pk)},
            actor=actor,
        )
    return carried


def undo_carry_over(carried: Mapping[str, Any], *, actor: User | None = None) -> None:
    """Take back what `carry_over` gave the survivor when the merge is undone."""
    now = timezone.now()
    if carried.get("restriction_created"):
        restriction = RecordRestriction.objects.filter(
            pk=carried["restriction_created"], lifted_at__isnull=True
        ).first()
        if restriction is not None:
            restriction.lifted_at = now
            restriction.lifted_by = actor
            restriction.lift_reason = "The merge that carried this restriction over was undone."
            restriction.version += 1
            restriction.save()
            record_change(restriction, "lifted", {"reason": restriction.lift_reason}, actor=actor)
    narrowed = carried.get("narrowed")
    if narrowed:
        restriction = RecordRestriction.objects.filter(
            pk=narrowed["restriction"], lifted_at__isnull=True
        ).first()
        if restriction is not None:
            # Those the merge took off get their sight back; later changes to the list stand.
            current = {str(pk) for pk in restriction.named_users.values_list("pk", flat=True)}
            restored = User.objects.filter(pk__in=narrowed["removed"], is_active=True)
            restriction.named_users.add(*restored)
            after = current | {str(user.pk) for user in restored}
            restriction.version += 1
            restriction.save(update_fields=["version", "updated_at"])
            record_change(
                restriction,
                "named_users_changed",
                {"from": sorted(current), "to": sorted(after), "because": "a merge was undone"},
                actor=actor,
            )
    for consent in ConsentRecord.objects.filter(
        pk__in=carried.get("consents", []), ended_at__isnull=True
    ):
        consent.ended_at = now
        consent.ended_by = "the merge that carried it over was undone"
        consent.end_recorded_by = actor
        consent.version += 1
        consent.save()
        record_change(
            consent,
            "withdrawn",
            {"person": str(consent.person_id), "because": "merge undone"},
            actor=actor,
        )
