"""The queue pages: a worker's own cases, a team's queue with its filters, taking the next
case, a leader's bulk allocation (all or none), and the leader's view of the caseloads."""

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from burgh.cases import services
from burgh.cases.models import Case, CaseAllocation
from burgh.cases.services import IntakeRequest
from burgh.identity.models import AccessLogEntry
from tests.cases.setting import ROAD_UPRN
from tests.clients import page_client

pytestmark = pytest.mark.django_db

MINE = reverse("cases:my-cases")


def text_of(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    html: str = response.content.decode()
    assert " style=" not in html, "inline styles are refused by the CSP"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_rows(response: Any) -> list[list[str]]:
    """Each row of the page's first table body, as its cells' text."""
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", response.content.decode(), re.S)
    assert body, "no table"
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


def log_pothole(cases, depth: str = "under-40mm", **overrides) -> Case:
    values: dict[str, Any] = {
        "case_type": "pothole",
        "channel": "staff",
        "title": "Pothole on the High Street",
        "data": {"depth": depth},
        "uprn": ROAD_UPRN,
    }
    values.update(overrides)
    return services.intake(cases.adviser, IntakeRequest(**values)).case


def queue_of(team) -> str:
    return reverse("cases:team-queue", kwargs={"team_id": team.pk})


def test_my_cases_lists_the_workers_own_open_cases_with_tabs_to_their_teams(cases):
    mine = log_pothole(cases, title="Mine")
    services.allocate_case(cases.roads_leader, mine.pk, cases.inspector)
    log_pothole(cases, title="Still in the queue")
    closed = log_pothole(cases, title="Done already")
    services.allocate_case(cases.roads_leader, closed.pk, cases.inspector)
    services.close_case(cases.roads_leader, closed.pk, "repaired")
    client = page_client(cases.inspector)

    response = client.get(MINE)

    page = text_of(response)
    assert "1 open case allocated to you" in page
    assert [row[:3] for row in table_rows(response)] == [[mine.reference, "Pothole", "Mine"]]
    assert f'href="{queue_of(cases.roads)}"' in response.content.decode()
    assert "Children and Families North" not in page
    # The navigation offers the cases to those who work them, and not to an adviser.
    assert f'href="{MINE}"' in response.content.decode()
    adviser_home = page_client(cases.adviser).get("/").content.decode()
    assert f'href="{MINE}"' not in adviser_home
    assert AccessLogEntry.objects.filter(user=cases.inspector, action="listed").exists()


def test_a_team_queue_shows_its_cases_most_urgent_then_soonest_due(cases):
    now = timezone.now()
    later = log_pothole(cases, title="Due later")
    sooner = log_pothole(cases, title="Due sooner")
    urgent = log_pothole(cases, depth="over-40mm", title="Deep one")
    Case.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(days=4))
    Case.objects.filter(pk=sooner.pk).update(
        sla_due_at=now + timedelta(hours=2), sla_warn_at=now - timedelta(hours=1)
    )
    services.allocate_case(cases.roads_leader, sooner.pk, cases.inspector)

    response = page_client(cases.second_inspector).get(queue_of(cases.roads))

    rows = table_rows(response)
    assert [row[0].split()[0] for row in rows] == [
        urgent.reference,
        sooner.reference,
        later.reference,
    ]
    assert rows[0] == [
        f"{urgent.reference} High",
        "Pothole",
        "Deep one",
        "Not allocated",
        "Under an hour",
        "Reported",
        "On track",
    ]
    assert rows[1][3] == "Iain Inspector"
    assert rows[1][-1] == "At risk"
    page = text_of(response)
    assert "Take next case" in page
    # A worker allocates nothing: no checkboxes, and no way to post them.
    assert 'name="cases"' not in response.content.decode()
    refused = page_client(cases.second_inspector).post(
        queue_of(cases.roads), {"cases": [later.pk], "owner": cases.inspector.pk}
    )
    assert refused.status_code == 403


