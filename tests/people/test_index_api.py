"""The person index's API: source records in, retired ids, ranked search, merges, reviews."""

from datetime import timedelta

import pytest
from django.utils import timezone

from burgh.core.models import OutboxEvent
from burgh.identity.models import AccessLogEntry, RecordRestriction
from burgh.identity.services.tokens import issue_api_token
from burgh.people.models import Lineage, MatchReview, Person, SourceRecord, SourceRecordVersion
from tests.api.conftest import ApiClient, problem
from tests.people.index_data import ISLA, Index, make_index, register_systems
from tests.people.setting import grant

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
WRITE = ("people:read", "people:write")


def api(user, scopes=WRITE) -> ApiClient:
    _token, secret = issue_api_token(
        user, name="test", scopes=list(scopes), expires_in=timedelta(days=1)
    )
    return ApiClient(secret)


@pytest.fixture
def index(setting) -> Index:
    return make_index(setting)


def restrict(setting, person: Person) -> None:
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=person.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Councillor",
        restricted_by=setting.officer,
        review_on=timezone.localdate() + timedelta(days=180),
    )
    restriction.named_users.set([setting.officer])


class TestSourceRecords:
    def path(self, system: str = "nhs-chi", source_id: str = "CHI-1405901234") -> str:
        return f"{PEOPLE}/sources/{system}/{source_id}"

    @pytest.fixture
    def feed(self, setting):
        register_systems()
        user = setting.officer
        grant(user, "people.manage_source_records")
        return api(user)

    def test_a_new_record_starts_a_person_and_the_same_again_changes_nothing(self, feed):
        body = {"attributes": ISLA, "received_at": "2025-06-01T12:00:00Z"}

        first = feed.send("PUT", self.path(), body)
        events = OutboxEvent.objects.count()
        again = feed.send("PUT", self.path(), body)

        assert first.status_code == again.status_code == 200
        assert first.json()["outcome"] == "created"
        assert again.json()["outcome"] == "unchanged"
        assert again.json()["person_id"] == first.json()["person_id"]
        assert again.json()["record"] == first.json()["record"]
        assert first.json()["record"]["record_version"] == 1
        assert OutboxEvent.objects.count() == events
        assert SourceRecordVersion.objects.count() == 1

    def test_another_system_s_record_of_the_same_resident_links_to_them(self, feed):
        first = feed.send("PUT", self.path(), {"attributes": ISLA}).json()
        other = {**ISLA, "given_name": "Isla", "family_name": "McKay", "sex": ""}

        linked = feed.send("PUT", self.path("council-tax", "CTR1"), {"attributes": other}).json()

        assert linked["outcome"] == "linked"
        assert linked["person_id"] == first["person_id"]
        assert linked["weight"] > 0

    def test_a_change_is_kept_as_a_new_version(self, feed):
        feed.send("PUT", self.path(), {"attributes": ISLA})

        changed = feed.send(
            "PUT", self.path(), {"attributes": {**ISLA, "phone": "07700 900999"}}
        ).json()

        assert changed["record"]["record_version"] == 2
        assert SourceRecordVersion.objects.count() == 2

    def test_a_bad_date_of_birth_is_refused_naming_the_field(self, feed):
        body = problem(
            feed.send("PUT", self.path(), {"attributes": {**ISLA, "date_of_birth": "14/05/1990"}}),
            422,
        )

        assert body["errors"][0]["pointer"] == "#/attributes/date_of_birth"
        assert SourceRecord.objects.count() == 0

    def test_an_unknown_field_is_refused_naming_it(self, feed):
        body = problem(
            feed.send("PUT", self.path(), {"attributes": {**ISLA, "shoe_size": "6"}}), 422
        )

        assert body["errors"][0]["pointer"] == "#/attributes/shoe_size"

    def test_an_unknown_system_is_refused_naming_the_path(self, feed):
        body = problem(feed.send("PUT", self.path("library", "L1"), {"attributes": ISLA}), 422)

        assert body["errors"][0]["pointer"] == "path.system"

    def test_it_needs_the_write_scope_and_the_permission(self, setting, feed):
        register_systems()
        grant(setting.adviser, "people.manage_source_records")
        without_scope = api(setting.adviser, ["people:read"])
        body = problem(without_scope.send("PUT", self.path(), {"attributes": ISLA}), 403)
        assert body["required_scope"] == "people:write"

        problem(api(setting.social_worker).send("PUT", self.path(), {"attributes": ISLA}), 403)
        assert SourceRecord.objects.count() == 0


