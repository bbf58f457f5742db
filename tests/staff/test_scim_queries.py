"""Filtering, sorting, paging, attribute selection, ETags and error responses."""

import pytest

from burgh.identity.models import User
from tests.factories import UserFactory
from tests.staff.conftest import ENTERPRISE, created, error_of

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def people(scim):
    made = {}
    for user_name, given, department, email_type, active in [
        ("alice@kinloch.example", "Alice", "Housing", "work", True),
        ("bob@kinloch.example", "Bob", "Roads", "home", True),
        ("carol@kinloch.example", "Carol", "Housing", "work", False),
    ]:
        made[given] = created(
            scim,
            user_name,
            name={"givenName": given, "familyName": "Smith"},
            displayName=f"{given} Smith",
            active=active,
            emails=[{"value": user_name, "type": email_type, "primary": True}],
            **{ENTERPRISE: {"department": department}},
        )
    return made


def _names(scim, query):
    response = scim.get(f"Users?{query}")
    assert response.status_code == 200, response.content
    # The provider's own account (no name parts) is left out of the comparison.
    found = response.json().get("Resources", [])
    return sorted(r["name"]["givenName"] for r in found if "name" in r)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName eq "ALICE@kinloch.example"', ["Alice"]),
        ('userName ne "alice@kinloch.example"', ["Bob", "Carol"]),
        ('name.givenName co "o"', ["Bob", "Carol"]),
        ('userName sw "ca"', ["Carol"]),
        ('displayName ew "b smith"', ["Bob"]),
        ("active eq false", ["Carol"]),
        ('name.givenName gt "Alice"', ["Bob", "Carol"]),
        ('name.givenName le "Bob"', ["Alice", "Bob"]),
        ("title pr", ["Alice", "Bob", "Carol"]),
        ("nickName pr", []),
        (f'{ENTERPRISE}:department eq "Housing" and active eq true', ["Alice"]),
        (
            'not (name.givenName eq "Alice") and (userName sw "b" or userName sw "c")',
            ["Bob", "Carol"],
        ),
        ('emails[type eq "work" and value co "carol"]', ["Carol"]),
        ('emails[type eq "home"]', ["Bob"]),
        ('emails.value ew "@kinloch.example"', ["Alice", "Bob", "Carol"]),
        ('meta.created gt "2000-01-01T00:00:00Z"', ["Alice", "Bob", "Carol"]),
    ],
)
def test_filters(scim, people, expression, expected):
    assert _names(scim, f"filter={expression}") == expected


def test_staff_never_provisioned_are_found_by_their_sign_in_address(scim, provisioner):
    UserFactory(organisation=provisioner.organisation, email="old.hand@kinloch.example")
    response = scim.get('Users?filter=emails[value eq "old.hand@kinloch.example"]').json()
    assert response["totalResults"] == 1
    assert response["Resources"][0]["userName"] == "old.hand@kinloch.example"


def test_sorting_and_paging(scim, people):
    first = scim.get(
        'Users?filter=name.familyName eq "Smith"&sortBy=name.givenName&sortOrder=descending'
        "&startIndex=1&count=2"
    ).json()
    assert first["totalResults"] == 3
    assert [r["name"]["givenName"] for r in first["Resources"]] == ["Carol", "Bob"]
    second = scim.get(
        'Users?filter=name.familyName eq "Smith"&sortBy=name.givenName&sortOrder=descending'
        "&startIndex=3&count=2"
    ).json()
    assert (second["startIndex"], second["itemsPerPage"]) == (3, 1)
    assert [r["name"]["givenName"] for r in second["Resources"]] == ["Alice"]


def test_search_by_post_with_attributes(scim, people):
    response = scim.post(
        "Users/.search",
        {
            "schemas": [SEARCH],
            "filter": 'name.givenName eq "Bob"',
            "attributes": ["userName", "emails"],
        },
    )
    resource = response.json()["Resources"][0]
    assert resource["userName"] == "bob@kinloch.example"
    assert "emails" in resource
    assert "name" not in resource
    assert "displayName" not in resource


def test_excluded_attributes(scim, people):
    body = scim.get(f"Users/{people['Alice']['id']}?excludedAttributes=emails,name").json()
    assert "emails" not in body
    assert "name" not in body
    assert body["userName"] == "alice@kinloch.example"


