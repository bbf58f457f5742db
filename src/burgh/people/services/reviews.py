"""The data stewards' review queue: pairs the model could not decide, and the stewards' word."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity import policy
from burgh.identity.models import Purpose
from burgh.people.access import PERSON
from burgh.people.linkage import Score
from burgh.people.models import Lineage, LinkLabel, MatchReview, Person, SourceRecord
from burgh.people.services.golden import refresh_person, require
from burgh.people.services.matching import explanation
from burgh.people.services.merging import (
    absorb,
    announce_merge,
    current_person,
    label_pair,
    move_record,
    pair_key,
)
from burgh.people.services.sources import Actor

REVIEW_MATCHES = "people.review_matches"
DECISIONS = ("match", "not_match", "skip")
MAX_NOTE = 2000


def open_review(record: SourceRecord, candidate_id: UUID, score: Score) -> MatchReview | None:
    """Queue a pair for a steward, once: None when the pair is already decided or labelled."""
    key = pair_key(record.pk, candidate_id)
    if LinkLabel.objects.filter(pair_key=key).exists():
        return None
    review, created = MatchReview.objects.get_or_create(
        pair_key=key,
        defaults={
            "record": record,
            "candidate_id": candidate_id,
            "weight": score.weight,
            "probability": score.probability,
            "explanation": explanation(score),
        },
    )
    if not created and review.status in (MatchReview.Status.MATCH, MatchReview.Status.NOT_MATCH):
        return None
    return review


def review_queue() -> "QuerySet[MatchReview]":
    """Reviews waiting for a steward: pending first (strongest first), then those skipped.

    A pair that has become one person since (by a merge or a relink) is not shown.
    """
    return (
        MatchReview.objects.filter(
            status__in=(MatchReview.Status.PENDING, MatchReview.Status.SKIPPED)
        )
        .exclude(record__person=F("candidate__person"))
        .select_related(
            "record__system", "candidate__system", "record__person", "candidate__person"
        )
        .order_by("status", "-weight", "created_at", "id")
    )


def visible_reviews(
    viewer: policy.Viewer,
    *,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
    status: str = MatchReview.Status.PENDING,
) -> "QuerySet[MatchReview]":
    """Reviews in `status` whose two people the viewer may both see (identity.policy), oldest
    first. A pair that has become one person since (a merge, a relink) is not offered."""
    people = policy.visible(viewer, PERSON, purpose=purpose).queryset.values("pk")
    return (
        review_queue()
        .filter(status=status, record__person__in=people, candidate__person__in=people)
        .order_by("created_at", "id")
    )


def decide_review(
    review: MatchReview, decision: str, *, actor: Actor, note: str = ""
) -> MatchReview:
    """A steward's decision: "match" merges the two people, "not_match" keeps them apart for
    good, "skip" leaves the pair in the queue for later. Relinks never overturn a decision."""
    require(actor, REVIEW_MATCHES, "decide match reviews")
    errors = []
    if decision not in DECISIONS:
        errors.append({"pointer": "#/decision", "detail": "Choose match, not_match or skip."})
    if len(note) > MAX_NOTE:
        errors.append(
            {"pointer": "#/note", "detail": f"Keep the note to {MAX_NOTE} characters or fewer."}
        )
    if errors:
        raise InvalidInputError("The decision is not right.", errors=errors)
    with transaction.atomic():
        locked = (
            MatchReview.objects.select_for_update()
            .select_related("record__system", "candidate__system")
            .get(pk=review.pk)
        )
        if locked.status in (MatchReview.Status.MATCH, MatchReview.Status.NOT_MATCH):
            raise ConflictError(
                f"This pair was already decided: {locked.get_status_display().lower()}."
            )
        detail: dict[str, Any] = {
            "decision": decision,
            "record": locked.record.reference,
            "candidate": locked.candidate.reference,
        }
        if decision == "skip":
            locked.status = MatchReview.Status.SKIPPED
        else:
            locked.status = (
                MatchReview.Status.MATCH if decision == "match" else MatchReview.Status.NOT_MATCH
            )
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            label_pair(
                locked.record_id,
                locked.candidate_id,
                same=decision == "match",
                actor=actor,
                review=locked,
            )
        locked.note = note.strip()
        locked.version += 1
        locked.save()
        record_change(locked, "decided", detail, actor=actor)
        if decision == "match":
            _join_pair(locked, actor)
        elif decision == "not_match":
            record = SourceRecord.objects.get(pk=locked.record_id)
            if record.person_id == locked.candidate.person_id:
                # Linked since the review opened: the steward's word splits them again.
                move_record(record, None, actor=actor, reason="A steward decided: not the same.")
    review.refresh_from_db()
    return review


def _join_pair(review: MatchReview, actor: Actor) -> None:
    record = SourceRecord.objects.select_for_update().get(pk=review.record_id)
    candidate = SourceRecord.objects.get(pk=review.candidate_id)
    if record.person_id == candidate.person_id:
        return
    survivor = current_person(candidate.person_id)
    other = current_person(record.person_id)
    if survivor.pk == other.pk:
        return
    ids = sorted((survivor.pk, other.pk), key=str)
    locked = {row.pk: row for row in Person.objects.select_for_update().filter(pk__in=ids)}
    survivor, other = locked[survivor.pk], locked[other.pk]
    lineage = absorb(
        survivor,
        other,
        kind=Lineage.Kind.MERGE,
        actor=actor,
        reason=f"A data steward decided review {review.pk}: the same person.",
    )
    SourceRecord.objects.filter(pk=record.pk).update(link_method=SourceRecord.LinkMethod.REVIEW)
    changed, _joined = refresh_person(survivor)
    announce_merge(survivor, lineage, actor=actor, review=str(review.pk), fields=sorted(changed))
