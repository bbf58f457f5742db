"""Requests shaped as Entra ID's and Okta's provisioning services send them (their public docs)."""

from burgh.identity.models import Membership, Team, User
from tests.staff.conftest import ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, created


def test_entra_probe_then_create_then_match(scim):
    # Entra first asks whether the user exists, by a userName filter with a random value.
    probe = scim.get('Users?filter=userName eq "ryan3@kinloch.example"')
    assert probe.status_code == 200
    assert probe.json()["totalResults"] == 0

    body = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": "ryan3",
        "userName": "Ryan3@kinloch.example",
        "active": True,
        "displayName": "Ryan Leenay",
        "emails": [{"primary": True, "type": "work", "value": "ryan3@kinloch.example"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ryan Leenay", "familyName": "Leenay", "givenName": "Ryan"},
        "addresses": [{"type": "work", "locality": "Kinloch", "country": "GB"}],
        "roles": [],
        ENTERPRISE: {"employeeNumber": "701984", "department": "Roads"},
    }
    response = scim.post("Users", body)
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(response.json()["id"])
    assert response["ETag"] == response.json()["meta"]["version"]

    found = scim.get('Users?filter=userName eq "ryan3@kinloch.example"').json()
    assert found["totalResults"] == 1
    user = User.objects.get(pk=found["Resources"][0]["id"])
    assert (user.email, user.full_name) == ("ryan3@kinloch.example", "Ryan Leenay")
    again = scim.post("Users", body)
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"
    assert "userName" in again.json()["detail"]


def test_entra_patch_with_capitalised_ops_and_filtered_paths(scim):
    user = created(scim)
    response = scim.patch(
        f"Users/{user['id']}",
        [
            {"op": "Replace", "path": "displayName", "value": "Babs Jensen"},
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "babs@kinloch.example",
            },
            {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "07700 900123"},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Roads"},
            {"op": "Remove", "path": "title"},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["displayName"] == "Babs Jensen"
    assert body["emails"][0]["value"] == "babs@kinloch.example"
    assert [(p["value"], p["type"]) for p in body["phoneNumbers"]] == [("07700 900123", "mobile")]
    assert body[ENTERPRISE]["department"] == "Roads"
    assert "title" not in body
    stored = User.objects.get(pk=user["id"])
    assert stored.email == "babs@kinloch.example"
    assert stored.job_title == ""


def test_entra_sets_the_manager_as_a_bare_id(scim):
    manager = created(scim, "boss@kinloch.example")
    user = created(scim)
    response = scim.patch(
        f"Users/{user['id']}",
        [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]}],
    )
    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"]["value"] == manager["id"]
    by_manager = scim.get(f'Users?filter={ENTERPRISE}:manager.value eq "{manager["id"]}"')
    assert [r["id"] for r in by_manager.json()["Resources"]] == [user["id"]]


def test_entra_group_create_add_and_remove_members(scim):
    one, two = created(scim, "one@kinloch.example"), created(scim, "two@kinloch.example")
    group = scim.post(
        "Groups",
        {
            "schemas": [GROUP_SCHEMA],
            "externalId": "g-1",
            "displayName": "Roads north",
            "members": [],
        },
    )
    assert group.status_code == 201, group.content
    group_id = group.json()["id"]

    added = scim.patch(
        f"Groups/{group_id}",
        [{"op": "Add", "path": "members", "value": [{"value": one["id"]}, {"value": two["id"]}]}],
    )
    assert added.status_code == 200, added.content
    team = Team.objects.get(pk=group_id)
    assert {str(m.user_id) for m in Membership.objects.in_force(team.starts_on or _today())} >= {
        one["id"],
        two["id"],
    }

    removed = scim.patch(
        f"Groups/{group_id}", [{"op": "Remove", "path": "members", "value": [{"value": one["id"]}]}]
    )
    assert [m["value"] for m in removed.json()["members"]] == [two["id"]]
    filtered = scim.patch(
        f"Groups/{group_id}", [{"op": "remove", "path": f'members[value eq "{two["id"]}"]'}]
    )
    assert "members" not in filtered.json()
    groups_of_two = scim.get(f"Users/{two['id']}").json()
    assert "groups" not in groups_of_two


def test_okta_deactivates_with_a_replace_without_path_and_renames_groups_with_their_id(scim):
    user = created(scim)
    response = scim.patch(f"Users/{user['id']}", [{"op": "replace", "value": {"active": False}}])
    assert response.json()["active"] is False

    group = scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Okta group"}).json()
    renamed = scim.patch(
        f"Groups/{group['id']}",
        [{"op": "replace", "value": {"id": group["id"], "displayName": "Okta group renamed"}}],
    )
    assert renamed.status_code == 200, renamed.content
    assert Team.objects.get(pk=group["id"]).name == "Okta group renamed"


def test_okta_checks_by_username_with_paging_parameters(scim):
    created(scim, "okta.user@kinloch.example")
    response = scim.get(
        'Users?filter=userName eq "okta.user@kinloch.example"&startIndex=1&count=100'
    )
    body = response.json()
    assert response["Content-Type"].startswith("application/scim+json")
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (1, 1, 1)


def test_deleting_a_group_retires_the_team_and_ends_memberships(scim):
    member = created(scim)
    group = scim.post(
        "Groups",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Short-lived",
            "members": [{"value": member["id"]}],
        },
    ).json()

    assert scim.delete(f"Groups/{group['id']}").status_code == 204

    assert scim.get(f"Groups/{group['id']}").status_code == 404
    team = Team.objects.get(pk=group["id"])
    assert not team.is_active_on(_today())
    assert not Membership.objects.in_force(_today()).filter(team=team).exists()


def _today():
    from django.utils import timezone

    return timezone.localdate()
