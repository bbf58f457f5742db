"""Cursor pagination: walking every page gives every item once, and cursors cannot be forged."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burgh.identity.models import Team
from tests.api.conftest import problem
from tests.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _walk(api, path="/api/v1/teams", between_pages=None, **params):
    """Every item's id, following next_cursor; also checks the Link header matches it."""
    seen, cursor, pages = [], None, 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = api.get(path, **query)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            assert "Link" not in response
            return seen, pages
        link = response["Link"]
        assert link.endswith('>; rel="next"')
        linked = parse_qs(urlsplit(link[1 : link.index(">")]).query)
        assert linked["cursor"] == [cursor]
        if between_pages:
            between_pages()


def test_the_first_page_has_the_default_size_and_a_cursor(api, manager):
    TeamFactory.create_batch(51, organisation=manager.organisation)

    body = api.get("/api/v1/teams").json()

    assert len(body["items"]) == 50
    assert body["next_cursor"]


def test_walking_all_pages_gives_every_team_once_in_order(api, manager):
    for index in range(23):
        # Repeated names make the id the tie-breaker.
        TeamFactory(organisation=manager.organisation, name=f"Team {index % 4}")

    seen, pages = _walk(api, limit=5)

    expected = [str(pk) for pk in Team.objects.order_by("name", "id").values_list("id", flat=True)]
    assert seen == expected
    assert pages == 5


def test_a_team_added_while_walking_does_not_shift_or_repeat_items(api, manager):
    for index in range(10):
        TeamFactory(organisation=manager.organisation, name=f"Housing {index:02d}")
    before = set(map(str, Team.objects.values_list("id", flat=True)))

    def someone_adds_a_team():
        TeamFactory(organisation=manager.organisation, name="Housing 00 (new)")

    seen, _pages = _walk(api, limit=3, between_pages=someone_adds_a_team)

    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_filters_carry_through_the_cursor(api, manager):
    police = OrganisationFactory(slug="police-scotland", name="Police Scotland", kind="police")
    TeamFactory.create_batch(7, organisation=police)
    TeamFactory.create_batch(4, organisation=manager.organisation)

    seen, _pages = _walk(api, organisation="police-scotland", limit=2)

    assert set(seen) == set(map(str, police.teams.values_list("id", flat=True)))


def test_active_on_keeps_only_teams_existing_that_day(api, manager):
    org = manager.organisation
    standing = TeamFactory(organisation=org, name="Standing team")
    flood = TeamFactory(
        organisation=org,
        name="Flood",
        kind="rapid_response",
        starts_on="2026-01-10",
        ends_on="2026-02-10",
    )
    TeamFactory(organisation=org, name="Old flood", starts_on="2025-01-01", ends_on="2025-02-01")

    seen, _pages = _walk(api, active_on="2026-02-10")

    assert set(seen) == {str(standing.pk), str(flood.pk)}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(
        st.sampled_from(["Adult care", "adult care", "Bins", "Éducation", "Zoo"]), max_size=18
    ),
    limit=st.integers(min_value=1, max_value=7),
)
def test_any_set_of_teams_walks_completely_without_duplicates(api, manager, names, limit):
    Team.objects.all().delete()
    for index, name in enumerate(names):
        TeamFactory(organisation=manager.organisation, name=name, slug=f"t-{index}")

    seen, pages = _walk(api, limit=limit)

    expected = [str(pk) for pk in Team.objects.order_by("name", "id").values_list("id", flat=True)]
    assert seen == expected
    assert pages == max(1, -(-len(names) // limit))


class TestRefusedCursors:
    def _a_cursor(self, api, manager):
        TeamFactory.create_batch(3, organisation=manager.organisation)
        return api.get("/api/v1/teams", limit=1).json()["next_cursor"]

    def test_a_tampered_cursor_is_a_400_naming_the_parameter(self, api, manager):
        cursor = self._a_cursor(api, manager)
        tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")

        body = problem(api.get("/api/v1/teams", cursor=tampered), 400)

        assert body["type"] == "https://burgh.example/problems/invalid-cursor"
        assert body["errors"][0]["pointer"] == "query.cursor"
        assert "cursor" in body["detail"]

    def test_a_cursor_from_another_list_is_refused(self, api, manager, issue):
        for _ in range(2):
            issue(manager)
        token_cursor = api.get("/api/v1/tokens", limit=1).json()["next_cursor"]

        problem(api.get("/api/v1/teams", cursor=token_cursor), 400)

    def test_a_cursor_signed_for_something_else_is_refused(self, api):
        forged = signing.dumps({"p": "/api/v1/teams", "v": ["A", "x"]})

        problem(api.get("/api/v1/teams", cursor=forged), 400)

    @pytest.mark.parametrize("limit", ["0", "201", "ten"])
    def test_a_limit_outside_1_to_200_is_refused(self, api, limit):
        body = problem(api.get("/api/v1/teams", limit=limit), 422)

        assert body["errors"][0]["pointer"] == "query.limit"


def test_the_callers_tokens_are_listed_newest_first_without_secrets(api, manager, issue):
    _old, old_raw = issue(manager, name="Old integration")
    _new, new_raw = issue(manager, name="New integration")

    response = api.get("/api/v1/tokens")

    names = [item["name"] for item in response.json()["items"]]
    assert names[:2] == ["New integration", "Old integration"]
    text = response.content.decode()
    for raw in (old_raw, new_raw):
        assert raw.split("_", 2)[2] not in text
    assert "digest" not in text
