"""The organisation chart in a browser: a team opened shows each member's line manager,
skills and capacity, and the page has no accessibility problem either way."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import staff_data
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import goto
from tests.browser.pages import State

pytestmark = pytest.mark.browser


def test_a_team_opened_shows_managers_skills_and_capacity(tab, reach):
    reach(tab, State.SIGNED_IN)
    staff_data.organisation()
    page = tab.page

    goto(tab, reverse("core:home"))
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    page.get_by_text("2 members of Waste and recycling").click()

    row = page.get_by_role("row", name="Iain Ross")
    expect(row).to_contain_text("Ailsa MacLeod")
    expect(row).to_contain_text("HGV driving licence (working)")
    expect(row).to_contain_text("22.5 hours a week, up to 12 cases")
    expect(page.get_by_role("row", name="Ailsa MacLeod Team leader")).to_contain_text(
        "Morag Sinclair"
    )
    assert_no_violations(page)
    tab.assert_no_problems()
