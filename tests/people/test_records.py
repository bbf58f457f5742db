"""Finding people through the access policy, and the fields each reader gets for each person."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from burgh.core.errors import PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import AccessLogEntry, Purpose
from burgh.identity.services import sharing
from burgh.people.models import Person
from burgh.people.services import export_people, person_record, person_rows, search_people
from burgh.places.services import addresses
from tests.people.setting import HOME_UPRN, grant

HSC = Purpose.HEALTH_AND_SOCIAL_CARE
MORAG_ADDRESS = "Flat 0/1, 3 Mill Lane, Ardmhor, KL6 2AB"


def found(user, purpose=Purpose.SERVICE_DELIVERY, **search) -> list[str]:
    visible = search_people(user, purpose=purpose, **search)
    return [f"{p.given_name} {p.family_name}" for p in visible.queryset]


@pytest.mark.parametrize("text", ["camp", "CAMPBELL", "Morag", "mo"])
def test_one_word_matches_the_start_of_the_given_or_family_name_in_any_case(setting, text):
    assert found(setting.adviser, text=text) == ["Morag Campbell"]


@pytest.mark.parametrize("text", ["ampbell", "organ", "Campbells"])
def test_a_word_from_the_middle_of_a_name_matches_nobody(setting, text):
    assert found(setting.adviser, text=text) == []


def test_two_words_match_the_given_name_then_the_family_name(setting):
    Person.objects.create(given_name="Campbell", family_name="Morrison")

    assert found(setting.adviser, text="mor camp") == ["Morag Campbell"]
    assert found(setting.adviser, text="camp mor") == ["Campbell Morrison"]
    assert found(setting.adviser, text="  Morag   Campbell ") == ["Morag Campbell"]


def test_a_name_of_three_words_may_split_anywhere(setting):
    Person.objects.create(given_name="Mary Ann", family_name="Smith")
    Person.objects.create(given_name="Ruaridh", family_name="Mac Leod")

    assert found(setting.adviser, text="mary ann smith") == ["Mary Ann Smith"]
    assert found(setting.adviser, text="ruaridh mac leod") == ["Ruaridh Mac Leod"]


def test_a_date_of_birth_narrows_the_search(setting):
    Person.objects.create(given_name="Morag", family_name="Bell", date_of_birth=date(1990, 1, 1))

    assert found(setting.adviser, text="morag", born_on=date(1984, 3, 27)) == ["Morag Campbell"]
    assert found(setting.adviser, born_on=date(1990, 1, 1)) == ["Morag Bell"]


def test_people_come_in_family_then_given_name_order(setting):
    Person.objects.create(given_name="Alasdair", family_name="Campbell")
    Person.objects.create(given_name="Zoe", family_name="Abbot")

    assert found(setting.adviser) == [
        "Zoe Abbot",
        "Alasdair Campbell",
        "Morag Campbell",
        "Ewan MacDonald",
    ]


def test_someone_with_no_people_role_finds_nobody(setting, staff_user):
    assert found(staff_user) == []


def test_the_directory_gives_identifying_fields_and_the_current_address_only(setting):
    visible = search_people(setting.adviser, text="Campbell", purpose=Purpose.SERVICE_DELIVERY)

    [row] = person_rows(visible, list(visible.queryset))

    assert row == {
        "id": setting.morag.pk,
        "given_name": "Morag",
        "family_name": "Campbell",
        "date_of_birth": date(1984, 3, 27),
        "address": MORAG_ADDRESS,
    }


def test_a_worker_on_the_case_gets_every_field_with_the_involvements(setting):
    record = person_record(
        setting.morag, policy.why(setting.social_worker, "people.person", setting.morag.pk).fields
    )

    assert record["email"] == "morag.campbell@example.com"
    assert record["phone"] == "07700 900123"
    assert sorted(item["team"] for item in record["involvements"]) == [
        "Children and families",
        "Discharge team",
    ]
    ours = next(i for i in record["involvements"] if i["team"] == "Children and families")
    assert ours["worker"] == "Iona Grant"
    assert ours["reason"] == "Child protection plan"
    assert ours["ended_on"] is None


def test_a_partner_gets_only_the_agreed_fields_and_cannot_search_on_others(setting):
    sharing.record_consent(
        by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
    )
    visible = search_people(setting.nurse, purpose=HSC)

    assert person_rows(visible, list(visible.queryset)) == [
        {
            "id": setting.morag.pk,
            "given_name": "Morag",
            "family_name": "Campbell",
            "phone": "07700 900123",
        }
    ]
    # The date of birth is not shared, so searching by it must not confirm it.
    assert found(setting.nurse, purpose=HSC, born_on=date(1984, 3, 27)) == []
    assert found(setting.nurse, purpose=HSC, text="Campbell") == ["Morag Campbell"]


def test_a_search_does_not_read_columns_its_reader_may_not_see(setting):
    visible = search_people(setting.adviser, purpose=Purpose.SERVICE_DELIVERY)

    with CaptureQueriesContext(connection) as queries:
        person_rows(visible, list(visible.queryset))

    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"date_of_birth"' in sql
    assert '"email"' not in sql
    assert '"phone"' not in sql
    # Involvements are looked up only inside the policy's filter, never read out.
    assert not any(
        query["sql"].startswith('SELECT "people_involvement"') for query in queries.captured_queries
    )


def test_addresses_are_single_lines_by_uprn(setting):
    assert addresses([HOME_UPRN, "999"]) == {HOME_UPRN: MORAG_ADDRESS}


class TestExport:
    def test_columns_are_the_fields_some_row_may_show(self, setting):
        export = export_people(setting.social_worker, purpose=Purpose.SERVICE_DELIVERY)
        rows = list(export.rows)

        assert export.columns == ["id", *policy.get("people.person").fields]
        assert [row["id"] for row in rows] == [setting.morag.pk]
        assert export.count == 1

    def test_every_exported_row_is_in_the_access_log(self, setting):
        export_people(setting.social_worker, purpose=Purpose.SERVICE_DELIVERY)

        entry = AccessLogEntry.objects.get(record_id=setting.morag.pk)
        assert (entry.user, entry.action, entry.outcome) == (
            setting.social_worker,
            AccessLogEntry.Action.EXPORTED,
            AccessLogEntry.Outcome.ALLOWED,
        )

    def test_a_partner_export_has_only_the_agreed_columns(self, setting):
        sharing.record_consent(
            by=setting.officer, person_id=setting.morag.pk, agreement=setting.agreement
        )
        grant(setting.nurse, "people.export_people")

        export = export_people(setting.nurse, purpose=HSC)

        assert export.columns == ["id", "given_name", "family_name", "phone"]
        [morag] = export.rows
        assert morag["phone"] == "07700 900123"

    def test_the_directory_alone_cannot_export(self, setting):
        with pytest.raises(PermissionDeniedError):
            export_people(setting.adviser, purpose=Purpose.SERVICE_DELIVERY)