class TestRetiredIds:
    def merge(self, index: Index) -> Person:
        other = Person.objects.get(pk=index.review.record.person_id)
        response = api(index.steward).post(
            f"{PEOPLE}/{index.isla.pk}/merge", {"other": str(other.pk), "reason": "Same CHI"}
        )
        assert response.status_code == 201, response.content
        return other

    def test_a_merged_id_answers_where_it_went(self, index):
        other = self.merge(index)

        response = api(index.steward).get(f"{PEOPLE}/{other.pk}")

        assert response.status_code == 301
        assert response["Location"] == f"{PEOPLE}/{index.isla.pk}"
        assert response.json()["merged_into"] == str(index.isla.pk)
        assert response.json()["id"] == str(other.pk)
        current = api(index.steward).get(response["Location"])
        assert current.json()["given_name"] == "Isla"

    def test_the_redirect_keeps_the_purpose_asked_for(self, index):
        other = self.merge(index)

        response = api(index.steward).get(f"{PEOPLE}/{other.pk}", purpose="information_governance")

        assert response["Location"].endswith("?purpose=information_governance")

    def test_someone_who_may_not_see_the_survivor_gets_not_found(self, setting, index):
        other = self.merge(index)
        restrict(setting, index.isla)

        body = problem(api(setting.adviser).get(f"{PEOPLE}/{other.pk}"), 404)

        assert str(index.isla.pk) not in str(body)


class TestRankedSearch:
    def test_people_come_best_first_with_a_score(self, setting, index):
        items = api(setting.adviser).get(f"{PEOPLE}/search", name="Ilsa McKay").json()["items"]

        assert items[0]["person"]["id"] == str(index.isla.pk)
        assert items[0]["person"]["given_name"] == "Isla"
        assert "email" not in items[0]["person"], "the directory does not receive it"
        scores = [item["score"] for item in items]
        assert scores == sorted(scores, reverse=True)
        assert 0 < items[0]["probability"] <= 1

    def test_a_date_of_birth_and_a_postcode_narrow_it(self, setting, index):
        client = api(setting.adviser)

        found = client.get(
            f"{PEOPLE}/search", date_of_birth="1990-05-14", postcode="KL1 4QT"
        ).json()["items"]

        assert found[0]["person"]["id"] == str(index.isla.pk)

    def test_a_restricted_person_is_not_found_and_every_one_listed_is_logged(self, setting, index):
        restrict(setting, index.isla)

        items = api(setting.adviser).get(f"{PEOPLE}/search", name="Isla MacKay").json()["items"]

        ids = {item["person"]["id"] for item in items}
        assert str(index.isla.pk) not in ids
        listed = set(
            AccessLogEntry.objects.filter(user=setting.adviser, action="listed").values_list(
                "record_id", flat=True
            )
        )
        assert {str(pk) for pk in listed} == ids

    def test_nothing_to_search_for_is_refused(self, setting):
        body = problem(api(setting.adviser).get(f"{PEOPLE}/search"), 422)

        assert body["errors"][0]["pointer"] == "query.name"

    def test_a_bad_date_is_refused_naming_it(self, setting):
        body = problem(api(setting.adviser).get(f"{PEOPLE}/search", date_of_birth="1990"), 422)

        assert body["errors"][0]["pointer"] == "query.date_of_birth"


