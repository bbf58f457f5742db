"""The people API: search, count, export, detail and emergency access, through the policy."""

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from django.core import signing
from django.utils import timezone

from burgh.identity.models import (
    AccessLogEntry,
    BreakGlassGrant,
    DataSharingAgreement,
    LawfulBasis,
    Purpose,
    RecordRestriction,
)
from burgh.identity.services import sharing
from burgh.people.models import Household, HouseholdMember, Involvement, Person
from tests.api.conftest import problem
from tests.people.setting import HOME_UPRN, Setting, grant, make_setting

PEOPLE = "/api/v1/people"
HSC = str(Purpose.HEALTH_AND_SOCIAL_CARE)
EVERY_FIELD = {
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "email",
    "phone",
    "involvements",
}


@pytest.fixture
def setting(db) -> Setting:
    return make_setting()


@pytest.fixture
def api_for(api_as):
    def _client(user):
        return api_as(user, ["people:read"])

    return _client


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def consent(setting) -> None:
    sharing.record_consent(
        by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
    )


class TestList:
    def test_a_worker_gets_every_field_of_the_people_they_work_with(self, setting, api_for):
        body = api_for(setting.social_worker).get(PEOPLE).json()

        [morag] = body["items"]
        assert set(morag) == EVERY_FIELD
        assert morag["address"] == "Flat 0/1, 3 Mill Lane, Ardmhor, KL6 2AB"
        assert morag["date_of_birth"] == "1984-03-27"
        assert body["next_cursor"] is None

    def test_the_directory_gets_identifying_fields_only_and_the_rest_are_absent(
        self, setting, api_for
    ):
        items = api_for(setting.adviser).get(PEOPLE, q="Campbell").json()["items"]

        assert items == [
            {
                "id": str(setting.morag.pk),
                "given_name": "Morag",
                "family_name": "Campbell",
                "date_of_birth": "1984-03-27",
                "address": "Flat 0/1, 3 Mill Lane, Ardmhor, KL6 2AB",
            }
        ]

    def test_a_partner_sees_people_only_for_the_agreed_purpose_and_fields(self, setting, api_for):
        consent(setting)
        client = api_for(setting.nurse)

        assert client.get(PEOPLE).json()["items"] == []
        items = client.get(PEOPLE, purpose=HSC).json()["items"]
        assert items == [
            {
                "id": str(setting.morag.pk),
                "given_name": "Morag",
                "family_name": "Campbell",
                "phone": "07700 900123",
            }
        ]

    def test_search_narrows_by_name_and_date_of_birth(self, setting, api_for):
        client = api_for(setting.adviser)

        def names(**params):
            return [i["family_name"] for i in client.get(PEOPLE, **params).json()["items"]]

        assert names() == ["Campbell", "MacDonald"]
        assert names(q="mac") == ["MacDonald"]
        assert names(q="ewan macd") == ["MacDonald"]
        assert names(born_on="1984-03-27") == ["Campbell"]
        assert names(q="mac", born_on="1984-03-27") == []

    def test_a_date_that_is_not_a_date_is_refused(self, setting, api_for):
        body = problem(api_for(setting.adviser).get(PEOPLE, born_on="27/03/1984"), 422)

        assert body["errors"][0]["pointer"] == "query.born_on"

    def test_an_unknown_purpose_is_refused(self, setting, api_for):
        problem(api_for(setting.adviser).get(PEOPLE, purpose="curiosity"), 422)

    def test_everyone_listed_is_in_their_access_log(self, setting, api_for):
        api_for(setting.adviser).get(PEOPLE)

        listed = AccessLogEntry.objects.filter(user=setting.adviser, action="listed")
        assert {entry.record_id for entry in listed} == {setting.morag.pk, setting.stranger.pk}

    def test_pages_follow_in_order_and_their_cursors_name_nobody(self, setting, api_for):
        for given in ("Anna", "Beth", "Cara", "Dora"):
            Person.objects.create(given_name=given, family_name="Campbell")
        client = api_for(setting.adviser)

        seen, cursors, params = [], [], {"q": "campbell", "limit": 2}
        while True:
            response = client.get(PEOPLE, **params)
            body = response.json()
            seen += [item["given_name"] for item in body["items"]]
            if not body["next_cursor"]:
                assert "Link" not in response
                break
            assert 'rel="next"' in response["Link"]
            cursors.append(body["next_cursor"])
            params = {"q": "campbell", "limit": 2, "cursor": body["next_cursor"]}

        assert seen == ["Anna", "Beth", "Cara", "Dora", "Morag"]
        for cursor in cursors:
            # Signed, but readable by anyone: it must carry no name.
            payload = signing.loads(cursor, salt="burgh.people.paging")
            assert set(payload) == {"p", "id"}

    def test_an_altered_cursor_is_refused(self, setting, api_for):
        body = problem(api_for(setting.adviser).get(PEOPLE, cursor="made-up"), 400)

        assert body["type"].endswith("/invalid-cursor")

    def test_a_token_without_the_scope_is_refused(self, setting, api_as):
        body = problem(api_as(setting.adviser, ["identity:read"]).get(PEOPLE), 403)

        assert body["required_scope"] == "people:read"