def test_the_queue_filters_by_status_type_priority_sla_and_worker(cases):
    now = timezone.now()
    first, second, deep = log_pothole(cases), log_pothole(cases), log_pothole(cases, "over-40mm")
    services.change_status(cases.roads_leader, second.pk, "inspection")
    services.allocate_case(cases.roads_leader, second.pk, cases.inspector)
    Case.objects.filter(pk=first.pk).update(sla_due_at=now - timedelta(hours=1))
    client = page_client(cases.roads_leader)

    def found(**query) -> list[str]:
        # A leader's rows start with a checkbox labelled "Select <reference>".
        rows = table_rows(client.get(queue_of(cases.roads), query))
        return sorted(re.findall(r"\bC\d{7}\b", row[1])[0] for row in rows)

    def references(*chosen) -> list[str]:
        return sorted(case.reference for case in chosen)

    assert found(status="inspection") == references(second)
    assert found(case_type="pothole") == references(first, second, deep)
    assert found(priority="2") == references(deep)
    assert found(sla="breached") == references(first)
    assert found(owner=str(cases.inspector.pk)) == references(second)
    assert found(owner="unallocated") == references(first, deep)
    empty = client.get(queue_of(cases.roads), {"sla": "paused"})
    assert "There are no open cases matching the filters" in text_of(empty)
    bad = client.get(queue_of(cases.roads), {"sla": "lost"})
    assert "There is a problem" in text_of(bad)


def test_a_queue_shows_fifty_cases_a_page(cases):
    for _ in range(51):
        log_pothole(cases)
    client = page_client(cases.roads_leader)

    first = client.get(queue_of(cases.roads))
    second = client.get(queue_of(cases.roads), {"page": "2"})

    assert len(table_rows(first)) == 50
    assert len(table_rows(second)) == 1
    assert "51 open cases" in text_of(first)
    assert 'rel="next"' in first.content.decode()


def test_someone_outside_the_team_cannot_open_its_queue(cases):
    response = page_client(cases.social_worker).get(queue_of(cases.roads))

    assert response.status_code == 404


def test_take_next_gives_the_most_urgent_unallocated_case_then_says_the_queue_is_empty(cases):
    log_pothole(cases)
    urgent = log_pothole(cases, "over-40mm")
    client = page_client(cases.inspector)

    taken = client.post(reverse("cases:take-next", kwargs={"team_id": cases.roads.pk}))

    assert taken["Location"] == reverse("cases:case", kwargs={"case_id": urgent.pk})
    assert Case.objects.get(pk=urgent.pk).owner == cases.inspector
    assert f"{urgent.reference} is yours now" in text_of(client.get(taken["Location"]))
    client.post(reverse("cases:take-next", kwargs={"team_id": cases.roads.pk}))
    empty = client.post(reverse("cases:take-next", kwargs={"team_id": cases.roads.pk}), follow=True)
    assert "There are no unallocated cases waiting in the Roads Maintenance queue" in text_of(empty)
    assert (
        client.get(reverse("cases:take-next", kwargs={"team_id": cases.roads.pk})).status_code
        == 405
    )


def test_a_leader_allocates_the_selected_cases_to_a_member(cases):
    one, two, other = log_pothole(cases), log_pothole(cases), log_pothole(cases)
    client = page_client(cases.roads_leader)
    form = client.get(queue_of(cases.roads)).content.decode()
    assert f'id="case-{one.pk}"' in form
    assert "Allocate selected" in form

    response = client.post(
        queue_of(cases.roads), {"cases": [one.pk, two.pk], "owner": cases.inspector.pk}
    )

    assert response.status_code == 302
    assert set(Case.objects.filter(owner=cases.inspector).values_list("pk", flat=True)) == {
        one.pk,
        two.pk,
    }
    assert Case.objects.get(pk=other.pk).owner is None
    assert CaseAllocation.objects.filter(how="bulk").count() == 2
    assert "2 cases allocated to Iain Inspector" in text_of(client.get(response["Location"]))


