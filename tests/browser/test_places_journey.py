"""The address picker and the custodian's review in a real browser: type-ahead with JavaScript,
postcode then choose without it, and an address the matcher could not settle decided."""

import pytest
from playwright.sync_api import expect

from burgh.places.models import AddressMatchReview
from tests.browser import places_data
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import goto, path_of
from tests.browser.pages import State

pytestmark = pytest.mark.browser

FLAT = f"/places/{places_data.FLAT_UPRN}/"


def test_type_ahead_finds_a_tenement_flat_written_the_glasgow_way(tab, reach):
    reach(tab, State.SIGNED_IN)
    places_data.custodian()
    page = tab.page

    goto(tab, "/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find an address").click()
    box = page.get_by_role("combobox", name="Or type the address")
    box.press_sequentially("2/1 14 burnside cr", delay=20)
    option = page.get_by_role("option", name="Flat 2/1, 14 Burnside Crescent, Burnbank, Kinloch")
    expect(option).to_be_visible()
    assert_no_violations(page)
    option.click()

    assert path_of(tab) == FLAT
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Flat 2/1, 14 Burnside Crescent, Burnbank, Kinloch, KL2 4AB"
    )
    expect(page.locator("main")).to_contain_text("Kinloch Tuesday round 2")
    expect(page.get_by_role("link", name="Morven Gillies")).to_be_visible()
    tab.assert_no_problems()


def test_without_javascript_a_postcode_then_a_choice(tab_without_javascript, reach):
    tab = tab_without_javascript
    reach(tab, State.SIGNED_IN)
    places_data.custodian()
    page = tab.page

    goto(tab, "/places/")
    page.get_by_label("Postcode").fill("kl2 4ab")
    page.get_by_role("button", name="Find address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select an address")
    expect(page.locator("legend")).to_have_text("6 addresses found")
    page.get_by_role("button", name="Use this address").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Choose an address")
    page.get_by_label("Flat 2/1, 14 Burnside Crescent, Burnbank, Kinloch, KL2 4AB").check()
    page.get_by_role("button", name="Use this address").click()
    assert path_of(tab) == FLAT
    tab.assert_no_problems()


def test_the_custodian_decides_an_address_with_the_picker(tab, reach):
    reach(tab, State.SIGNED_IN)
    places_data.custodian()
    page = tab.page

    goto(tab, "/places/reviews/")
    page.get_by_role("link", name="flat 3, 14 burnside cres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("flat 3, 14 burnside cres")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the property")
    assert_no_violations(page)

    page.get_by_role("link", name="Search the gazetteer for another property").click()
    page.get_by_label("Postcode").fill("KL2 4AB")
    page.get_by_label("Building name or number (optional)").fill("2/2")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Flat 2/2, 14 Burnside Crescent, Burnbank, Kinloch, KL2 4AB").check()
    page.get_by_role("button", name="Use this address").click()

    assert path_of(tab) == f"/places/reviews/{places_data.REVIEW_ID}/"
    chosen = page.get_by_label("Flat 2/2, 14 Burnside Crescent, Burnbank, Kinloch, KL2 4AB")
    expect(chosen).to_be_checked()
    page.get_by_role("button", name="Save decision").click()

    assert path_of(tab) == "/places/reviews/"
    expect(page.locator("main")).to_contain_text("There is nothing to review.")
    review = AddressMatchReview.objects.get(pk=places_data.REVIEW_ID)
    assert (review.status, review.uprn) == ("matched", "134000000023")
    tab.assert_no_problems()
