"""`relink`: the batch engine over every source record, applied so that person ids keep meaning.

Steward labels are constraints (same: must link; not same: cannot link), and every record a
steward linked stays with the records it was linked to. The engine keeps the previous id of
each cluster held by most of its members, so a relink after a load of new records moves
almost nothing. Changes are applied in batches; a person whose records all went elsewhere is
retired as a redirect to where most of them went, carrying its involvements, homes,
relationships, restrictions and consents with it.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from burgh.core import audit
from burgh.core.changes import record_change
from burgh.core.errors import ConflictError
from burgh.people.linkage import Model, ReviewPair, link_features
from burgh.people.models import (
    BlockingKey,
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
    require,
)
from burgh.people.services.matching import current_model
from burgh.people.services.merging import absorb, announce_merge
from burgh.people.services.reviews import open_review
from burgh.people.services.sources import Actor, move_blocking_keys, records_of

BATCH = 1000
READ_BATCH = 5000


@dataclass(frozen=True)
class RelinkReport:
    """What a relink changed: `kept` of the `people_before` ids still name a person."""

    records: int
    people_before: int
    kept: int
    created: int
    retired: int
    moved: int
    pairs_scored: int
    reviews_opened: int
    # Records a bulk load added in the same run (0 for a relink).
    added: int = 0

    @property
    def kept_share(self) -> float:
        return self.kept / self.people_before if self.people_before else 1.0


@dataclass(frozen=True)
class _Snapshot:
    # The engine's features as stored with each record: nothing is prepared twice.
    features: dict[str, dict[str, Any]]
    previous: dict[str, str]
    pinned: dict[str, str]
    anchors: dict[str, str]


def _snapshot() -> _Snapshot:
    features: dict[str, dict[str, Any]] = {}
    previous: dict[str, str] = {}
    pinned: dict[str, str] = {}
    anchors: dict[str, str] = {}
    rows = SourceRecord.objects.order_by("created_at", "id").values_list(
        "pk", "person_id", "link_method", "features"
    )
    for pk, person_id, method, prepared in rows.iterator(chunk_size=READ_BATCH):
        key, person = str(pk), str(person_id)
        features[key] = prepared
        previous[key] = person
        anchors.setdefault(person, key)
        if method in (SourceRecord.LinkMethod.MANUAL, SourceRecord.LinkMethod.REVIEW):
            pinned[key] = person
    return _Snapshot(features, previous, pinned, anchors)


def _labels() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    latest: dict[str, tuple[str, str, bool]] = {}
    rows = LinkLabel.objects.order_by("created_at", "id").values_list(
        "pair_key", "record_a_id", "record_b_id", "same"
    )
    for key, a, b, same in rows.iterator(chunk_size=READ_BATCH):
        latest[key] = (str(a), str(b), same)
    must = [(a, b) for a, b, same in latest.values() if same]
    cannot = [(a, b) for a, b, same in latest.values() if not same]
    return must, cannot


def relink(*, actor: Actor = None, model: Model | None = None) -> RelinkReport:
    """Run the batch engine over every source record and apply its clusters to the index."""
    require(actor, MANAGE_SOURCE_RECORDS, "relink the person index")
    return link_index(actor=actor, model=model)


def link_index(
    *,
    actor: Actor = None,
    model: Model | None = None,
    incoming: Sequence[SourceRecord] = (),
    incoming_keys: Mapping[UUID, Sequence[str]] | None = None,
) -> RelinkReport:
    """The batch engine over every stored record plus `incoming` (unsaved records with their
    ids, attributes and features set): stored records keep or change person as in a relink,
    incoming ones are saved to the person their cluster names, filed under `incoming_keys`."""
    model = model or current_model()
    snapshot = _snapshot()
    must, cannot = _labels()
    # A steward's link holds the record to the person's oldest record, whatever the model says.
    for key, person in snapshot.pinned.items():
        anchor = snapshot.anchors[person]
        if anchor != key:
            must.append((key, anchor))
    features = dict(snapshot.features)
    for record in incoming:
        features[str(record.pk)] = record.features
    keys = list(features)
    result = link_features(
        keys,
        [features[key] for key in keys],
        model,
        must_link=must,
        cannot_link=cannot,
        previous=snapshot.previous,
        new_id=lambda: str(uuid.uuid4()),
    )
    clusters: dict[str, str] = dict(result.clusters)
    before = set(snapshot.previous.values())
    after = set(clusters.values())
    created = sorted(after - before)
    retired = sorted(before - after)
    moves = {
        key: target
        for key, target in clusters.items()
        if key in snapshot.previous and snapshot.previous[key] != target
    }
    _create_people(created)
    went_to, blocked = _retire(retired, clusters, snapshot, actor)
    _add(incoming, clusters, incoming_keys or {})
    _move(moves, snapshot, went_to, blocked)
    touched = {UUID(p) for p in moves.values()} | {UUID(snapshot.previous[k]) for k in moves}
    touched |= {UUID(clusters[str(record.pk)]) for record in incoming}
    touched -= {UUID(p) for p in retired}
    _refresh(touched, {UUID(p) for p in created}, actor)
    opened = _open_reviews(result.review_pairs)
    report = RelinkReport(
        records=len(clusters),
        people_before=len(before),
        kept=len(before & after),
        created=len(created),
        retired=len(retired),
        moved=len(moves),
        pairs_scored=result.pairs_scored,
        reviews_opened=opened,
        added=len(incoming),
    )
    audit.record(
        "people.index.relinked",
        actor=actor,
        detail={**report.__dict__, "model": model.version, "at": timezone.now().isoformat()},
    )
    return report


def _add(
    incoming: Sequence[SourceRecord],
    clusters: Mapping[str, str],
    keys: Mapping[UUID, Sequence[str]],
) -> None:
    """Save the incoming records with their first version and their index keys, in batches."""
    for start in range(0, len(incoming), BATCH):
        batch = incoming[start : start + BATCH]
        with transaction.atomic():
            for record in batch:
                record.person_id = UUID(clusters[str(record.pk)])
                record.link_method = SourceRecord.LinkMethod.AUTOMATIC
            SourceRecord.objects.bulk_create(batch)
            SourceRecordVersion.objects.bulk_create(
                [SourceRecordVersion.of(record) for record in batch]
            )
            BlockingKey.objects.bulk_create(
                [
                    BlockingKey(key=key, record_id=record.pk, person_id=record.person_id)
                    for record in batch
                    for key in keys.get(record.pk, ())
                ],
                batch_size=BATCH * 4,
            )


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _create_people(created: list[str]) -> None:
    # New people start blank and get their golden record once their records have moved.
    for batch in _batches(created):
        with transaction.atomic():
            Person.objects.bulk_create(
                [Person(pk=UUID(pk), given_name="", family_name="") for pk in batch]
            )


def _retire(
    retired: list[str], clusters: dict[str, str], snapshot: _Snapshot, actor: Actor
) -> tuple[dict[str, str], set[str]]:
    """Retire each person none of whose records kept its id.

    Returns retired id -> survivor, and the people left as they were because both sides are
    restricted to different staff (a steward must settle that first: see carry_over).
    """
    went_to: dict[str, str] = {}
    blocked: set[str] = set()
    went: dict[str, Counter[str]] = defaultdict(Counter)
    for key, old in snapshot.previous.items():
        if old in retired and key in clusters:
            went[old][clusters[key]] += 1
    for old in retired:
        target = min(went[old].items(), key=lambda item: (-item[1], item[0]))[0]
        try:
            _retire_one(old, target, actor, went_to)
        except ConflictError:
            blocked.add(old)
    return went_to, blocked


def _retire_one(old: str, target: str, actor: Actor, went_to: dict[str, str]) -> None:
    """Merge `old` into `target` as the relink found; ConflictError leaves both untouched."""
    with transaction.atomic():
        ids = sorted((old, target))
        locked = {str(row.pk): row for row in Person.objects.select_for_update().filter(pk__in=ids)}
        other, survivor = locked[old], locked[target]
        if other.merged_into_id is not None or survivor.merged_into_id is not None:
            return
        lineage = absorb(
            survivor,
            other,
            kind=Lineage.Kind.RELINK,
            actor=actor,
            reason="A relink found this person's records belong to another person.",
            label=False,
        )
        went_to[old] = target
        announce_merge(survivor, lineage, actor=actor, because="relink")


def _move(
    moves: dict[str, str], snapshot: _Snapshot, went_to: dict[str, str], blocked: set[str]
) -> None:
    # Only records still where the snapshot (or a retirement) left them move: a record a
    # steward or an intake moved while the engine ran keeps its newer place.
    by_target: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, target in moves.items():
        previous = snapshot.previous[key]
        if previous in blocked:
            continue
        by_target[(went_to.get(previous, previous), target)].append(key)
    for (holder, target), keys in sorted(by_target.items()):
        for batch in _batches(sorted(keys)):
            ids = [UUID(key) for key in batch]
            with transaction.atomic():
                SourceRecord.objects.filter(pk__in=ids, person_id=UUID(holder)).exclude(
                    link_method__in=(SourceRecord.LinkMethod.MANUAL, SourceRecord.LinkMethod.REVIEW)
                ).update(
                    person_id=UUID(target),
                    link_method=SourceRecord.LinkMethod.AUTOMATIC,
                    link_weight=None,
                    updated_at=timezone.now(),
                )
                # A steward's record moves with the records it is held to, keeping its method.
                SourceRecord.objects.filter(
                    pk__in=ids,
                    person_id=UUID(holder),
                    link_method__in=(
                        SourceRecord.LinkMethod.MANUAL,
                        SourceRecord.LinkMethod.REVIEW,
                    ),
                ).update(person_id=UUID(target), updated_at=timezone.now())
                moved = SourceRecord.objects.filter(pk__in=ids, person_id=UUID(target))
                move_blocking_keys(moved.values_list("pk", flat=True), UUID(target))


def _refresh(touched: set[UUID], created: set[UUID], actor: Actor) -> None:
    ordered = sorted(touched, key=str)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        with transaction.atomic():
            people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=batch)}
            by_person: dict[UUID, list[SourceRecord]] = defaultdict(list)
            for record in records_of(batch):
                by_person[record.person_id].append(record)
            for pk in batch:
                person = people.get(pk)
                if person is None or person.merged_into_id is not None:
                    continue
                old_uprn = person.uprn
                changed = apply_golden(person, by_person.get(pk, []))
                if not changed and pk not in created:
                    continue
                person.version += 1
                person.save()
                if "uprn" in changed and person.uprn and person.uprn != old_uprn:
                    follow_uprn(person, person.uprn)
                if pk in created:
                    record_change(person, "created", {"because": "relink"}, actor=actor)
                else:
                    announce_update(person, changed, actor=actor, because="relink")


def _open_reviews(pairs: Sequence[ReviewPair]) -> int:
    """Queue the strongest doubtful pair between each two people, unless one is queued already.

    The engine returns every doubtful record pair; a steward decides about people, so two
    people with five doubtful pairs between them are one review, not five.
    """
    ids = {UUID(key) for pair in pairs for key in (pair.left, pair.right)}
    person_of: dict[UUID, UUID] = {}
    for start in range(0, len(ids), READ_BATCH):
        batch = list(ids)[start : start + READ_BATCH]
        person_of.update(SourceRecord.objects.filter(pk__in=batch).values_list("pk", "person_id"))
    queued = {
        frozenset(pair)
        for pair in MatchReview.objects.filter(
            status__in=(MatchReview.Status.PENDING, MatchReview.Status.SKIPPED)
        ).values_list("record__person_id", "candidate__person_id")
    }
    strongest: dict[frozenset[UUID], tuple[UUID, UUID, ReviewPair]] = {}
    for pair in pairs:
        left, right = UUID(pair.left), UUID(pair.right)
        if left not in person_of or right not in person_of:
            continue
        people = frozenset((person_of[left], person_of[right]))
        if len(people) < 2 or people in queued:
            continue
        held = strongest.get(people)
        if held is None or pair.weight > held[2].weight:
            strongest[people] = (left, right, pair)
    opened = 0
    records = {
        record.pk: record
        for record in SourceRecord.objects.filter(
            pk__in=[left for left, _right, _pair in strongest.values()]
        ).select_related("system")
    }
    for left, right, pair in sorted(strongest.values(), key=lambda item: -item[2].weight):
        with transaction.atomic():
            if open_review(records[left], right, pair.score) is not None:
                opened += 1
    return opened