class TestCount:
    @pytest.mark.parametrize("who", ["social_worker", "adviser", "nurse", "officer"])
    def test_the_count_is_the_length_of_the_list(self, setting, api_for, who):
        consent(setting)
        client = api_for(getattr(setting, who))
        for params in ({}, {"purpose": HSC}, {"q": "campbell"}, {"born_on": "1971-11-02"}):
            items = client.get(PEOPLE, limit=200, **params).json()["items"]
            assert client.get(f"{PEOPLE}/count", **params).json() == {"count": len(items)}

    def test_a_restricted_person_is_not_counted(self, setting, api_for):
        client = api_for(setting.adviser)
        assert client.get(f"{PEOPLE}/count").json() == {"count": 2}

        restrict(setting, setting.stranger)

        assert client.get(f"{PEOPLE}/count").json() == {"count": 1}


def restrict(setting, person) -> None:
    restriction = RecordRestriction.objects.create(
        kind="people.person",
        record_id=person.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Councillor",
        restricted_by=setting.officer,
        review_on=timezone.localdate() + timedelta(days=180),
    )
    restriction.named_users.set([setting.officer])


class TestExport:
    def test_a_worker_downloads_a_csv_of_the_columns_they_may_receive(self, setting, api_for):
        response = api_for(setting.social_worker).get(f"{PEOPLE}/export")

        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="people-')
        [row] = csv_rows(response)
        assert list(row) == [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "address",
            "email",
            "phone",
            "involvements",
        ]
        assert row["id"] == str(setting.morag.pk)
        assert row["date_of_birth"] == "1984-03-27"
        assert "Children and families (Iona Grant): Child protection plan" in row["involvements"]

    def test_a_partner_export_has_no_column_for_what_is_not_shared(self, setting, api_for):
        consent(setting)
        grant(setting.nurse, "people.export_people")

        rows = csv_rows(api_for(setting.nurse).get(f"{PEOPLE}/export", purpose=HSC))

        assert rows == [
            {
                "id": str(setting.morag.pk),
                "given_name": "Morag",
                "family_name": "Campbell",
                "phone": "07700 900123",
            }
        ]

    def test_a_column_withheld_for_one_row_is_empty_in_that_row(self, setting, api_for):
        # Two agreements: phone numbers with consent (Morag gave it), dates of birth on the
        # basis of public task (for everyone the discharge team works with).
        consent(setting)
        grant(setting.nurse, "people.export_people")
        public_task = DataSharingAgreement.objects.create(
            reference="DSA-2026-002",
            title="Delayed discharge",
            purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            shared_fields={"people.person": ["given_name", "family_name", "date_of_birth"]},
            starts_on=setting.agreement.starts_on,
            review_on=setting.agreement.review_on,
            responsible_officer=setting.officer,
        )
        public_task.partners.set([setting.nhs])
        Involvement.objects.create(
            person=setting.stranger,
            team=Involvement.objects.get(person=setting.morag, worker=None).team,
            reason="Discharge planning",
            started_on=timezone.localdate(),
        )
        setting.stranger.phone = "07700 900999"
        setting.stranger.save()

        morag, ewan = csv_rows(api_for(setting.nurse).get(f"{PEOPLE}/export", purpose=HSC))

        assert list(morag) == ["id", "given_name", "family_name", "date_of_birth", "phone"]
        assert (morag["date_of_birth"], morag["phone"]) == ("1984-03-27", "07700 900123")
        assert (ewan["date_of_birth"], ewan["phone"]) == ("1971-11-02", "")

    def test_a_cell_that_would_run_as_a_formula_is_defused(self, setting, api_for):
        setting.morag.family_name = "=HYPERLINK(1)"
        setting.morag.save()

        [row] = csv_rows(api_for(setting.social_worker).get(f"{PEOPLE}/export"))

        assert row["family_name"] == "'=HYPERLINK(1)"
        assert row["phone"] == "07700 900123"

    def test_exports_are_logged_as_exports(self, setting, api_for):
        csv_rows(api_for(setting.social_worker).get(f"{PEOPLE}/export"))

        entry = AccessLogEntry.objects.get(user=setting.social_worker)
        assert (entry.record_id, entry.action) == (setting.morag.pk, "exported")

    def test_someone_who_may_not_export_is_refused(self, setting, api_for):
        body = problem(api_for(setting.adviser).get(f"{PEOPLE}/export"), 403)

        assert "export" in body["detail"]
        assert not AccessLogEntry.objects.filter(action="exported").exists()