class TestMergeAndUnmerge:
    def test_a_merge_then_its_unmerge_restore_both_ids(self, index):
        client = api(index.steward)
        other = index.review.record.person_id

        merged = client.post(
            f"{PEOPLE}/{index.isla.pk}/merge",
            {"other": str(other), "reason": "Same CHI on the tenancy"},
        )
        assert merged.status_code == 201
        assert merged["Location"] == f"{PEOPLE}/{index.isla.pk}"
        assert merged.json()["kind"] == "merge"
        assert merged.json()["other"] == str(other)
        assert len(merged.json()["records"]) == 1

        undone = client.post(
            f"{PEOPLE}/merges/{merged.json()['id']}/unmerge", {"reason": "Different people"}
        )
        assert undone.status_code == 201
        assert undone.json()["kind"] == "unmerge"
        assert undone["Location"] == f"{PEOPLE}/{other}"
        assert client.get(f"{PEOPLE}/{other}").status_code == 200
        again = client.post(f"{PEOPLE}/merges/{merged.json()['id']}/unmerge", {"reason": "Twice"})
        assert problem(again, 409)["detail"] == "This merge has already been undone."

    def test_a_retry_with_the_same_key_merges_once(self, index):
        client = api(index.steward)
        other = str(index.review.record.person_id)
        body = {"other": other, "reason": "Same person"}
        headers = {"Idempotency-Key": "merge-isla-1"}

        first = client.post(f"{PEOPLE}/{index.isla.pk}/merge", body, headers=headers)
        second = client.post(f"{PEOPLE}/{index.isla.pk}/merge", body, headers=headers)

        assert first.status_code == second.status_code == 201
        assert second["Idempotent-Replayed"] == "true"
        assert second.json() == first.json()
        assert Lineage.objects.filter(kind="merge").count() == 1

    def test_merging_a_person_with_themselves_is_refused(self, index):
        body = problem(
            api(index.steward).post(
                f"{PEOPLE}/{index.isla.pk}/merge", {"other": str(index.isla.pk), "reason": "x"}
            ),
            422,
        )

        assert body["errors"][0]["pointer"] == "#/other"

    def test_a_reason_is_required(self, index):
        body = problem(
            api(index.steward).post(
                f"{PEOPLE}/{index.isla.pk}/merge",
                {"other": str(index.review.record.person_id)},
            ),
            422,
        )

        assert body["errors"][0]["pointer"] == "#/reason"

    def test_merging_needs_the_permission(self, setting, index):
        grant(setting.adviser, "people.view_all_people")

        problem(
            api(setting.adviser).post(
                f"{PEOPLE}/{index.isla.pk}/merge",
                {"other": str(index.review.record.person_id), "reason": "x"},
            ),
            403,
        )
        assert Lineage.objects.filter(kind="merge").count() == 0


class TestReviews:
    def test_the_queue_lists_pending_pairs_with_their_explanation(self, index):
        body = api(index.steward).get(f"{PEOPLE}/reviews").json()

        [review] = body["items"]
        assert review["id"] == str(index.review.pk)
        assert review["status"] == "pending"
        assert review["record"]["attributes"]["given_name"] == "I"
        assert review["candidate"]["attributes"]["given_name"] == "Isla"
        assert {level["comparison"] for level in review["explanation"]} >= {
            "given_name",
            "date_of_birth",
        }
        assert body["next_cursor"] is None

    def test_a_decision_is_recorded_and_a_second_one_is_refused(self, index):
        client = api(index.steward)
        path = f"{PEOPLE}/reviews/{index.review.pk}/decision"

        decided = client.post(path, {"decision": "not_match", "note": "Different people"})

        assert decided.status_code == 200
        assert decided.json()["status"] == "not_match"
        assert decided.json()["note"] == "Different people"
        assert client.get(f"{PEOPLE}/reviews").json()["items"] == []
        problem(client.post(path, {"decision": "match"}), 409)
        assert MatchReview.objects.get(pk=index.review.pk).status == "not_match"

    def test_a_match_merges_the_two(self, index):
        other = index.review.record.person_id

        api(index.steward).post(
            f"{PEOPLE}/reviews/{index.review.pk}/decision", {"decision": "match"}
        )

        assert Person.objects.get(pk=other).merged_into_id == index.isla.pk

    def test_an_unknown_decision_is_refused_naming_the_field(self, index):
        body = problem(
            api(index.steward).post(
                f"{PEOPLE}/reviews/{index.review.pk}/decision", {"decision": "perhaps"}
            ),
            422,
        )

        assert body["errors"][0]["pointer"] == "#/decision"

    def test_a_pair_with_a_restricted_person_is_hidden(self, setting, index):
        restrict(setting, index.isla)
        client = api(index.steward)

        assert client.get(f"{PEOPLE}/reviews").json()["items"] == []
        problem(
            client.post(f"{PEOPLE}/reviews/{index.review.pk}/decision", {"decision": "match"}),
            404,
        )

    def test_only_reviewers_may_see_the_queue(self, setting, index):
        grant(setting.adviser, "people.view_all_people")

        problem(api(setting.adviser).get(f"{PEOPLE}/reviews"), 403)


def test_the_new_operations_are_in_a_valid_description(setting, index):
    from openapi_spec_validator import validate

    spec = api(index.steward).get("/api/v1/openapi.json").json()

    validate(spec)
    paths = spec["paths"]
    assert "put" in paths["/api/v1/people/sources/{system}/{source_id}"]
    assert "301" in paths["/api/v1/people/{person_id}"]["get"]["responses"]
    merge = paths["/api/v1/people/{person_id}/merge"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in merge["parameters"]]
