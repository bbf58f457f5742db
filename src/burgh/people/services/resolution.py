"""`resolve`: a council system's record, new or changed, linked to its person while it waits.

The online path: the record's blocking keys find candidate people in the database index, the
model scores them in-process against each candidate's records, the guards bar known false
merges, and the record joins the best person, opens a review, or starts a person. A constant
number of queries whatever the size of the index.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from burgh.core import audit
from burgh.core.changes import record_change
from burgh.people.linkage import Model
from burgh.people.models import (
    Lineage,
    LinkLabel,
    MatchReview,
    Person,
    SourceRecord,
    SourceRecordVersion,
)
from burgh.people.services.golden import (
    MANAGE_SOURCE_RECORDS,
    announce_update,
    apply_golden,
    follow_uprn,
    refresh_person,
    require,
)
from burgh.people.services.matching import (
    Evaluation,
    Match,
    candidate_people,
    comparable,
    current_model,
    evaluate,
)
from burgh.people.services.reviews import open_review
from burgh.people.services.sources import (
    Actor,
    CheckedRecord,
    IncomingRecord,
    check_record,
    move_blocking_keys,
    records_of,
    system_for,
    write_blocking_keys,
)

Outcome = str  # "unchanged" | "linked" | "created" | "review"
PINNED = (SourceRecord.LinkMethod.REVIEW, SourceRecord.LinkMethod.MANUAL)


@dataclass(frozen=True)
class Resolution:
    """What `resolve` did: the person the record belongs to now, and how it got there."""

    person: Person
    record: SourceRecord
    # "unchanged": the same content again; "linked": joined (or stayed with) an existing
    # person; "created": started a person; "review": started a person and opened a review.
    outcome: Outcome
    weight: float | None
    review: MatchReview | None


def resolve(record: IncomingRecord, *, actor: Actor = None) -> Resolution:
    """Store a new or changed source record and link it to its person.

    The same content twice changes nothing (no version, no audit entry, no event). A changed
    record is kept as a new version and its link re-evaluated: an automatic link that now
    conflicts or no longer scores moves; a steward's link never moves here.
    """
    require(actor, MANAGE_SOURCE_RECORDS, "send source records")
    checked = check_record(record)
    received_at = record.received_at or timezone.now()
    existing = _existing(checked)
    if existing is not None and existing.content_hash == checked.content_hash:
        return _unchanged(existing)
    model = current_model()
    try:
        with transaction.atomic():
            if existing is None:
                return _create(checked, received_at, model, actor)
            return _update(checked, existing.pk, received_at, model, actor)
    except IntegrityError:
        # Another process stored this source id between our look and our insert: theirs
        # stands, and ours is applied to it as a change (or is the same content).
        existing = _existing(checked)
        if existing is None:
            raise
        if existing.content_hash == checked.content_hash:
            return _unchanged(existing)
        with transaction.atomic():
            return _update(checked, existing.pk, received_at, model, actor)


def _existing(checked: CheckedRecord) -> SourceRecord | None:
    return (
        SourceRecord.objects.select_related("system", "person")
        .filter(system__slug=checked.system, source_id=checked.source_id)
        .first()
    )


def _unchanged(record: SourceRecord) -> Resolution:
    return Resolution(record.person, record, "unchanged", record.link_weight, None)


def _create(
    checked: CheckedRecord, received_at: datetime, model: Model, actor: Actor
) -> Resolution:
    system = system_for(checked.system)
    source = SourceRecord(
        system=system,
        source_id=checked.source_id,
        attributes=checked.received,
        features=checked.features,
        received_at=received_at,
        content_hash=checked.content_hash,
    )
    evaluation = _candidates(checked, model)
    return _place(source, checked, evaluation, model, actor, is_new=True)


def _candidates(
    checked: CheckedRecord,
    model: Model,
    *,
    exclude: Collection[UUID] = (),
    skip_records: Collection[UUID] = (),
) -> Evaluation:
    people = candidate_people(checked.keys, exclude=exclude)
    if not people:
        return Evaluation([], [])
    return evaluate(checked.features, comparable(people), model, skip_records=skip_records)


def _place(
    source: SourceRecord,
    checked: CheckedRecord,
    evaluation: Evaluation,
    model: Model,
    actor: Actor,
    *,
    is_new: bool,
    moved_from: Person | None = None,
) -> Resolution:
    """Link `source` to the best person that still matches once locked, or start a person.

    A record that fits two people about equally well (a council-tax "C MacLeod" at the address
    of a father and son of that name, "I Fraser" with the date of birth of twins) is linked to
    neither: it starts a person and a data steward decides.
    """
    if _ambiguous(evaluation, model):
        return _start_person(
            source,
            checked,
            evaluation.best,
            evaluation.best,
            actor,
            is_new=is_new,
            moved_from=moved_from,
        )
    for match in evaluation.matches:
        if match.weight < model.match_weight:
            break
        joined = _join(source, checked, match, model, actor, is_new=is_new, moved_from=moved_from)
        if joined is not None:
            return joined
    best = evaluation.best
    review_with = best if best is not None and best.weight >= model.review_weight else None
    return _start_person(
        source, checked, best, review_with, actor, is_new=is_new, moved_from=moved_from
    )


# A runner-up person within this many match-weight points (a Bayes factor of 16) of the best
# makes the best no better than a guess.
AMBIGUITY_MARGIN = 4.0


def _ambiguous(evaluation: Evaluation, model: Model) -> bool:
    matches = evaluation.matches
    return (
        len(matches) >= 2
        and matches[1].weight >= model.match_weight
        and matches[0].weight - matches[1].weight < AMBIGUITY_MARGIN
    )


def _join(
    source: SourceRecord,
    checked: CheckedRecord,
    match: Match,
    model: Model,
    actor: Actor,
    *,
    is_new: bool,
    moved_from: Person | None,
) -> Resolution | None:
    person = Person.objects.select_for_update().get(pk=match.person_id)
    if person.merged_into_id is not None:
        # Merged away since the index was read: its records now belong to the survivor,
        # which is judged on its own next time.
        return None
    records = records_of([person.pk])
    # The person may have gained a record since the candidates were read: judge it afresh.
    fresh = evaluate(checked.features, records, model, skip_records={source.pk})
    if not fresh.matches or fresh.matches[0].weight < model.match_weight:
        return None
    weight = fresh.matches[0].weight
    source.person = person
    source.link_method = SourceRecord.LinkMethod.AUTOMATIC
    source.link_weight = weight
    _save_record(source, checked, is_new=is_new)
    others = [row for row in records if row.pk != source.pk]
    changed, joined = refresh_person(person, records=[*others, source])
    detail = {"record": source.reference, "outcome": "linked", "weight": round(weight, 3)}
    if joined:
        detail["household"] = joined
    if moved_from is not None:
        _record_move(source, moved_from, person, weight)
    if changed:
        announce_update(person, changed, actor=None, because="record_linked", extra=detail)
    else:
        audit.record(
            "people.sourcerecord.linked",
            subject=source,
            actor=actor,
            detail={**detail, "person": str(person.pk)},
        )
    return Resolution(person, source, "linked", weight, None)


def _start_person(
    source: SourceRecord,
    checked: CheckedRecord,
    best: Match | None,
    review_with: Match | None,
    actor: Actor,
    *,
    is_new: bool,
    moved_from: Person | None,
) -> Resolution:
    person = Person()
    apply_golden(person, [source], {})
    person.save()
    source.person = person
    source.link_method = SourceRecord.LinkMethod.NEW
    source.link_weight = None
    _save_record(source, checked, is_new=is_new)
    joined = follow_uprn(person, person.uprn) if person.uprn else None
    review = None
    if review_with is not None and review_with.score is not None:
        review = open_review(source, review_with.record.pk, review_with.score)
    outcome = "review" if review is not None else "created"
    detail: dict[str, Any] = {"record": source.reference, "outcome": outcome}
    if review is not None:
        detail["review"] = str(review.pk)
    if joined:
        detail["household"] = joined
    if moved_from is not None:
        detail["moved_from"] = str(moved_from.pk)
        _record_move(source, moved_from, person, None)
    record_change(person, "created", detail, actor=actor)
    weight = best.weight if best is not None else None
    return Resolution(person, source, outcome, weight, review)


def _save_record(source: SourceRecord, checked: CheckedRecord, *, is_new: bool) -> None:
    if is_new:
        source.save(force_insert=True)
        SourceRecordVersion.of(source).save()
        write_blocking_keys(source, checked.index_keys, new=True)
    else:
        source.save()
        move_blocking_keys([source.pk], source.person_id)


def _update(
    checked: CheckedRecord,
    record_id: UUID,
    received_at: datetime,
    model: Model,
    actor: Actor,
) -> Resolution:
    source = SourceRecord.objects.select_for_update().select_related("system").get(pk=record_id)
    if source.content_hash == checked.content_hash:
        source.person = Person.objects.get(pk=source.person_id)
        return _unchanged(source)
    source.attributes = checked.received
    source.features = checked.features
    source.content_hash = checked.content_hash
    source.received_at = received_at
    source.record_version += 1
    source.version += 1
    SourceRecordVersion.of(source).save()
    write_blocking_keys(source, checked.index_keys)
    person = Person.objects.select_for_update().get(pk=source.person_id)
    others = [row for row in records_of([person.pk]) if row.pk != source.pk]
    labels = labels_of(source)
    stays, weight = _still_belongs(source, checked, others, labels, model)
    if stays:
        source.link_weight = weight if source.link_method not in PINNED else source.link_weight
        source.save()
        changed, joined = refresh_person(person, records=[*others, source])
        detail: dict[str, Any] = {
            "record": source.reference,
            "outcome": "linked",
            "record_version": source.record_version,
        }
        if joined:
            detail["household"] = joined
        if changed:
            announce_update(person, changed, actor=actor, because="record_changed", extra=detail)
        else:
            audit.record(
                "people.sourcerecord.changed",
                subject=source,
                actor=actor,
                detail={**detail, "person": str(person.pk)},
            )
        return Resolution(person, source, "linked", source.link_weight, None)
    # The record no longer belongs with its person: it leaves, and the person is rebuilt
    # from the records that remain.
    barred = _people_labelled_apart(labels)
    evaluation = _candidates(checked, model, exclude={person.pk, *barred}, skip_records={source.pk})
    result = _place(source, checked, evaluation, model, actor, is_new=False, moved_from=person)
    changed, _joined = refresh_person(person, records=others)
    announce_update(
        person,
        changed,
        actor=actor,
        because="record_moved_out",
        extra={"record": source.reference, "to": str(result.person.pk)},
    )
    return result


def _still_belongs(
    source: SourceRecord,
    checked: CheckedRecord,
    others: Sequence[SourceRecord],
    labels: dict[UUID, bool],
    model: Model,
) -> tuple[bool, float | None]:
    """Whether a changed record stays: a steward's link always does; the only record of its
    person always does; otherwise it must still match and not conflict."""
    if source.link_method in PINNED or not others:
        return True, None
    other_ids = {row.pk for row in others}
    if any(labels.get(pk) is False for pk in other_ids):
        return False, None
    evaluation = evaluate(checked.features, others, model)
    if evaluation.barred:
        return False, None
    weight = evaluation.best.weight if evaluation.best else None
    if any(labels.get(pk) is True for pk in other_ids):
        return True, weight
    return (weight is not None and weight >= model.match_weight), weight


def labels_of(record: SourceRecord) -> dict[UUID, bool]:
    """The latest steward label between `record` and each record it was labelled against."""
    found: dict[UUID, bool] = {}
    rows = LinkLabel.objects.filter(Q(record_a=record) | Q(record_b=record)).order_by(
        "created_at", "id"
    )
    for label in rows.values("record_a_id", "record_b_id", "same"):
        other = label["record_b_id"] if label["record_a_id"] == record.pk else label["record_a_id"]
        found[other] = label["same"]
    return found


def _people_labelled_apart(labels: dict[UUID, bool]) -> set[UUID]:
    apart = [pk for pk, same in labels.items() if not same]
    if not apart:
        return set()
    return set(SourceRecord.objects.filter(pk__in=apart).values_list("person_id", flat=True))


def _record_move(source: SourceRecord, old: Person, new: Person, weight: float | None) -> None:
    Lineage.objects.create(
        kind=Lineage.Kind.MOVE,
        person=new,
        other=old,
        records={"records": [str(source.pk)], "automatic": True, "weight": weight},
        reason="The record changed and no longer matches the person it was linked to.",
    )