class TestDetail:
    def test_a_worker_reads_a_person_with_an_etag(self, setting, api_for):
        response = api_for(setting.social_worker).get(f"{PEOPLE}/{setting.morag.pk}")

        assert response.status_code == 200
        assert response["ETag"] == '"1"'
        assert set(response.json()) == EVERY_FIELD

    def test_a_partner_receives_only_the_agreed_fields(self, setting, api_for):
        consent(setting)

        body = api_for(setting.nurse).get(f"{PEOPLE}/{setting.morag.pk}", purpose=HSC).json()

        assert body == {
            "id": str(setting.morag.pk),
            "given_name": "Morag",
            "family_name": "Campbell",
            "phone": "07700 900123",
        }

    def test_a_restricted_person_answers_exactly_as_one_that_never_existed(self, setting, api_for):
        restrict(setting, setting.stranger)
        client = api_for(setting.adviser)
        client.get(f"{PEOPLE}/count")  # the token's first use is recorded once

        restricted = client.get(f"{PEOPLE}/{setting.stranger.pk}")
        missing = client.get(f"{PEOPLE}/{uuid.uuid4()}")

        assert problem(restricted, 404) == {
            **problem(missing, 404),
            "instance": restricted.wsgi_request.path,
        }
        varying = {"X-Request-ID"}
        assert {k: v for k, v in restricted.headers.items() if k not in varying} == {
            k: v for k, v in missing.headers.items() if k not in varying
        }

    def test_no_relationship_is_403_offering_emergency_access(self, setting, api_for):
        body = problem(api_for(setting.social_worker).get(f"{PEOPLE}/{setting.stranger.pk}"), 403)

        assert body["emergency_access_available"] is True
        assert body["rule"] == "no_relationship"


class TestEmergencyAccess:
    def take(self, client, person, **changes):
        body = {
            "reason": "Police called about a child at the address",
            "purpose": "safeguarding",
            "minutes": 30,
            **changes,
        }
        return client.post(f"{PEOPLE}/{person.pk}/emergency-access", body)

    def test_emergency_access_opens_the_record_until_it_expires(self, setting, api_for):
        client = api_for(setting.social_worker)
        problem(client.get(f"{PEOPLE}/{setting.stranger.pk}"), 403)

        response = self.take(client, setting.stranger)

        assert response.status_code == 201, response.content
        body = response.json()
        grant_row = BreakGlassGrant.objects.get(pk=body["id"])
        assert body["record_id"] == str(setting.stranger.pk)
        assert body["purpose"] == "safeguarding"
        assert grant_row.expires_at - grant_row.starts_at == timedelta(minutes=30)
        assert body["expires_at"].startswith(str(grant_row.expires_at.date()))
        detail = client.get(f"{PEOPLE}/{setting.stranger.pk}")
        assert detail.status_code == 200
        assert detail.json()["date_of_birth"] == str(date(1971, 11, 2))

    def test_a_reason_and_an_allowed_length_are_needed(self, setting, api_for):
        response = self.take(
            api_for(setting.social_worker), setting.stranger, reason="urgent", minutes=7
        )

        body = problem(response, 422)
        assert {error["pointer"] for error in body["errors"]} == {"#/reason", "#/minutes"}
        assert not BreakGlassGrant.objects.exists()

    def test_someone_who_can_already_see_the_record_is_told_so(self, setting, api_for):
        problem(self.take(api_for(setting.social_worker), setting.morag), 409)

    def test_someone_without_break_glass_gets_not_found(self, setting, api_for):
        problem(self.take(api_for(setting.nurse), setting.stranger), 404)


def test_a_page_of_fifty_costs_no_more_queries_than_a_page_of_one(
    setting, api_for, django_assert_max_num_queries
):
    grant(setting.social_worker, "people.view_all_people")
    client = api_for(setting.social_worker)
    client.get(f"{PEOPLE}/count")
    home = Household.objects.get(uprn=HOME_UPRN)
    with django_assert_max_num_queries(40) as one:
        assert len(client.get(PEOPLE, limit=1).json()["items"]) == 1
    for number in range(50):
        person = Person.objects.create(given_name=f"Given{number}", family_name="Aitken")
        HouseholdMember.objects.create(household=home, person=person)
        Involvement.objects.create(
            person=person,
            team=setting.team,
            reason="Assessment",
            started_on=timezone.localdate(),
        )

    with django_assert_max_num_queries(len(one.captured_queries)):
        items = client.get(PEOPLE, limit=50).json()["items"]

    assert len(items) == 50
    assert all(item["address"] and item["involvements"] for item in items)
