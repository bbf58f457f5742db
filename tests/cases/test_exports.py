"""Exporting a queue as CSV, by the API and from a team's queue page: only the cases the reader
may export, in queue order, each row with only the fields its grants allow, every row in the
access log."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.cases import services
from burgh.cases.access import CASE
from burgh.cases.models import Case
from burgh.identity.models import (
    AccessLogEntry,
    ConsentRecord,
    LawfulBasis,
    Purpose,
    RecordRestriction,
)
from burgh.people.models import Person
from tests.api.conftest import problem
from tests.cases.setting import HOME_UPRN, grant
from tests.cases.test_api import CASES, api_for, pothole, referral
from tests.clients import page_client
from tests.identity.access_helpers import agreement, officer, partner, staff

__all__ = ["api_for"]  # the fixture, shared with test_api

EXPORT = f"{CASES}/export"
PAGE_EXPORT = reverse("cases:export")
HEALTH = Purpose.HEALTH_AND_SOCIAL_CARE


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def ids(rows) -> list[str]:
    return [row["id"] for row in rows]


def queue_of(team) -> str:
    return reverse("cases:team-queue", kwargs={"team_id": team.pk})


@pytest.fixture
def roads(cases):
    """A deep pothole (high priority), a shallow one allocated to an inspector, a closed one,
    and a child protection referral only the children's team may see."""
    deep = pothole(cases, title="Deep one")
    shallow = pothole(cases, title="Shallow one", uprn=HOME_UPRN, data={"depth": "under-40mm"})
    services.allocate_case(cases.roads_leader, shallow.pk, cases.inspector)
    done = pothole(cases, title="Mended")
    services.close_case(cases.inspector, done.pk, "repaired")
    return {"deep": deep, "shallow": shallow, "done": done, "referral": referral(cases)}


class TestApiExport:
    def test_a_leader_exports_the_teams_open_cases_in_queue_order(self, cases, roads, api_for):
        client = api_for(cases.roads_leader)

        rows = rows_of(client.get(EXPORT, team=str(cases.roads.pk)))

        assert ids(rows) == [str(roads["deep"].pk), str(roads["shallow"].pk)]
        deep, shallow = rows
        assert deep["reference"] == roads["deep"].reference
        assert (deep["case_type"], deep["status"], deep["priority"]) == (
            "Pothole",
            "Reported",
            "High",
        )
        assert (deep["team"], deep["owner"], shallow["owner"]) == (
            "Roads Maintenance",
            "",
            "Iain Inspector",
        )
        assert deep["title"] == "Deep one"
        assert deep["data"] == '{"depth": "over-40mm"}'
        assert deep["sla_state"] == "on_track"
        # Instants in UK time, to the second, as a spreadsheet reads them.
        received = Case.objects.get(pk=roads["deep"].pk).received_at
        assert deep["received_at"] == timezone.localtime(received).isoformat(timespec="seconds")

    def test_it_has_the_queues_filters_and_agrees_with_the_queue(self, cases, roads, api_for):
        client = api_for(cases.roads_leader)
        for params in (
            {"scope": "all"},
            {"team": str(cases.roads.pk), "priority": 2},
            {"scope": "unallocated", "team": str(cases.roads.pk)},
            {"owner": str(cases.inspector.pk)},
            {"scope": "all", "include_closed": "true"},
        ):
            listed = [item["id"] for item in client.get(CASES, **params).json()["items"]]

            assert ids(rows_of(client.get(EXPORT, **params))) == listed, params

    def test_every_row_is_in_the_access_log_as_exported(self, cases, roads, api_for):
        rows = rows_of(api_for(cases.roads_leader).get(EXPORT, scope="all"))

        logged = AccessLogEntry.objects.filter(user=cases.roads_leader, action="exported")
        assert {str(entry.record_id) for entry in logged} == set(ids(rows))
        assert {entry.kind for entry in logged} == {CASE}

    def test_a_sensitive_case_only_its_team_exports(self, cases, roads, api_for):
        grant(cases.roads_leader, "cases.view_all_cases")

        roads_rows = rows_of(api_for(cases.roads_leader).get(EXPORT, scope="all"))
        children_rows = rows_of(api_for(cases.children_leader).get(EXPORT, scope="all"))

        assert str(roads["referral"].pk) not in ids(roads_rows)
        assert ids(children_rows) == [str(roads["referral"].pk)]

    def test_a_role_that_may_not_export_is_refused(self, cases, roads, api_for):
        body = problem(api_for(cases.inspector).get(EXPORT, scope="all"), 403)

        assert "export" in body["detail"]
        assert not AccessLogEntry.objects.filter(action="exported").exists()

    def test_a_token_without_the_read_scope_is_refused(self, cases, api_for):
        body = problem(api_for(cases.roads_leader, ["cases:write"]).get(EXPORT), 403)

        assert body["required_scope"] == "cases:read"

    def test_a_filter_that_is_not_right_points_at_its_parameter(self, cases, api_for):
        body = problem(api_for(cases.roads_leader).get(EXPORT, scope="team"), 422)

        assert [error["pointer"] for error in body["errors"]] == ["query.team"]

    def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(self, cases, api_for):
        formula = pothole(cases, title='=HYPERLINK("http://evil.example","Click")')

        rows = rows_of(api_for(cases.roads_leader).get(EXPORT, team=str(cases.roads.pk)))

        assert [row["title"] for row in rows if row["id"] == str(formula.pk)] == [
            "'" + formula.title
        ]


