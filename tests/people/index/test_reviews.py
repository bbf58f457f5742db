"""The stewards' review queue: decide match, not a match, or skip; decisions stand for good."""

import pytest

from burgh.core.errors import ConflictError, PermissionDeniedError
from burgh.core.models import AuditEntry
from burgh.people.models import LinkLabel, MatchReview, Person, SourceRecord
from burgh.people.services import current_person, decide_review, relink, review_queue
from tests.factories import UserFactory
from tests.people.index.conftest import MORAG

NAMESAKE = {"given_name": "Morag", "family_name": "Campbell", "postcode": "KL6 2AB"}


@pytest.fixture
def review(send, doubtful):
    doubtful(MORAG, NAMESAKE)
    send("health", "H1", **MORAG)
    result = send("housing", "HS1", **NAMESAKE)
    assert result.review is not None
    return result.review


def test_a_match_merges_the_two_people_and_leaves_the_queue(review, steward):
    candidate_person = review.candidate.person
    record_person = review.record.person

    decide_review(review, "match", actor=steward, note="Same woman, moved flat.")

    review.refresh_from_db()
    assert review.status == "match"
    assert review.decided_by == steward
    assert SourceRecord.objects.get(source_id="HS1").person_id == candidate_person.pk
    assert current_person(record_person.pk) == candidate_person
    assert SourceRecord.objects.get(source_id="HS1").link_method == "review"
    assert LinkLabel.objects.filter(review=review, same=True).exists()
    assert list(review_queue()) == []
    assert AuditEntry.objects.filter(action="people.matchreview.decided").exists()


def test_not_a_match_keeps_them_apart_through_relinks(review, steward):
    decide_review(review, "not_match", actor=steward)

    relink(actor=steward)

    assert review.record.person_id != review.candidate.person_id
    people = SourceRecord.objects.filter(source_id__in=["H1", "HS1"]).values_list(
        "person_id", flat=True
    )
    assert len(set(people)) == 2
    assert MatchReview.objects.get().status == "not_match"


def test_a_skipped_pair_stays_in_the_queue_after_the_others(review, steward, send):
    decide_review(review, "skip", actor=steward)
    send("education", "E1", given_name="Morag", family_name="Campbell", postcode="KL6 2AB", sex="F")

    queue = list(review_queue())

    assert queue[-1] == review
    assert MatchReview.objects.get(pk=review.pk).status == "skipped"
    decide_review(review, "match", actor=steward)
    assert MatchReview.objects.get(pk=review.pk).status == "match"


def test_a_decided_pair_cannot_be_decided_again(review, steward):
    decide_review(review, "not_match", actor=steward)
    with pytest.raises(ConflictError):
        decide_review(review, "match", actor=steward)


def test_deciding_needs_the_reviewers_permission(review, kinloch):
    with pytest.raises(PermissionDeniedError):
        decide_review(review, "match", actor=UserFactory(organisation=kinloch))
    assert MatchReview.objects.get().status == "pending"


def test_a_match_decision_survives_relinking(review, steward):
    decide_review(review, "match", actor=steward)

    relink(actor=steward)

    people = set(
        SourceRecord.objects.filter(source_id__in=["H1", "HS1"]).values_list("person_id", flat=True)
    )
    assert len(people) == 1
    assert Person.objects.filter(pk__in=people, merged_into__isnull=True).count() == 1
