"""The layout as a person sees it: signing in, the council's own brand, navigation, the 404 page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import assert_no_violations
from tests.browser.conftest import PASSWORD, Tab, goto, make_staff_user, path_of, sign_in

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/burgh-home.png"
# Page titles end with an en dash and the council name, as GOV.UK writes them.
DASH = " \N{EN DASH} "


def _fonts_requested(tab: Tab) -> list[str]:
    return tab.page.evaluate(
        """() => performance.getEntriesByType('resource')
            .map(entry => entry.name)
            .filter(name => /\\.(woff2?|ttf|otf|eot)(\\?|$)/.test(name))"""
    )


def test_staff_user_signs_in_and_lands_on_their_home_page(tab, kinloch, council):
    make_staff_user(kinloch, council)
    page = tab.page

    sign_in(tab, "ailsa.macleod@kinloch.example", PASSWORD)

    assert path_of(tab) == reverse("core:home")
    assert page.title() == f"Home{DASH}Kinloch Council"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ailsa")
    expect(page.locator("header")).to_contain_text("Kinloch Council")
    teams = page.locator(".govuk-summary-card", has_text="Your teams")
    expect(teams).to_contain_text("Waste and recycling")
    expect(teams).to_contain_text("Team leader")
    expect(teams).to_contain_text("Storm Kinloch response")
    expect(teams).not_to_contain_text("Winter gritting 2019")
    expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    page.screenshot(path=SCREENSHOT, full_page=True)
    tab.assert_no_problems()


def test_pages_carry_the_councils_brand_not_gov_uk(tab, kinloch, council):
    make_staff_user(kinloch, council)
    sign_in(tab, "ailsa.macleod@kinloch.example", PASSWORD)
    page = tab.page

    # The crown, the GOV.UK logotype and GDS Transport belong to GOV.UK services only.
    for crown in (".govuk-header__logotype", ".govuk-logo", ".govuk-footer__crown", "svg"):
        expect(page.locator(f"header {crown}, footer {crown}")).to_have_count(0)
    assert "GOV.UK" not in page.locator("body").inner_text()
    assert _fonts_requested(tab) == []
    for selector in ("h1", ".govuk-body", ".govuk-generic-header__homepage-link", ".govuk-footer"):
        family = page.locator(selector).first.evaluate("el => getComputedStyle(el).fontFamily")
        assert "GDS Transport" not in family, f"{selector} uses {family}"
        assert family.startswith("system-ui"), f"{selector} uses {family}"
    header_colour = page.locator(".burgh-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(11, 93, 98)"
    tab.assert_no_problems()


def test_sign_out_in_the_navigation_ends_the_session(tab, kinloch, council):
    make_staff_user(kinloch, council)
    sign_in(tab, "ailsa.macleod@kinloch.example", PASSWORD)

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Sign out").click()

    assert path_of(tab) == reverse("identity:sign-in")
    goto(tab, reverse("core:home"))
    assert path_of(tab) == reverse("identity:sign-in")
    tab.assert_no_problems()


def test_wrong_password_shows_an_accessible_error(tab, kinloch, council):
    make_staff_user(kinloch, council)
    page = tab.page
    goto(tab, reverse("identity:sign-in"))

    page.locator("#email").fill("ailsa.macleod@kinloch.example")
    page.locator("#password").fill("not the password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert page.title() == f"Error: Sign in{DASH}Kinloch Council"
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#password")).to_have_value("")
    assert_no_violations(page)
    tab.assert_no_problems()


def test_narrow_screens_fold_the_navigation_into_a_menu(tab, kinloch, council):
    make_staff_user(kinloch, council)
    page = tab.page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(tab, "ailsa.macleod@kinloch.example", PASSWORD)
    menu = page.get_by_role("button", name="Menu")
    tokens = page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="API tokens", exact=True
    )
    expect(tokens).to_be_hidden()

    menu.click()

    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(tokens).to_be_visible()
    assert_no_violations(page)
    tab.assert_no_problems()


def test_unknown_address_shows_the_page_not_found_page(tab):
    response = goto(tab, "/no-such-page")

    assert response.status == 404
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert tab.page.title() == f"Page not found{DASH}Kinloch Council"
    assert_no_violations(tab.page)
    tab.assert_no_problems()


@pytest.mark.parametrize("address", ["/", "/accessibility", "/sign-in"])
def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(tab, kinloch, council, address):
    # WCAG 1.4.10: 320 CSS pixels is a 1280-pixel screen zoomed to 400%.
    make_staff_user(kinloch, council)
    sign_in(tab, "ailsa.macleod@kinloch.example", PASSWORD)
    tab.page.set_viewport_size({"width": 320, "height": 640})

    goto(tab, address)

    overflow = tab.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{address} scrolls sideways by {overflow}px at 320px wide"
    tab.assert_no_problems()
