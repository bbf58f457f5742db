"""relink: the batch engine over the whole index keeps person ids and stewards' decisions."""

import pytest

from burgh.core.errors import PermissionDeniedError
from burgh.people.linkage.synthetic import SYSTEMS, generate
from burgh.people.models import Person, SourceRecord
from burgh.people.services import (
    IncomingRecord,
    decide_review,
    load_records,
    merge_people,
    move_record,
    register_source_system,
    relink,
    resolve,
)
from tests.factories import UserFactory
from tests.people.index.conftest import MORAG


def incoming(records):
    for row in records:
        attrs = {
            name: value
            for name, value in row.items()
            if name not in ("key", "source_system", "source_id")
        }
        yield IncomingRecord(row["source_system"], row["source_id"], attrs)


def load(records):
    for record in incoming(records):
        resolve(record)


@pytest.fixture
def council_systems(db):
    for trust, slug in enumerate(SYSTEMS):
        register_source_system(slug, slug.replace("_", " ").title(), trust=10 * (trust + 1))


def test_relinking_after_one_percent_more_records_keeps_the_person_ids(council_systems):
    records = generate(1200, seed=7).records
    extra = len(records) // 100
    report = load_records(incoming(records[:-extra]))
    assert report.added == len(records) - extra
    before = dict(SourceRecord.objects.values_list("pk", "person_id"))
    people_before = set(before.values())

    load(records[-extra:])
    relink()

    after = dict(SourceRecord.objects.values_list("pk", "person_id"))
    new_records = set(after) - set(before)
    kept = people_before & set(after.values())
    # An id may only go where a new record brought evidence that two people are one (a
    # resident's two halves joined by a new record), and then it redirects there.
    joined_by_new = {after[pk] for pk in new_records}
    lost = people_before - kept
    for person_id in lost:
        went = {after[pk] for pk, was in before.items() if was == person_id}
        assert went <= joined_by_new
        assert Person.objects.get(pk=person_id).merged_into_id in went
    # So every person no new record touched keeps their id, and that is nearly everyone.
    touched = {before[pk] for pk in before if after[pk] in joined_by_new}
    assert len(people_before - touched) / len(people_before) >= 0.95
    assert len(kept) / len(people_before) >= 0.99


def test_a_second_relink_with_nothing_new_changes_nothing(council_systems):
    load(generate(60, seed=3).records)
    relink()
    before = dict(SourceRecord.objects.values_list("pk", "person_id"))

    report = relink()

    assert (report.moved, report.created, report.retired) == (0, 0, 0)
    assert dict(SourceRecord.objects.values_list("pk", "person_id")) == before


def test_relink_honours_stewards_decisions(send, steward, doubtful):
    namesake = {"given_name": "Morag", "family_name": "Campbell", "postcode": "KL6 2AB"}
    doubtful(MORAG, namesake)
    morag = send("health", "H1", **MORAG)
    pair = send("housing", "HS1", **namesake)
    assert pair.review is not None
    decide_review(pair.review, "not_match", actor=steward, note="Different woman.")
    # A record the model would join to Morag, moved out by a steward.
    send("council-tax", "CT1", **MORAG)
    split = SourceRecord.objects.get(source_id="CT1")
    move_record(split, None, actor=steward, reason="A namesake: her neighbour told us.")
    # Two people a steward merged though the model would not.
    a = send("education", "E1", given_name="Kirsty", family_name="Ross", postcode="KL1 1AA")
    b = send("social-work", "S1", given_name="Kirsten", family_name="Rosse", date_of_birth="1990")
    merge_people(a.person, b.person, actor=steward, reason="Known to both services.")

    relink(actor=steward)

    person_of = dict(SourceRecord.objects.values_list("source_id", "person_id"))
    assert person_of["HS1"] != person_of["H1"]
    assert person_of["CT1"] != person_of["H1"]
    assert person_of["E1"] == person_of["S1"] == a.person.pk
    assert person_of["H1"] == morag.person.pk


def test_relink_needs_a_steward(systems, kinloch):
    with pytest.raises(PermissionDeniedError):
        relink(actor=UserFactory(organisation=kinloch))


def test_relink_leaves_two_people_restricted_to_different_staff_apart(
    send, steward, doubtful, kinloch
):
    from datetime import timedelta

    from django.utils import timezone

    from burgh.identity.models import RecordRestriction
    from burgh.people.linkage import Model
    from burgh.people.services import save_trained_model

    doubtful(MORAG, MORAG)
    first = send("health", "H1", **MORAG).person
    second = send("council-tax", "CT1", **MORAG).person
    assert first.pk != second.pk
    for person in (first, second):
        restriction = RecordRestriction.objects.create(
            kind="people.person",
            record_id=person.pk,
            category="other",
            reason="Staff member.",
            restricted_by=steward,
            review_on=timezone.localdate() + timedelta(days=90),
        )
        restriction.named_users.set([UserFactory(organisation=kinloch)])
    save_trained_model(Model.from_dict({**Model.default().as_dict(), "version": "shipped"}))

    relink(actor=steward)

    person_of = dict(SourceRecord.objects.values_list("source_id", "person_id"))
    assert {person_of["H1"], person_of["CT1"]} == {first.pk, second.pk}
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_the_relink_command_reports_what_it_kept(council_systems):
    from io import StringIO

    from django.core.management import call_command

    load(generate(60, seed=3).records)
    people = set(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    out = StringIO()

    call_command("people", "relink", stdout=out)

    records = SourceRecord.objects.count()
    assert f"Relinked {records:,} source records" in out.getvalue()
    assert f"of {len(people):,} people kept their id" in out.getvalue()
    still = set(Person.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    assert len(people & still) / len(people) >= 0.95