def test_etags_weak_from_the_version(scim, people):
    alice = people["Alice"]
    read = scim.get(f"Users/{alice['id']}")
    etag = read["ETag"]
    assert etag.startswith('W/"')
    assert scim.get(f"Users/{alice['id']}", headers={"If-None-Match": etag}).status_code == 304

    changed = scim.patch(
        f"Users/{alice['id']}",
        [{"op": "replace", "path": "nickName", "value": "Al"}],
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag

    stale = scim.patch(
        f"Users/{alice['id']}",
        [{"op": "replace", "path": "nickName", "value": "Ally"}],
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    assert error_of(stale)["status"] == "412"
    assert scim.get(f"Users/{alice['id']}").json()["nickName"] == "Al"
    assert scim.delete(f"Users/{alice['id']}", headers={"If-Match": etag}).status_code == 412


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type", "named"),
    [
        ("GET", "Users?filter=userName eq", None, 400, "invalidFilter", "filter"),
        ("GET", 'Users?filter=shoeSize eq "9"', None, 400, "invalidFilter", "shoeSize"),
        ("GET", "Users?sortBy=shoeSize", None, 400, "invalidValue", "shoeSize"),
        ("POST", "Users", "{not json", 400, "invalidSyntax", "JSON"),
        (
            "POST",
            "Users",
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]},
            400,
            "invalidValue",
            "userName",
        ),
        (
            "POST",
            "Users",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "x",
                "active": "maybe",
            },
            400,
            "invalidValue",
            "active",
        ),
        (
            "POST",
            "Users",
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "nomail"},
            400,
            "invalidValue",
            "emails",
        ),
        (
            "POST",
            "Users",
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "x@kinloch.example",
                "shoeSize": 9,
            },
            400,
            "invalidSyntax",
            "shoeSize",
        ),
    ],
)
def test_bad_requests_get_scim_errors_and_change_nothing(
    scim, method, path, body, status, scim_type, named
):
    before = User.objects.count()
    response = scim.request(method, path, body)
    error = error_of(response)
    assert response.status_code == status
    assert error["scimType"] == scim_type
    assert named.lower() in error["detail"].lower()
    assert User.objects.count() == before


def test_too_long_values_are_refused_naming_the_attribute(scim, people):
    alice = people["Alice"]["id"]
    for path in ("nickName", "locale", f"{ENTERPRISE}:department", "title"):
        response = scim.patch(
            f"Users/{alice}", [{"op": "replace", "path": path, "value": "x" * 300}]
        )
        assert response.status_code == 400, path
        error = error_of(response)
        assert error["scimType"] == "invalidValue"
        assert path.rsplit(":", 1)[-1] in error["detail"]
    group = scim.post("Groups", {"displayName": "x" * 300, "schemas": [GROUP]})
    assert error_of(group)["scimType"] == "invalidValue"


def test_patch_errors_name_their_target(scim, people):
    alice = people["Alice"]["id"]
    cases = [
        ([{"op": "replace", "path": "groups", "value": []}], "mutability"),
        ([{"op": "replace", "path": "shoeSize", "value": "9"}], "invalidPath"),
        ([{"op": "frobnicate", "path": "title", "value": "x"}], "invalidValue"),
        ([{"op": "add", "path": f"{ENTERPRISE}:manager", "value": "not-an-id"}], "invalidValue"),
    ]
    for operations, scim_type in cases:
        response = scim.patch(f"Users/{alice}", operations)
        assert response.status_code == 400, operations
        assert error_of(response)["scimType"] == scim_type, response.json()
    missing = scim.patch(
        f"Users/{alice}",
        [{"op": "replace", "path": 'emails[value sw "nobody"].display', "value": "x"}],
    )
    assert error_of(missing)["scimType"] == "noTarget"
    assert "emails" in missing.json()["detail"]


def test_a_taken_email_address_is_a_uniqueness_error(scim, people):
    response = scim.put(
        f"Users/{people['Bob']['id']}",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "bob@kinloch.example",
            "emails": [{"value": "alice@kinloch.example", "primary": True}],
        },
    )
    assert response.status_code == 409
    assert error_of(response)["scimType"] == "uniqueness"
    assert "emails" in response.json()["detail"]


def test_unknown_paths_and_methods(scim):
    assert error_of(scim.get("Nowhere"))["status"] == "404"
    response = scim.request("DELETE", "ServiceProviderConfig")
    assert response.status_code == 405
    assert error_of(response)["status"] == "405"


def test_discovery_describes_what_burgh_keeps(scim):
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"]
    assert config["etag"]["supported"]
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert not config["bulk"]["supported"]
    user_schema = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json()
    names = {attribute["name"] for attribute in user_schema["attributes"]}
    assert {"userName", "emails", "active", "groups"} <= names
    assert "addresses" not in names
    types = scim.get("ResourceTypes").json()
    assert {r["name"] for r in types["Resources"]} == {"User", "Group"}


def test_search_across_users_and_groups(scim, people):
    scim.post("Groups", {"schemas": [GROUP], "displayName": "Alice's team"})
    response = scim.post(
        ".search", {"schemas": [SEARCH], "filter": 'displayName sw "Alice"', "count": 10}
    )
    body = response.json()
    assert body["totalResults"] == 2
    assert {r["meta"]["resourceType"] for r in body["Resources"]} == {"User", "Group"}
    unknown_to_groups = scim.post(".search", {"schemas": [SEARCH], "filter": "userName pr"})
    assert all(r["meta"]["resourceType"] == "User" for r in unknown_to_groups.json()["Resources"])


def test_too_many_members_in_one_request(scim):
    members = [{"value": f"00000000-0000-4000-8000-{n:012d}"} for n in range(5001)]
    response = scim.post("Groups", {"schemas": [GROUP], "displayName": "Huge", "members": members})
    assert response.status_code == 400
    assert error_of(response)["scimType"] == "tooMany"
