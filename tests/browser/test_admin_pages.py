"""Admin pages for records that exist: no axe-core or CSP problem, and usable without scripts.

pages.PAGES lists the admin pages that need no record (index, change lists, add pages); the pages
here need one made first, so they are checked with the same axe helper in this module.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from burgh.identity.models import Membership, Organisation, Role, RoleAssignment, Team, User
from burgh.identity.services.tokens import issue_api_token
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Tab, goto, path_of
from tests.browser.pages import State

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class RecordPage:
    url_name: str
    record: str  # a key of the dictionary `_records` returns
    description: str
    expect_text: tuple[str, ...]


RECORD_PAGES = [
    RecordPage(
        "admin:identity_user_change",
        "user",
        "A person, with their roles and teams as rows and the two-list group picker",
        ("Change user", "Ailsa MacLeod", "Role assignments", "Memberships"),
    ),
    RecordPage(
        "admin:auth_user_password_change",
        "user",
        "Set a person's password",
        ("Change password: ailsa.macleod@kinloch.example",),
    ),
    RecordPage(
        "admin:identity_user_history",
        "user",
        "A person's change history",
        ("Change history: Ailsa MacLeod",),
    ),
    RecordPage(
        "admin:identity_organisation_change",
        "organisation",
        "An organisation",
        ("Change organisation", "Kinloch Council"),
    ),
    RecordPage(
        "admin:identity_team_change",
        "team",
        "A team within a service",
        ("Change team", "Waste and recycling"),
    ),
    RecordPage(
        "admin:identity_team_delete",
        "team",
        "Confirm deleting a team",
        ("Are you sure you want to delete the team", "Waste and recycling"),
    ),
    RecordPage(
        "admin:identity_membership_change",
        "membership",
        "A team membership",
        ("Change membership", "Ailsa MacLeod in "),
    ),
    RecordPage(
        "admin:identity_role_change",
        "role",
        "A role and whether it needs two-factor sign-in",
        ("Change role", "Caseworker", "Sign-in"),
    ),
    RecordPage(
        "admin:identity_roleassignment_change",
        "role_assignment",
        "A role given to a person",
        ("Change role assignment", "Ailsa MacLeod as Caseworker"),
    ),
    RecordPage(
        "admin:identity_apitoken_change",
        "token",
        "An API token, read-only",
        ("View api token", "Street works feed"),
    ),
    RecordPage(
        "admin:auth_group_change",
        "group",
        "A permission group, with the two-list permission picker",
        ("Change group", "Service desk"),
    ),
]


def _records(administrator: User) -> dict[str, object]:
    """The records the pages show; the administrator was made by `reach` with teams and a role."""
    token, _ = issue_api_token(
        administrator,
        name="Street works feed",
        scopes=["identity:read"],
        expires_in=timedelta(days=30),
    )
    return {
        "user": administrator,
        "organisation": Organisation.objects.get(slug="kinloch"),
        "team": Team.objects.get(name="Waste and recycling"),
        "membership": Membership.objects.filter(user=administrator).first(),
        "role": Role.objects.get(slug="caseworker"),
        "role_assignment": RoleAssignment.objects.filter(user=administrator).first(),
        "token": token,
        "group": Group.objects.create(name="Service desk"),
    }


def _open(tab: Tab, listed: RecordPage, records: dict[str, object]) -> None:
    record = records[listed.record]
    response = goto(tab, reverse(listed.url_name, args=[record.pk]))  # type: ignore[attr-defined]
    assert response.status == 200, f"{listed.description}: status {response.status}"
    for text in listed.expect_text:
        expect(tab.page.locator("body")).to_contain_text(text)


def _name(listed: RecordPage) -> str:
    return listed.url_name


@pytest.mark.parametrize("listed", RECORD_PAGES, ids=_name)
def test_record_page_has_no_accessibility_problems(tab, reach, listed):
    records = _records(reach(tab, State.ADMINISTRATOR))

    _open(tab, listed, records)

    assert_no_violations(tab.page)
    tab.assert_no_problems()


@pytest.mark.parametrize("listed", RECORD_PAGES, ids=_name)
def test_record_page_works_without_javascript(tab_without_javascript, reach, listed):
    tab = tab_without_javascript
    records = _records(reach(tab, State.ADMINISTRATOR))

    _open(tab, listed, records)

    tab.assert_no_problems()


def test_admin_site_carries_the_councils_name_and_colours(tab, reach):
    reach(tab, State.ADMINISTRATOR)

    goto(tab, reverse("admin:index"))

    page = tab.page
    expect(page.locator("#site-name")).to_have_text("Kinloch Council administration")
    expect(page.locator("body")).not_to_contain_text("Django administration")
    assert page.title().endswith("| Kinloch Council administration"), page.title()
    # Kinloch teal, from admin.css: the stylesheet is loaded and wins over the admin's own.
    expect(page.locator("#header")).to_have_css("background-color", "rgb(11, 93, 98)")


def test_admin_sign_in_goes_through_the_councils_sign_in_page(tab):
    goto(tab, reverse("admin:index"))

    assert path_of(tab) == reverse("identity:sign-in")
    expect(tab.page.get_by_role("heading", name="Sign in")).to_be_visible()
    tab.assert_no_problems()


def test_autocomplete_boxes_are_named_by_their_field_and_choice(tab, reach):
    records = _records(reach(tab, State.ADMINISTRATOR))
    page = tab.page
    goto(tab, reverse("admin:identity_team_change", args=[records["team"].pk]))  # type: ignore[attr-defined]

    expect(page.get_by_role("combobox", name="Organisation: Kinloch Council")).to_be_visible()
    expect(page.get_by_role("combobox", name="Parent: Environmental services")).to_be_visible()

    # Choosing another parent renames the box with the new choice.
    page.get_by_role("combobox", name=re.compile(r"^Parent: ")).click()
    page.get_by_role("option", name="Storm Kinloch response").click()
    expect(page.get_by_role("combobox", name="Parent: Storm Kinloch response")).to_be_visible()
    assert_no_violations(page)
    tab.assert_no_problems()


def test_a_new_inline_row_has_named_boxes(tab, reach):
    administrator = reach(tab, State.ADMINISTRATOR)
    page = tab.page
    goto(tab, reverse("admin:identity_user_change", args=[administrator.pk]))

    page.get_by_role("button", name="Add another Role assignment").click()

    # The table of role rows names each box by its column: the existing row and the new one.
    expect(page.get_by_role("combobox", name=re.compile(r"^Role\b"))).to_have_count(2)
    assert_no_violations(page)
    tab.assert_no_problems()


def test_a_change_form_saves_without_javascript(tab_without_javascript, reach):
    tab = tab_without_javascript
    records = _records(reach(tab, State.ADMINISTRATOR))
    team = records["team"]
    assert isinstance(team, Team)
    page = tab.page
    goto(tab, reverse("admin:identity_team_change", args=[team.pk]))

    page.get_by_label("Name:").fill("Waste, recycling and street cleaning")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    team.refresh_from_db()
    assert team.name == "Waste, recycling and street cleaning"
    # The autocomplete boxes (drawn by scripts) kept what was chosen before.
    assert team.organisation.slug == "kinloch"
    assert team.parent is not None
    assert team.parent.name == "Environmental services"
