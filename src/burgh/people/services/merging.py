"""Merge, unmerge and moving one record: who is who, changed by hand and undone exactly.

A merge keeps the survivor's id and leaves the other pointing at it, so every old reference
still finds the resident. What the merge moved (records, involvements, homes, relationships,
overrides) and what it carried over (restrictions, consents) is written in its lineage, so an
unmerge puts back exactly that. Each records a steward label that later relinks honour.
"""

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity.services.carry_over import carry_over, undo_carry_over
from burgh.people.access import PERSON
from burgh.people.models import (
    AttributeOverride,
    FamilyRelationship,
    HouseholdMember,
    Involvement,
    Lineage,
    LinkLabel,
    MatchReview,
    Person,
    SourceRecord,
)
from burgh.people.services.golden import (
    MANAGE_SOURCE_RECORDS,
    announce_update,
    apply_golden,
    follow_uprn,
    refresh_person,
    require,
    require_current,
)
from burgh.people.services.sources import Actor, move_blocking_keys, records_of

MERGE_PEOPLE = "people.merge_people"
# Redirects are followed this far; a longer chain means something is wrong, not a resident.
MAX_REDIRECTS = 50


def pair_key(a: UUID, b: UUID) -> str:
    return "-".join(sorted((str(a), str(b))))


def label_pair(
    a: UUID, b: UUID, *, same: bool, actor: Actor, review: MatchReview | None = None
) -> LinkLabel:
    """A steward's word on two records; for a pair labelled again, the latest counts."""
    return LinkLabel.objects.create(
        record_a_id=a,
        record_b_id=b,
        pair_key=pair_key(a, b),
        same=same,
        decided_by=actor,
        review=review,
    )


def current_person(person_id: Any) -> Person:
    """The person an id stands for now, following merge redirects (DoesNotExist if none)."""
    try:
        person = Person.objects.get(pk=person_id)
    except (ValidationError, ValueError, TypeError):
        raise Person.DoesNotExist(f"No person has id {person_id!r}.") from None
    for _hop in range(MAX_REDIRECTS):
        if person.merged_into_id is None:
            return person
        person = Person.objects.get(pk=person.merged_into_id)
    raise Person.DoesNotExist(f"Person {person_id} redirects more than {MAX_REDIRECTS} times.")


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInputError(
            "Say why.", errors=[{"pointer": "#/reason", "detail": "Enter the reason."}]
        )
    return reason.strip()


def _lock(*people: Person) -> list[Person]:
    ids = sorted({person.pk for person in people}, key=str)
    locked = {row.pk: row for row in Person.objects.select_for_update().filter(pk__in=ids)}
    return [locked[person.pk] for person in people]


def _anchor(records: Sequence[SourceRecord]) -> SourceRecord | None:
    """The person's oldest record: the one labels tie a person by."""
    return records[0] if records else None


def absorb(
    survivor: Person,
    other: Person,
    *,
    kind: str,
    actor: Actor,
    reason: str,
    survivor_records: Sequence[SourceRecord] | None = None,
    label: bool = True,
) -> Lineage:
    """Move everything of `other` to `survivor` and retire `other` as a redirect to it.

    Both must be locked by the caller. Returns the lineage, listing what moved. A steward's
    merge (`label`) also labels the two people's oldest records the same person; a relink's
    does not, since its own judgement is not a steward's.
    """
    survivor_records = records_of([survivor.pk]) if survivor_records is None else survivor_records
    other_records = records_of([other.pk])
    moved_records = [record.pk for record in other_records]
    SourceRecord.objects.filter(pk__in=moved_records).update(
        person=survivor, updated_at=timezone.now()
    )
    move_blocking_keys(moved_records, survivor.pk)
    involvements = list(Involvement.objects.filter(person=other).values_list("pk", flat=True))
    Involvement.objects.filter(pk__in=involvements).update(person=survivor)
    # A home both already share stays on the retired id: the survivor has its own row there.
    shared = HouseholdMember.objects.filter(person=survivor).values("household_id")
    memberships = list(
        HouseholdMember.objects.filter(person=other)
        .exclude(household_id__in=shared)
        .values_list("pk", flat=True)
    )
    HouseholdMember.objects.filter(pk__in=memberships).update(person=survivor)
    # A tie between the two would become a tie with oneself: it stays with the retired id.
    as_person = list(
        FamilyRelationship.objects.filter(person=other)
        .exclude(relative=survivor)
        .values_list("pk", flat=True)
    )
    as_relative = list(
        FamilyRelationship.objects.filter(relative=other)
        .exclude(person=survivor)
        .values_list("pk", flat=True)
    )
    FamilyRelationship.objects.filter(pk__in=as_person).update(person=survivor)
    FamilyRelationship.objects.filter(pk__in=as_relative).update(relative=survivor)
    overridden = AttributeOverride.objects.filter(person=survivor, cleared_at__isnull=True)
    overrides = list(
        AttributeOverride.objects.filter(person=other, cleared_at__isnull=True)
        .exclude(field__in=overridden.values("field"))
        .values_list("pk", flat=True)
    )
    AttributeOverride.objects.filter(pk__in=overrides).update(person=survivor)
    carried = carry_over(kind=PERSON, retired_id=other.pk, survivor_id=survivor.pk, actor=actor)
    labelled: list[str] = []
    ours, theirs = _anchor(survivor_records), _anchor(other_records)
    if label and ours is not None and theirs is not None:
        label_pair(ours.pk, theirs.pk, same=True, actor=actor)
        labelled = [str(ours.pk), str(theirs.pk)]
    other.merged_into = survivor
    other.version += 1
    other.save(update_fields=["merged_into", "version", "updated_at"])
    return Lineage.objects.create(
        kind=kind,
        person=survivor,
        other=other,
        records={
            "records": [str(pk) for pk in moved_records],
            "involvements": [str(pk) for pk in involvements],
            "memberships": [str(pk) for pk in memberships],
            "relationships_as_person": [str(pk) for pk in as_person],
            "relationships_as_relative": [str(pk) for pk in as_relative],
            "overrides": [str(pk) for pk in overrides],
            "carried_over": carried,
            "label": labelled,
        },
        actor=actor,
        reason=reason,
    )


