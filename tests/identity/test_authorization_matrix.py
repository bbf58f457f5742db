"""The generated authorization matrix, through the policy, the HTTP API and the pages.

Roles x relationship x organisation x consent x restriction x break-glass, for detail, list,
search, count and export: no record or field leaks, every permitted access is allowed, and
`why()` explains every decision. Mismatches are collected and reported together.
"""

import csv
import io
import random
import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.test import Client

from burgh.identity import policy
from tests.clients import page_client, token_client
from tests.identity.matrix import KINDS, MatrixKind, World, build_world, expect, purpose_for

ALLOWING = {
    policy.Rule.ALLOCATED,
    policy.Rule.TEAM,
    policy.Rule.MANAGER,
    policy.Rule.VIEW_ALL,
    policy.Rule.DIRECTORY,
    policy.Rule.AGREEMENT,
    policy.Rule.NAMED_ON_RESTRICTION,
    policy.Rule.BREAK_GLASS,
}
# Other users' records checked one by one (all of one's own are): enough to cover every
# combination of the other dimensions many times over, in a run that stays short.
OTHERS_SAMPLE = 40


def _checked_pairs(world: World) -> list:
    rng = random.Random(20261123)
    pairs = []
    owners = world.owners
    for key in world.users:
        own = [pair for pair in world.pairs_for(key) if owners[pair[2].pk] == key]
        others = [pair for pair in world.pairs_for(key) if owners[pair[2].pk] != key]
        pairs += own + rng.sample(others, min(OTHERS_SAMPLE, len(others)))
    return pairs


def _get(client: Client, url: str, params: dict | None = None):
    """GET `url` with `params` added to the query it already has (the test client would drop it)."""
    path, _, query = url.partition("?")
    return client.get(path, {**dict(parse_qsl(query)), **(params or {})})


def _all_result_pages(client: Client, path: str, params: dict) -> str:
    """The HTML of every page of a search's results, following the "Next" links."""
    pages, url, query = [], path, params
    while url:
        response = _get(client, url, query)
        assert response.status_code == 200, response.status_code
        html = response.content.decode()
        pages.append(html)
        following = re.search(r'class="govuk-pagination__next".*?href="([^"]+)"', html, re.S)
        url, query = (unescape(following.group(1)), None) if following else (None, None)
    return "\n".join(pages)


def _report(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} mismatches, first 25:\n" + "\n".join(failures[:25])


def test_every_record_kind_is_in_the_matrix():
    assert {kind.name for kind in policy.all_kinds()} == set(KINDS)


@pytest.mark.parametrize("kind_name", sorted(KINDS))
@pytest.mark.django_db
def test_policy_matrix(kind_name):
    world = build_world(KINDS[kind_name])
    kind = world.kind
    failures: list[str] = []
    for (role, org), user in world.users.items():
        viewer = policy.viewer_for(user)
        purpose = purpose_for(org)
        listed = policy.visible(viewer, kind.name, purpose=purpose)
        exported = policy.visible(viewer, kind.name, action=policy.Action.EXPORT, purpose=purpose)
        seen = {row.pk: listed.fields(row) for row in listed.queryset}
        out = {row.pk: exported.fields(row) for row in exported.queryset}
        if listed.queryset.count() != len(seen):
            failures.append(f"{role}/{org}: count {listed.queryset.count()} != list {len(seen)}")
        for _, _, record, scenario in world.pairs_for((role, org)):
            expected = expect(kind, role, org, scenario)
            where = f"{role}/{org} {scenario}"
            if seen.get(record.pk, frozenset()) != expected.view:
                failures.append(
                    f"list {where}: {sorted(seen.get(record.pk, ()))} != {sorted(expected.view)}"
                )
            if out.get(record.pk, frozenset()) != expected.export:
                failures.append(
                    f"export {where}: {sorted(out.get(record.pk, ()))} != {sorted(expected.export)}"
                )
    for (role, org), user, record, scenario in _checked_pairs(world):
        expected = expect(kind, role, org, scenario)
        decision = policy.why(
            policy.viewer_for(user), kind.name, record.pk, purpose=purpose_for(org)
        )
        where = f"why {role}/{org} {scenario}"
        if decision.allowed != bool(expected.view) or decision.fields != expected.view:
            failures.append(f"{where}: {decision}")
        elif decision.allowed and decision.rule not in ALLOWING:
            failures.append(f"{where}: allowed by a refusing rule {decision.rule}")
        elif not decision.allowed and decision.rule != expected.refusal:
            failures.append(f"{where}: refused by {decision.rule}, expected {expected.refusal}")
        elif not decision.allowed and decision.disclosed != expected.disclosed:
            failures.append(f"{where}: disclosed {decision.disclosed} != {expected.disclosed}")
        elif len(decision.explanation) < 10:
            failures.append(f"{where}: no explanation")
    _report(failures)


def _csv_fields(kind: MatrixKind, response) -> dict[str, frozenset[str]]:
    """The fields of each exported row's non-empty columns, by id."""
    if response.streaming:
        text = b"".join(response.streaming_content).decode()
    else:
        text = response.content.decode()
    return {
        row["id"]: kind.fields_of([k for k, v in row.items() if v != ""])
        for row in csv.DictReader(io.StringIO(text))
    }


def _export_mismatches(where: str, exported: dict, record, expected) -> list[str]:
    got = exported.get(str(record.pk), frozenset())
    # An export cell is empty when the value is, so only absence of withheld ones is exact.
    if not got <= expected.export or (expected.export and str(record.pk) not in exported):
        return [f"{where}: {sorted(got)} not within {sorted(expected.export)}"]
    return []


