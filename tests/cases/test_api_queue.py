"""The queue at GET /api/v1/cases: only cases the caller may see, in queue order, shaped row by
row, counted alike, paged by cursor and written to the access log."""

import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from burgh.cases import services
from burgh.cases.api_schemas import QUEUE_SALT
from burgh.cases.models import Case
from burgh.identity.models import AccessLogEntry
from tests.api.conftest import problem
from tests.cases.setting import HOME_UPRN, ROAD_UPRN, pothole_definition
from tests.cases.test_api import CASES, DIRECTORY_KEYS, api_for, pothole, referral

__all__ = ["api_for"]  # the fixture, shared with test_api


@pytest.fixture
def council(cases):
    """Four potholes (one closed, one allocated), a graffiti report with no SLA, and a child
    protection referral only the children's team may see."""
    deep = pothole(cases)
    shallow = pothole(cases, uprn=HOME_UPRN, data={"depth": "under-40mm"})
    held = pothole(cases, data={"depth": "under-40mm"})
    services.allocate_case(cases.roads_leader, held.pk, cases.inspector)
    done = pothole(cases, uprn=HOME_UPRN)
    services.close_case(cases.inspector, done.pk, "repaired")
    services.save_case_type(
        None,
        pothole_definition(
            "kinloch/roads-maintenance", code="graffiti", name="Graffiti", sla=None, routing=[]
        ),
    )
    graffiti = pothole(cases, case_type="graffiti", data={"depth": "under-40mm"})
    return {
        "deep": deep,
        "shallow": shallow,
        "held": held,
        "done": done,
        "graffiti": graffiti,
        "referral": referral(cases),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def every_page(client, **params):
    seen, responses = [], []
    while True:
        response = client.get(CASES, **params)
        responses.append(response)
        seen += ids(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen, responses
        params = {**params, "cursor": cursor}


class TestWhoSeesWhat:
    @pytest.mark.parametrize(
        "who", ["adviser", "inspector", "roads_leader", "social_worker", "children_leader"]
    )
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"scope": "mine"},
            {"include_closed": "true"},
            {"case_type": "child-protection-referral"},
            {"sla": "on_track"},
            {"priority": 3},
        ],
    )
    def test_the_queue_never_lists_a_case_the_caller_may_not_see_and_the_count_agrees(
        self, cases, council, api_for, who, params
    ):
        user = getattr(cases, who)
        client = api_for(user)

        listed = ids(client.get(CASES, limit=200, **params))
        count = client.get(f"{CASES}/count", **params).json()["count"]

        assert count == len(listed)
        for case_id in listed:
            assert services.read_case(user, case_id).case  # readable one by one too
        sees_referral = who in ("social_worker", "children_leader")
        if params.get("case_type") or not params:
            assert (str(council["referral"].pk) in listed) is sees_referral

    def test_each_row_has_only_the_fields_its_reader_may_receive(self, cases, council, api_for):
        adviser_rows = api_for(cases.adviser).get(CASES).json()["items"]
        worker_rows = api_for(cases.inspector).get(CASES).json()["items"]

        assert {frozenset(row) for row in adviser_rows} == {frozenset(DIRECTORY_KEYS)}
        assert all({"title", "data", "uprn", "owner"} <= set(row) for row in worker_rows)
        assert not any({"parties", "tasks"} & set(row) for row in worker_rows)

    def test_every_listed_case_is_in_the_access_log(self, cases, council, api_for):
        listed = ids(api_for(cases.adviser).get(CASES))

        logged = AccessLogEntry.objects.filter(user=cases.adviser, action="listed")
        assert {str(entry.record_id) for entry in logged} == set(listed)

    def test_a_token_without_the_scope_is_refused(self, cases, api_for):
        body = problem(api_for(cases.adviser, ["cases:write"]).get(CASES), 403)

        assert body["required_scope"] == "cases:read"


