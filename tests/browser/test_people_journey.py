"""A social worker's journey in a real browser: find a person on their caseload, then take
emergency access to someone they have no relationship with, and see when it ends."""

import pytest
from playwright.sync_api import expect

from burgh.identity.models import BreakGlassGrant
from tests.browser import people_data
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import goto, path_of
from tests.browser.pages import State

pytestmark = pytest.mark.browser


def test_search_open_a_person_then_take_emergency_access(tab, reach):
    worker = reach(tab, State.MFA_VERIFIED)
    people_data.social_worker()
    page = tab.page

    goto(tab, "/")
    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    page.get_by_label("Name").fill("campbell")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    page.get_by_role("link", name="Morag Campbell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morag Campbell")
    expect(page.locator("main")).to_contain_text("Child protection plan")
    assert_no_violations(page)

    tab.assert_no_problems()

    # Someone she has no relationship with, reached from a referral: refused, with a way in.
    response = goto(tab, f"/people/{people_data.EWAN_ID}/")
    assert response.status == 403
    # Chromium reports the page's own 403 in the console; that answer is the point here.
    tab.problems[:] = [problem for problem in tab.problems if "status of 403" not in problem]
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this person's record")
    expect(page.locator("main")).not_to_contain_text("MacDonald")
    assert_no_violations(page)
    page.get_by_role("button", name="Emergency access").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a person record")
    page.get_by_label("Why do you need emergency access?").fill(
        "Police are at the address and a child may be at risk tonight."
    )
    page.get_by_label("30 minutes").check()
    page.get_by_label("Safeguarding a child or an adult at risk").check()
    page.get_by_role("button", name="Take emergency access").click()

    assert path_of(tab) == f"/people/{people_data.EWAN_ID}/"
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("You have emergency access until")
    expect(banner).to_contain_text("information governance team has been told")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ewan MacDonald")
    assert_no_violations(page)
    tab.assert_no_problems()
    grant = BreakGlassGrant.objects.get(user=worker)
    assert (grant.purpose, grant.record_label) == ("safeguarding", "Ewan MacDonald")