def _api_list(kind: MatrixKind, client: Client, purpose: str, **filters: str) -> dict:
    found, cursor = {}, None
    while True:
        params = {"purpose": purpose, "limit": 200, **filters}
        if cursor:
            params["cursor"] = cursor
        response = _get(client, kind.api_list, params)
        assert response.status_code == 200, response.content
        body = response.json()
        for item in body["items"]:
            found[item["id"]] = kind.fields_of(item)
        cursor = body["next_cursor"]
        if not cursor:
            return found


@pytest.mark.parametrize("kind_name", sorted(KINDS))
@pytest.mark.django_db
def test_api_matrix(kind_name):
    world = build_world(KINDS[kind_name])
    kind = world.kind
    failures: list[str] = []
    api_clients: dict[tuple[str, str], Client] = {}
    for (role, org), user in world.users.items():
        client = api_clients[(role, org)] = token_client(user, (kind.api_scope,))
        purpose = purpose_for(org)
        listed = _api_list(kind, client, purpose)
        count = _get(client, kind.api_count, {"purpose": purpose}).json()["count"]
        if count != len(listed):
            failures.append(f"{role}/{org}: API count {count} != listed {len(listed)}")
        response = _get(client, kind.api_export, {"purpose": purpose})
        exported: dict[str, frozenset[str]] = {}
        if response.status_code == 200:
            exported = _csv_fields(kind, response)
        elif response.status_code != 403:
            failures.append(f"{role}/{org}: export answered {response.status_code}")
        searched = (
            _api_list(kind, client, purpose, **kind.narrow(world.prefixes[(role, org)]))
            if kind.narrow
            else None
        )
        for _, _, record, scenario in world.pairs_for((role, org)):
            expected = expect(kind, role, org, scenario)
            where = f"{role}/{org} {scenario}"
            got = listed.get(str(record.pk), frozenset())
            if got != expected.view:
                failures.append(f"API list {where}: {sorted(got)} != {sorted(expected.view)}")
            failures += _export_mismatches(f"API export {where}", exported, record, expected)
            if searched is not None and world.owners[record.pk] == (role, org):
                got = searched.get(str(record.pk), frozenset())
                if got != expected.view:
                    failures.append(f"API search {where}: {sorted(got)} != {sorted(expected.view)}")
    for (role, org), _user, record, scenario in _checked_pairs(world):
        expected = expect(kind, role, org, scenario)
        client = api_clients[(role, org)]
        response = _get(client, kind.api_detail(record), {"purpose": purpose_for(org)})
        where = f"API detail {role}/{org} {scenario}"
        if expected.view:
            if response.status_code != 200:
                failures.append(f"{where}: {response.status_code}")
            elif kind.fields_of(response.json()) != expected.view:
                failures.append(
                    f"{where}: fields {sorted(response.json())} != {sorted(expected.view)}"
                )
        else:
            wanted = 403 if expected.disclosed else 404
            if response.status_code != wanted:
                failures.append(f"{where}: {response.status_code}, expected {wanted}")
    _report(failures)


@pytest.mark.parametrize("kind_name", sorted(KINDS))
@pytest.mark.django_db
def test_pages_matrix(kind_name):
    """Through the pages: the detail page's status, and no withheld value anywhere in the HTML."""
    world = build_world(KINDS[kind_name])
    kind = world.kind
    failures: list[str] = []
    clients: dict = {}
    for (role, org), user, record, scenario in _checked_pairs(world):
        if (role, org) not in clients:
            client = page_client(user, purpose_for(org))
            clients[(role, org)] = client
        client = clients[(role, org)]
        expected = expect(kind, role, org, scenario)
        response = _get(client, kind.page_detail(record))
        where = f"page {role}/{org} {scenario}"
        html = response.content.decode()
        if expected.view:
            if response.status_code != 200:
                failures.append(f"{where}: {response.status_code}")
        elif response.status_code != (403 if expected.disclosed else 404):
            failures.append(f"{where}: {response.status_code}")
        failures += _withheld_in(where, html, kind, record, expected.view)
    owners = world.owners
    for (role, org), client in clients.items():
        own = [
            (record, scenario)
            for _, _, record, scenario in world.pairs_for((role, org))
            if owners[record.pk] == (role, org)
        ]
        for listing in kind.page_lists(world, (role, org)):
            html = _all_result_pages(client, listing.path, dict(listing.params))
            for record, scenario in own:
                expected = expect(kind, role, org, scenario)
                where = f"page list {listing.path} {role}/{org} {scenario}"
                shown = str(record.pk) in html
                if scenario.relationship in listing.relationships and shown != bool(expected.view):
                    failures.append(f"{where}: shown={shown}")
                failures += _withheld_in(where, html, kind, record, expected.view)
        narrowed = kind.narrow(world.prefixes[(role, org)]) if kind.narrow else {}
        response = _get(client, kind.page_export, narrowed)
        exported = _csv_fields(kind, response) if response.status_code == 200 else {}
        if response.status_code not in (200, 403):
            failures.append(f"page export {role}/{org}: answered {response.status_code}")
        for record, scenario in own:
            expected = expect(kind, role, org, scenario)
            where = f"page export {role}/{org} {scenario}"
            failures += _export_mismatches(where, exported, record, expected)
    _report(failures)


def _withheld_in(where: str, html: str, kind: MatrixKind, record, shown: frozenset[str]) -> list:
    """A withheld field whose text is in the page."""
    texts = kind.texts(record)
    return [
        f"{where}: withheld {name} {texts[name]!r} is in the page"
        for name in sorted(kind.all_fields - shown)
        if texts.get(name) and texts[name] in html
    ]