def test_a_bulk_allocation_that_cannot_all_be_made_makes_none_and_says_why(cases):
    held = [log_pothole(cases) for _ in range(2)]
    for case in held:
        services.allocate_case(cases.roads_leader, case.pk, cases.inspector)
    first, second = log_pothole(cases), log_pothole(cases)
    client = page_client(cases.roads_leader)

    response = client.post(
        queue_of(cases.roads), {"cases": [first.pk, second.pk], "owner": cases.inspector.pk}
    )

    page = text_of(response)
    assert "There is a problem" in page
    assert "None of the 2 cases was allocated: 1 could not be." in page
    assert f"{second.reference}: Iain Inspector already holds 3 open cases" in page
    assert f'href="#case-{second.pk}"' in response.content.decode()
    assert Case.objects.filter(pk__in=[first.pk, second.pk], owner__isnull=False).count() == 0
    # Over capacity on purpose, with the box ticked, it goes through.
    client.post(
        queue_of(cases.roads),
        {"cases": [first.pk, second.pk], "owner": cases.inspector.pk, "over_capacity": "on"},
    )
    assert Case.objects.filter(owner=cases.inspector).count() == 4


def test_a_bulk_allocation_needs_cases_and_a_worker(cases):
    log_pothole(cases)
    client = page_client(cases.roads_leader)

    page = text_of(client.post(queue_of(cases.roads), {"owner": ""}))

    assert "Select the cases to allocate" in page
    assert "Select who to allocate the cases to" in page


def test_the_leader_sees_each_members_load_and_where_the_teams_cases_are(cases):
    now = timezone.now()
    breached, at_risk = log_pothole(cases), log_pothole(cases)
    log_pothole(cases)
    old = log_pothole(cases, received_at=now - timedelta(days=40))
    Case.objects.filter(pk=breached.pk).update(sla_due_at=now - timedelta(hours=1))
    Case.objects.filter(pk=at_risk.pk).update(sla_warn_at=now - timedelta(hours=1))
    for case in (breached, at_risk):
        services.allocate_case(cases.roads_leader, case.pk, cases.inspector)
    client = page_client(cases.roads_leader)

    response = client.get(reverse("cases:caseloads", kwargs={"team_id": cases.roads.pk}))

    page = text_of(response)
    assert "4 open cases in the team's queue" in page
    members = table_rows(response)
    assert ["Iain Inspector", "2", "3", "1", "1"] in members
    assert ["Ishbel Inspector", "0", "3", "3", "0"] in members
    assert ["Rhona Leader", "0", "Not set", "Not set", "0"] in members
    tables = re.findall(r"<tbody[^>]*>(.*?)</tbody>", response.content.decode(), re.S)
    by_owner = " ".join(unescape(re.sub(r"<[^>]+>", " ", tables[1])).split())
    assert "Iain Inspector 0 1 at risk, Iain Inspector 1 breached, Iain Inspector 0 2" in by_owner
    assert "Not allocated 1 on track, Not allocated 0 1 breached, Not allocated 0 2" in by_owner
    # The one logged 40 days ago is long past due: breached, in the oldest band.
    by_age = " ".join(unescape(re.sub(r"<[^>]+>", " ", tables[2])).split())
    assert by_age == "Under a week 1 1 1 0 3 1 to 4 weeks 0 0 0 0 0 Over 4 weeks 0 0 1 0 1"
    assert f"owner={cases.inspector.pk}&amp;sla=breached" in response.content.decode()
    assert Case.objects.get(pk=old.pk).owner is None
    worker = page_client(cases.inspector).get(
        reverse("cases:caseloads", kwargs={"team_id": cases.roads.pk})
    )
    assert worker.status_code == 403


def test_a_vast_queue_is_counted_only_so_far_and_says_there_are_more(cases, monkeypatch):
    monkeypatch.setattr("burgh.cases.pages.queues.COUNTED_UP_TO", 3)
    for _ in range(4):
        log_pothole(cases)

    page = page_client(cases.roads_leader).get(queue_of(cases.roads))

    assert "More than 3 open cases" in text_of(page)
    assert len(table_rows(page)) == 3
