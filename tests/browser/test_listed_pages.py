"""Every page in pages.PAGES: axe-core finds no WCAG 2.2 AA problem, the CSP refuses nothing,
form errors show GOV.UK's error summary, and the page works with JavaScript switched off."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Tab, goto
from tests.browser.pages import PAGES, Page

pytestmark = pytest.mark.browser


def _name(listed: Page) -> str:
    return f"{listed.url_name}[{listed.state}]"


WITH_FORMS = [listed for listed in PAGES if listed.error_form]
WITHOUT_SCRIPTS = [listed for listed in PAGES if not listed.needs_javascript]


def _open(tab: Tab, listed: Page) -> None:
    if listed.given is not None:
        listed.given()
    response = goto(tab, reverse(listed.url_name, args=listed.args) + listed.query)
    assert response.status == 200, f"{listed.description}: status {response.status}"
    for text in listed.expect_text:
        expect(tab.page.locator("body")).to_contain_text(text)


def _submit_error_form(tab: Tab, listed: Page) -> None:
    assert listed.error_form is not None
    page = tab.page
    first = next(iter(listed.error_form))
    form = page.locator("form", has=page.locator(f'[name="{first}"]')).first
    for name, value in listed.error_form.items():
        control = form.locator(f'[name="{name}"]')
        if isinstance(value, list):
            for box in control.all():
                box.set_checked(box.get_attribute("value") in value)
        elif control.first.evaluate("el => el.tagName") == "SELECT":
            control.first.select_option(value)
        else:
            control.first.fill(value)
    with page.expect_navigation():
        form.locator('button[type="submit"], input[type="submit"]').first.click()


@pytest.mark.parametrize("listed", PAGES, ids=_name)
def test_page_has_no_accessibility_problems(tab, reach, listed):
    reach(tab, listed.state)

    _open(tab, listed)

    assert_no_violations(tab.page)
    tab.assert_no_problems()


@pytest.mark.parametrize("listed", WITH_FORMS, ids=_name)
def test_form_errors_are_summarised_accessibly(tab, reach, listed):
    reach(tab, listed.state)
    _open(tab, listed)

    _submit_error_form(tab, listed)

    page = tab.page
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    # GOV.UK Frontend moves focus to the summary, so the errors are read out first.
    assert page.evaluate("() => !!document.activeElement.closest('.govuk-error-summary')")
    for link in summary.locator("a").all():
        target = (link.get_attribute("href") or "").removeprefix("#")
        assert page.locator(f'[id="{target}"]').count() == 1, f"summary link to missing #{target}"
    assert_no_violations(page)
    tab.assert_no_problems()


@pytest.mark.parametrize("listed", WITHOUT_SCRIPTS, ids=_name)
def test_page_works_without_javascript(tab_without_javascript, reach, listed):
    tab = tab_without_javascript
    reach(tab, listed.state)

    _open(tab, listed)

    if listed.error_form:
        _submit_error_form(tab, listed)
        expect(tab.page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    tab.assert_no_problems()