def _label_apart(restored: Sequence[UUID], kept: Sequence[UUID], *, actor: Actor) -> None:
    """Every "same" label tying a restored record to one the holder keeps becomes "not same",
    so that no later relink joins them again."""
    if not restored or not kept:
        return
    crossing = LinkLabel.objects.filter(
        Q(record_a_id__in=restored, record_b_id__in=kept)
        | Q(record_a_id__in=kept, record_b_id__in=restored)
    ).order_by("created_at", "id")
    latest: dict[str, tuple[UUID, UUID, bool]] = {}
    for a, b, key, same in crossing.values_list("record_a_id", "record_b_id", "pair_key", "same"):
        latest[key] = (a, b, same)
    for a, b, same in latest.values():
        if same:
            label_pair(a, b, same=False, actor=actor)


def merge_people(survivor: Person, other: Person, *, actor: Actor, reason: str) -> Lineage:
    """Merge `other` into `survivor`: one resident, the survivor's id, the other a redirect."""
    require(actor, MERGE_PEOPLE, "merge people")
    why = _reason(reason)
    if survivor.pk == other.pk:
        raise ConflictError("A person cannot be merged with themselves.")
    with transaction.atomic():
        survivor, other = _lock(survivor, other)
        require_current(survivor)
        require_current(other)
        lineage = absorb(survivor, other, kind=Lineage.Kind.MERGE, actor=actor, reason=why)
        changed, _joined = refresh_person(survivor)
        announce_merge(survivor, lineage, actor=actor, fields=sorted(changed))
    return lineage


def announce_merge(survivor: Person, lineage: Lineage, *, actor: Actor, **extra: Any) -> None:
    """The change record (and person.merged event) of a merge `lineage` into `survivor`."""
    detail = {
        "retired": str(lineage.other_id),
        "lineage": str(lineage.pk),
        "records": len(lineage.records["records"]),
        **extra,
    }
    record_change(survivor, "merged", detail, actor=actor)