class TestFieldsPerRow:
    @pytest.fixture
    def shared(self, cases, roads):
        """A health partner's worker allocated both open potholes, each about a resident: the
        public-task agreement shares references and statuses; the consent-based one titles too,
        and only the deep pothole's resident consented."""
        nhs = partner()
        nurse = staff(nhs, ["cases.view_case", "cases.export_cases"])
        deep, shallow = roads["deep"], roads["shallow"]
        Case.objects.filter(pk=deep.pk).update(owner=nurse, subject_person_id=cases.morag.pk)
        iain = Person.objects.create(given_name="Iain", family_name="Ross")
        Case.objects.filter(pk=shallow.pk).update(owner=nurse, subject_person_id=iain.pk)
        responsible = officer(cases.council)
        agreement(
            responsible,
            [nhs],
            reference="DSA-1",
            shared_fields={CASE: ["reference", "status"]},
        )
        consented = agreement(
            responsible,
            [nhs],
            reference="DSA-2",
            lawful_basis=LawfulBasis.CONSENT,
            shared_fields={CASE: ["reference", "status", "title"]},
        )
        ConsentRecord.objects.create(
            person_id=cases.morag.pk,
            agreement=consented,
            basis=LawfulBasis.CONSENT,
            purpose=HEALTH,
            given_by="Morag",
            recorded_by=responsible,
        )
        return nurse

    def test_only_shared_columns_and_a_withheld_field_is_blank(self, cases, roads, shared, api_for):
        response = api_for(shared).get(EXPORT, scope="all", purpose=HEALTH)

        rows = rows_of(response)
        assert list(rows[0]) == [
            *("id", "reference", "status", "stage", "outcome", "closed_at", "title"),
        ]
        by_id = {row["id"]: row for row in rows}
        assert by_id[str(roads["deep"].pk)]["title"] == "Deep one"
        assert by_id[str(roads["shallow"].pk)]["title"] == ""
        assert by_id[str(roads["shallow"].pk)]["status"] == "Reported"

    def test_a_partner_cannot_filter_on_a_field_not_shared_with_them(
        self, cases, roads, shared, api_for
    ):
        client = api_for(shared)

        for params in ({"case_type": "pothole"}, {"priority": 2}):
            assert ids(rows_of(client.get(EXPORT, purpose=HEALTH, **params))) == [], params
            listed = client.get(CASES, purpose=HEALTH, **params).json()["items"]
            assert listed == [], params


def test_a_case_restricted_while_the_export_runs_is_left_out(cases, roads):
    export = services.export_cases(
        cases.roads_leader, services.QueueFilter(team=cases.roads), purpose=Purpose.SERVICE_DELIVERY
    )
    restriction = RecordRestriction.objects.create(
        kind=CASE,
        record_id=roads["deep"].pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="A councillor's family",
        restricted_by=officer(cases.council),
        review_on=timezone.localdate() + timedelta(days=90),
    )
    restriction.named_users.set([])

    assert export.count == 2
    assert [row["id"] for row in export.rows] == [roads["shallow"].pk]


class TestPageExport:
    def test_the_queue_offers_its_filtered_cases_as_csv_to_a_leader(self, cases, roads):
        client = page_client(cases.roads_leader)

        page = client.get(queue_of(cases.roads), {"priority": "2"}).content.decode()

        link = f'{PAGE_EXPORT}?team={cases.roads.pk}&amp;priority=2"'
        assert link in page
        assert "Download as CSV" in page
        rows = rows_of(client.get(PAGE_EXPORT, {"team": cases.roads.pk, "priority": "2"}))
        assert ids(rows) == [str(roads["deep"].pk)]
        assert AccessLogEntry.objects.filter(
            user=cases.roads_leader, action="exported", record_id=roads["deep"].pk
        ).exists()

    def test_a_worker_whose_role_may_not_export_gets_no_link_and_is_refused(self, cases, roads):
        client = page_client(cases.inspector)

        page = client.get(queue_of(cases.roads)).content.decode()

        assert "Download as CSV" not in page
        assert client.get(PAGE_EXPORT, {"team": cases.roads.pk}).status_code == 403

    def test_another_teams_queue_is_not_found(self, cases, roads):
        response = page_client(cases.roads_leader).get(PAGE_EXPORT, {"team": cases.children.pk})

        assert response.status_code == 404

    def test_a_filter_that_is_not_right_goes_back_to_the_queue(self, cases, roads):
        response = page_client(cases.roads_leader).get(
            PAGE_EXPORT, {"team": cases.roads.pk, "priority": "9"}
        )

        assert response.status_code == 302
        assert response["Location"].startswith(queue_of(cases.roads))

    def test_every_case_the_reader_may_export(self, cases, roads):
        response = page_client(cases.children_leader).get(PAGE_EXPORT, {"scope": "all"})

        assert ids(rows_of(response)) == [str(roads["referral"].pk)]