class TestFiltersAndOrder:
    def test_most_urgent_then_soonest_due_and_no_sla_last(self, cases, council, api_for):
        shallow = Case.objects.get(pk=council["shallow"].pk)
        Case.objects.filter(pk=council["held"].pk).update(
            sla_due_at=shallow.sla_due_at - timedelta(hours=1)
        )

        listed = ids(api_for(cases.roads_leader).get(CASES, team=str(cases.roads.pk)))

        expected = ["deep", "held", "shallow", "graffiti"]
        assert listed == [str(council[name].pk) for name in expected]

    def test_the_shared_queue_mine_and_closed_ones(self, cases, council, api_for):
        client = api_for(cases.inspector)
        team = str(cases.roads.pk)

        unallocated = ids(client.get(CASES, scope="unallocated", team=team))
        mine = ids(client.get(CASES, scope="mine"))
        closed = ids(client.get(CASES, team=team, include_closed="true", status="repaired"))

        assert str(council["held"].pk) not in unallocated
        assert len(unallocated) == 3
        assert mine == [str(council["held"].pk)]
        assert closed == [str(council["done"].pk)]

    def test_by_reference_sla_state_and_owner(self, cases, council, api_for):
        client = api_for(cases.roads_leader)
        Case.objects.filter(pk=council["deep"].pk).update(
            sla_due_at=timezone.now() - timedelta(hours=1)
        )

        by_reference = ids(client.get(CASES, reference=council["shallow"].reference.lower()))
        breached = ids(client.get(CASES, sla="breached"))
        owned = ids(client.get(CASES, owner=str(cases.inspector.pk)))

        assert by_reference == [str(council["shallow"].pk)]
        assert breached == [str(council["deep"].pk)]
        assert owned == [str(council["held"].pk)]

    @pytest.mark.parametrize(
        ("params", "pointer"),
        [
            ({"scope": "unallocated"}, "query.team"),
            ({"team": str(uuid.UUID(int=1))}, "query.team"),
            ({"sla": "late"}, "query.sla"),
            ({"priority": 9}, "query.priority"),
            ({"scope": "everything"}, "query.scope"),
        ],
    )
    def test_a_bad_filter_names_the_parameter(self, cases, api_for, params, pointer):
        body = problem(api_for(cases.adviser).get(CASES, **params), 422)

        assert [error["pointer"] for error in body["errors"]] == [pointer]


class TestPages:
    def test_pages_follow_in_queue_order_with_a_link_to_the_next(self, cases, council, api_for):
        client = api_for(cases.roads_leader)
        whole = ids(client.get(CASES, team=str(cases.roads.pk)))

        seen, responses = every_page(client, team=str(cases.roads.pk), limit=1)

        assert seen == whole
        assert len(responses) == 4
        assert all('rel="next"' in r["Link"] for r in responses[:-1])
        assert "Link" not in responses[-1]

    def test_a_page_can_end_on_a_case_with_no_due_date(self, cases, council, api_for):
        for _ in range(2):
            pothole(cases, case_type="graffiti", uprn=ROAD_UPRN, data={"depth": "under-40mm"})
        client = api_for(cases.roads_leader)

        seen, _responses = every_page(client, case_type="graffiti", limit=2)

        assert len(seen) == len(set(seen)) == 3

    def test_an_altered_or_borrowed_cursor_is_refused(self, cases, council, api_for):
        client = api_for(cases.roads_leader)
        cursor = client.get(CASES, limit=1).json()["next_cursor"]
        values = [1, None, str(uuid.uuid4())]
        borrowed = signing.dumps({"p": "/api/v1/people", "v": values}, salt=QUEUE_SALT)

        for bad in (cursor[:-2] + "xx", borrowed):
            body = problem(client.get(CASES, cursor=bad), 400)
            assert body["type"].endswith("/invalid-cursor")


def test_a_page_of_twenty_costs_no_more_queries_than_a_page_of_one(
    cases, council, api_for, django_assert_max_num_queries
):
    client = api_for(cases.roads_leader)
    client.get(f"{CASES}/count")  # the token's first use is recorded once
    with django_assert_max_num_queries(60) as one:
        assert len(ids(client.get(CASES, limit=1))) == 1
    for number in range(20):
        pothole(cases, uprn=HOME_UPRN, title=f"Pothole {number}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ids(client.get(CASES, limit=20))) == 20
