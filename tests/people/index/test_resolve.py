"""resolve: a council system's record finds its person, opens a review, or starts a person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.core.models import AuditEntry, OutboxEvent
from burgh.people.models import BlockingKey, MatchReview, Person, SourceRecord, SourceRecordVersion
from burgh.people.services import IncomingRecord, relink, resolve
from burgh.people.services.matching import current_model
from tests.factories import UserFactory
from tests.people.index.conftest import MORAG


def counts() -> tuple[int, int, int, int]:
    return (
        SourceRecordVersion.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
        Person.objects.count(),
    )


def test_a_first_record_starts_a_person_with_its_values(send):
    result = send("health", "H1", **MORAG)

    assert result.outcome == "created"
    person = Person.objects.get(pk=result.person.pk)
    assert (person.given_name, person.family_name) == ("Morag", "Campbell")
    assert str(person.date_of_birth) == "1984-03-27"
    assert person.postcode == "KL6 2AB"
    assert OutboxEvent.objects.filter(
        type="gov.burgh.people.person.created", subject=f"people/person/{person.pk}"
    ).exists()
    event = OutboxEvent.objects.get(type="gov.burgh.people.person.created")
    # Events say what happened, never who the resident is.
    assert "Morag" not in str(event.data)


def test_the_same_record_twice_changes_nothing(send):
    first = send("health", "H1", **MORAG)
    before = counts()

    again = send("health", "H1", **{**MORAG, "family_name": "  Campbell "})

    assert again.outcome == "unchanged"
    assert again.person.pk == first.person.pk
    assert counts() == before
    assert SourceRecord.objects.get().record_version == 1


def test_a_variant_spelling_from_another_system_joins_the_same_person(send):
    first = send("health", "H1", **MORAG)

    second = send(
        "council-tax",
        "CT9",
        given_name="Morag",
        family_name="Campbel",
        date_of_birth="1984-03-27",
        postcode="KL62AB",
    )

    assert second.outcome == "linked"
    assert second.person.pk == first.person.pk
    assert second.weight is not None
    assert second.weight >= current_model().match_weight
    record = SourceRecord.objects.get(source_id="CT9")
    assert record.link_method == "automatic"
    assert Person.objects.count() == 1


def test_twins_are_never_linked_however_much_else_agrees(send):
    morag = send("health", "H1", **MORAG)

    twin = send("health", "H2", **{**MORAG, "given_name": "Mhairi", "email": "", "phone": ""})

    assert twin.person.pk != morag.person.pk
    assert twin.outcome == "created"


def test_a_father_and_son_of_one_name_at_one_address_stay_two_people(send):
    father = send(
        "council-tax",
        "CT1",
        given_name="John",
        family_name="Smith",
        date_of_birth="1958-06-01",
        address="12 Harbour Street",
        postcode="KL6 1AA",
    )
    son = send(
        "council-tax",
        "CT2",
        given_name="John",
        family_name="Smith",
        date_of_birth="1986-06-01",
        address="12 Harbour Street",
        postcode="KL6 1AA",
    )

    assert son.person.pk != father.person.pk


def test_an_undated_record_at_a_father_and_sons_address_waits_for_a_steward(send):
    smith = {"given_name": "John", "family_name": "Smith", "address": "12 Harbour Street"}
    father = send("health", "H1", date_of_birth="1958-06-01", postcode="KL6 1AA", **smith)
    son = send("health", "H2", date_of_birth="1986-06-01", postcode="KL6 1AA", **smith)

    undated = send("council-tax", "CT1", postcode="KL6 1AA", **smith)

    assert undated.person.pk not in {father.person.pk, son.person.pk}
    assert undated.outcome == "review"
    assert undated.review is not None


NAMESAKE = {"given_name": "Morag", "family_name": "Campbell", "postcode": "KL6 2AB"}


def test_a_doubtful_pair_starts_a_person_and_waits_for_a_steward(send, doubtful):
    weight = doubtful(MORAG, NAMESAKE)
    model = current_model()
    first = send("health", "H1", **MORAG)

    pair = send("housing", "HS1", **NAMESAKE)

    assert pair.weight == pytest.approx(weight)
    assert model.review_weight <= pair.weight < model.match_weight
    assert pair.outcome == "review"
    assert pair.person.pk != first.person.pk
    review = MatchReview.objects.get()
    assert review == pair.review
    assert (review.record.source_id, review.candidate.source_id) == ("HS1", "H1")
    assert review.status == "pending"
    assert {level["comparison"] for level in review.explanation} >= {"given_name", "postcode"}


def test_the_same_doubtful_pair_is_queued_once(send, doubtful):
    doubtful(MORAG, NAMESAKE)
    send("health", "H1", **MORAG)
    send("housing", "HS1", **NAMESAKE)

    # The batch run finds the same doubtful pair again.
    relink()

    assert MatchReview.objects.count() == 1


def test_a_changed_record_keeps_its_old_version_and_refiles_its_keys(send):
    first = send("council-tax", "CT1", **MORAG)
    old_keys = set(BlockingKey.objects.values_list("key", flat=True))

    moved = send(
        "council-tax", "CT1", **{**MORAG, "postcode": "KL7 9ZZ", "address": "1 Shore Road"}
    )

    record = SourceRecord.objects.get()
    assert record.record_version == 2
    assert moved.person.pk == first.person.pk
    versions = list(record.versions.values_list("record_version", "attributes"))
    assert [v for v, _a in versions] == [1, 2]
    assert versions[0][1]["postcode"] == "KL6 2AB"
    assert versions[1][1]["postcode"] == "KL7 9ZZ"
    new_keys = set(BlockingKey.objects.values_list("key", flat=True))
    assert any("KL79ZZ" in key for key in new_keys)
    assert not any("KL62AB" in key for key in new_keys)
    assert new_keys != old_keys
    assert Person.objects.get(pk=first.person.pk).postcode == "KL7 9ZZ"


def test_a_changed_record_that_no_longer_matches_moves_out(send):
    morag = send("health", "H1", **MORAG)
    linked = send("council-tax", "CT1", **MORAG)
    assert linked.person.pk == morag.person.pk

    # Council tax corrects the record: it was her sister all along.
    corrected = send(
        "council-tax", "CT1", **{**MORAG, "given_name": "Kirsty", "date_of_birth": "1979-08-02"}
    )

    assert corrected.person.pk != morag.person.pk
    assert SourceRecord.objects.get(source_id="CT1").person_id == corrected.person.pk
    assert Person.objects.get(pk=morag.person.pk).given_name == "Morag"
    assert Person.objects.get(pk=corrected.person.pk).given_name == "Kirsty"
    # The index follows the move.
    keys = BlockingKey.objects.filter(record__source_id="CT1")
    assert set(keys.values_list("person_id", flat=True)) == {corrected.person.pk}


def test_a_stewards_link_is_never_moved_by_a_changed_record(send, steward):
    from burgh.people.services import merge_people, move_record

    morag = send("health", "H1", **MORAG)
    elsewhere = {"given_name": "M", "family_name": "Campbell", "postcode": "KL9 1AA"}
    other = send("council-tax", "CT1", **elsewhere, date_of_birth="1984")
    send("council-tax", "CT2", **elsewhere, date_of_birth="1984", phone="01234 567890")
    assert SourceRecord.objects.get(source_id="CT2").person_id == other.person.pk
    record = SourceRecord.objects.get(source_id="CT1")
    move_record(record, morag.person, actor=steward, reason="Same woman: checked with her.")
    merged = send("housing", "HS1", given_name="Mo", family_name="Campbell", postcode="KL8 1AA")
    merge_people(morag.person, merged.person, actor=steward, reason="She told us.")

    moved = send("council-tax", "CT1", **{**elsewhere, "postcode": "KL9 9XX"}, date_of_birth="1984")
    kept = send("housing", "HS1", given_name="Mo", family_name="Campbell", postcode="KL2 2BB")

    assert moved.person.pk == morag.person.pk
    assert kept.person.pk == morag.person.pk


def test_bad_input_names_the_field(send):
    with pytest.raises(InvalidInputError) as bad_date:
        send("health", "H1", given_name="Morag", date_of_birth="27/03/1984")
    assert bad_date.value.errors[0]["pointer"] == "#/attributes/date_of_birth"
    with pytest.raises(InvalidInputError) as unknown:
        send("health", "H1", given_name="Morag", shoe_size="6")
    assert unknown.value.errors[0]["pointer"] == "#/attributes/shoe_size"
    with pytest.raises(InvalidInputError) as no_system:
        send("library", "L1", given_name="Morag")
    assert no_system.value.errors[0]["pointer"] == "#/system"
    with pytest.raises(InvalidInputError) as no_name:
        send("health", "H1", date_of_birth="1984-03-27")
    assert no_name.value.errors[0]["pointer"] == "#/attributes/family_name"
    assert not SourceRecord.objects.exists()


def test_staff_need_leave_to_send_records(systems, kinloch):
    clerk = UserFactory(organisation=kinloch)
    with pytest.raises(PermissionDeniedError):
        resolve(IncomingRecord("health", "H1", MORAG), actor=clerk)


def test_resolve_costs_the_same_queries_whatever_the_index_holds(send):
    send("health", "H1", **MORAG)
    with CaptureQueriesContext(connection) as small:
        send("council-tax", "CT1", **MORAG)
    for number in range(40):
        send(
            "housing",
            f"HS{number}",
            given_name="Morag",
            family_name=f"Campbell{'x' * (number % 5)}",
            date_of_birth=f"19{50 + number}-01-0{1 + number % 9}",
            postcode="KL6 2AB",
        )
    with CaptureQueriesContext(connection) as large:
        send("council-tax", "CT2", **{**MORAG, "email": "morag@example.org"})

    assert len(large.captured_queries) <= len(small.captured_queries)
    assert len(small.captured_queries) <= 20
