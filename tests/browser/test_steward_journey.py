"""A data steward's journey in a real browser: from Find a person to the review queue, a pair
judged not to be one person, then a mistaken merge undone from the person page."""

import pytest
from playwright.sync_api import expect

from burgh.people.models import MatchReview, Person
from tests.browser import index_data
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import goto, path_of
from tests.browser.pages import State

pytestmark = pytest.mark.browser


def test_review_a_pair_then_undo_a_mistaken_merge(tab, reach):
    reach(tab, State.SIGNED_IN)
    index_data.steward_records()
    page = tab.page

    goto(tab, "/people/")
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Matches to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matches to review")
    page.get_by_role("link", name="Review I MacKay").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    expect(page.locator("#compare")).to_contain_text("Only one has it")
    expect(page.locator("main")).to_contain_text("Probability that these are the same person")
    assert_no_violations(page)
    page.get_by_label("No, different people: keep them apart").check()
    page.get_by_label("Note (optional)").fill("Different person on the tenancy file")
    page.get_by_role("button", name="Save decision").click()

    assert path_of(tab) == "/people/reviews/"
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "kept apart as different people"
    )
    assert MatchReview.objects.get(pk=index_data.REVIEW_ID).status == "not_match"

    goto(tab, f"/people/{index_data.ISLA_ID}/")
    page.locator(f'a[href="/people/merges/{index_data.MERGE_ID}/unmerge"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unmerge person")
    page.get_by_label("Why are these different people?").fill("Ewan Grant is a different man")
    page.get_by_role("button", name="Unmerge").click()

    assert path_of(tab) == f"/people/{index_data.RETIRED_ID}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Ewan Grant")
    expect(page.locator("main")).to_contain_text("has been split back out")
    assert_no_violations(page)
    tab.assert_no_problems()
    assert Person.objects.get(pk=index_data.RETIRED_ID).merged_into_id is None