def unmerge(lineage: Lineage, *, actor: Actor, reason: str) -> Lineage:
    """Undo a merge (or a relink's retirement): the retired id comes back with exactly the
    records, involvements, homes, relationships and overrides the merge took from it."""
    require(actor, MERGE_PEOPLE, "unmerge people")
    why = _reason(reason)
    with transaction.atomic():
        merge = Lineage.objects.select_for_update().get(pk=lineage.pk)
        if merge.kind not in (Lineage.Kind.MERGE, Lineage.Kind.RELINK) or merge.other_id is None:
            raise ConflictError("Only a merge can be undone.")
        if Lineage.objects.filter(reverses=merge).exists():
            raise ConflictError("This merge has already been undone.")
        survivor, other = _lock(merge.person, merge.other)  # type: ignore[arg-type]
        if other.merged_into_id != survivor.pk:
            raise ConflictError("The retired person no longer points at the survivor.")
        holder = current_person(survivor.pk)
        if holder.pk != survivor.pk:
            (holder,) = _lock(holder)
        # What the merge took and that is still with the survivor goes back.
        here = [survivor.pk, holder.pk]
        moved = merge.records
        records = list(
            SourceRecord.objects.filter(pk__in=moved["records"], person_id__in=here).values_list(
                "pk", flat=True
            )
        )
        SourceRecord.objects.filter(pk__in=records).update(person=other, updated_at=timezone.now())
        move_blocking_keys(records, other.pk)
        Involvement.objects.filter(pk__in=moved["involvements"], person_id__in=here).update(
            person=other
        )
        HouseholdMember.objects.filter(pk__in=moved["memberships"], person_id__in=here).update(
            person=other
        )
        FamilyRelationship.objects.filter(
            pk__in=moved["relationships_as_person"], person_id__in=here
        ).update(person=other)
        FamilyRelationship.objects.filter(
            pk__in=moved["relationships_as_relative"], relative_id__in=here
        ).update(relative=other)
        AttributeOverride.objects.filter(pk__in=moved["overrides"], person_id__in=here).update(
            person=other
        )
        undo_carry_over(moved["carried_over"], actor=actor)
        kept = list(SourceRecord.objects.filter(person=holder).values_list("pk", flat=True))
        _label_apart(records, kept, actor=actor)
        other.merged_into = None
        other.version += 1
        other.save(update_fields=["merged_into", "version", "updated_at"])
        refresh_person(other)
        holder_changed, _joined = refresh_person(holder)
        undone = Lineage.objects.create(
            kind=Lineage.Kind.UNMERGE,
            person=other,
            other=holder,
            records={"records": [str(pk) for pk in records]},
            actor=actor,
            reason=why,
            reverses=merge,
        )
        record_change(
            other,
            "unmerged",
            {"from": str(holder.pk), "lineage": str(undone.pk), "records": len(records)},
            actor=actor,
        )
        if holder_changed:
            announce_update(
                holder,
                holder_changed,
                actor=actor,
                because="unmerged",
                extra={"other": str(other.pk)},
            )
    return undone


def move_record(
    record: SourceRecord, person: Person | None, *, actor: Actor, reason: str
) -> Lineage:
    """Move one record to another person, or split it out as a new person (`person` None).

    The steward's link is kept by every later automatic run. A person's only record cannot
    leave it: merge the two people instead, so the old id redirects.
    """
    require(actor, MANAGE_SOURCE_RECORDS, "move source records")
    why = _reason(reason)
    with transaction.atomic():
        source = SourceRecord.objects.select_for_update().select_related("system").get(pk=record.pk)
        (old,) = _lock(Person(pk=source.person_id))
        remaining = [row for row in records_of([old.pk]) if row.pk != source.pk]
        if person is not None:
            (target,) = _lock(person)
            require_current(target)
            if target.pk == old.pk:
                raise ConflictError("The record already belongs to this person.")
        if not remaining:
            if person is None:
                raise ConflictError("This is the person's only record: there is nothing to split.")
            raise ConflictError(
                "This is the person's only record: merge the two people instead, so that the "
                "old id leads to the new one."
            )
        created = person is None
        if person is None:
            target = Person()
            apply_golden(target, [source], {})
            target.save()
            target_records: list[SourceRecord] = []
        else:
            target_records = records_of([target.pk])
        anchor_old, anchor_new = _anchor(remaining), _anchor(target_records)
        source.person = target
        source.link_method = SourceRecord.LinkMethod.MANUAL
        source.link_weight = None
        source.version += 1
        source.save()
        move_blocking_keys([source.pk], target.pk)
        if anchor_old is not None:
            label_pair(source.pk, anchor_old.pk, same=False, actor=actor)
        if anchor_new is not None:
            label_pair(source.pk, anchor_new.pk, same=True, actor=actor)
        lineage = Lineage.objects.create(
            kind=Lineage.Kind.MOVE,
            person=target,
            other=old,
            records={"records": [str(source.pk)], "automatic": False},
            actor=actor,
            reason=why,
        )
        old_changed, _joined = refresh_person(old, records=remaining)
        detail = {"record": source.reference, "lineage": str(lineage.pk)}
        if created:
            if target.uprn:
                follow_uprn(target, target.uprn)
            record_change(target, "created", {**detail, "moved_from": str(old.pk)}, actor=actor)
        else:
            changed, _joined = refresh_person(target, records=[*target_records, source])
            announce_update(target, changed, actor=actor, because="record_moved_in", extra=detail)
        announce_update(old, old_changed, actor=actor, because="record_moved_out", extra=detail)
    return lineage


def merged_ids(person: Person) -> list[UUID]:
    """The ids redirecting to `person`, directly or through other retired ids."""
    found: list[UUID] = []
    frontier: Iterable[UUID] = [person.pk]
    for _depth in range(MAX_REDIRECTS):
        step = list(
            Person.objects.filter(merged_into_id__in=list(frontier)).values_list("pk", flat=True)
        )
        if not step:
            break
        found.extend(step)
        frontier = step
    return found


def lineage_of(person: Person) -> list[Lineage]:
    """Every merge, unmerge and move involving `person`, newest first."""
    return list(
        Lineage.objects.filter(Q(person=person) | Q(other=person))
        .select_related("actor")
        .order_by("-at", "-created_at")
    )
