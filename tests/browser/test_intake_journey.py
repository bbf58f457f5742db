"""A contact-centre adviser logs a request in a real browser: finds the caller by a misspelt
name, picks the property, answers the pothole's questions, is offered the open report at the
same place, and gets the reference to give the caller. Every page is checked with axe-core, and
so are the administrators' case type pages."""

import json

import pytest
from playwright.sync_api import expect

from burgh.cases import services
from burgh.cases.models import Case, CaseLink, PersonFlag
from burgh.identity.models import User
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import goto, path_of
from tests.browser.pages import State
from tests.cases.setting import ADMINISTRATOR, ADVISER, ROAD_UPRN, grant, make_setting
from tests.cases.test_intake_pages import in_index

pytestmark = pytest.mark.browser

SIGNED_IN_EMAIL = "ailsa.macleod@kinloch.example"


def adviser_setting(*also: str):
    """Make Ailsa (conftest's officer) a contact-centre adviser in the case tests' council, with
    Morag in the person index carrying a lone-worker warning, and a pothole already reported
    at 40 High Street."""
    ailsa = User.objects.get(email=SIGNED_IN_EMAIL)
    setting = make_setting()
    grant(ailsa, *ADVISER, *also)
    morag = in_index(setting)
    PersonFlag.objects.create(
        person_id=morag.pk,
        kind="lone_worker",
        note="Large dog; visit in pairs",
        raised_by=setting.roads_leader,
    )
    earlier = services.intake(
        None,
        services.IntakeRequest(
            case_type="pothole", channel="staff", data={"depth": "under-40mm"}, uprn=ROAD_UPRN
        ),
    ).case
    return setting, earlier


def test_an_adviser_logs_a_pothole_for_a_caller_found_by_a_misspelt_name(tab, reach):
    reach(tab, State.SIGNED_IN)
    setting, earlier = adviser_setting()
    page = tab.page
    heading = page.get_by_role("heading", level=1)

    goto(tab, "/cases/new/")
    expect(heading).to_have_text("What is the request?")
    assert_no_violations(page)
    # The filter narrows the list as the adviser types.
    page.get_by_label("Filter the list").press_sequentially("pot", delay=30)
    expect(page.get_by_label("Child protection referral")).to_have_count(0)
    expect(page.locator("#case-type-count")).to_have_text("1 request matches the filter.")
    page.get_by_label("Pothole").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading).to_have_text("Who is calling?")
    assert_no_violations(page)
    page.get_by_label("Name").fill("Morag MacLoed")
    page.get_by_role("button", name="Search").click()
    assert "Morag" not in page.url
    page.get_by_label("Morag MacLeod").check()
    assert_no_violations(page)
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(heading).to_have_text("Where is it?")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Lone-worker risk")
    expect(page.locator("main")).not_to_contain_text("Large dog")
    assert_no_violations(page)
    page.get_by_role("button", name="Find the address").click()
    page.get_by_label("Postcode").fill("KL1 1AA")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("40 High Street, Kinloch, KL1 1AA").check()
    page.get_by_role("button", name="Use this address").click()

    expect(heading).to_have_text("Pothole")
    assert_no_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how deep is it")
    assert_no_violations(page)
    page.get_by_label("40mm or more").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Anything else the caller told you (optional)").fill("Near the bus stop")
    page.get_by_role("button", name="Continue").click()

    expect(heading).to_have_text("Check the request before you log it")
    main = page.locator("main")
    expect(main).to_contain_text("Morag MacLeod")
    expect(main).to_contain_text("40 High Street, Kinloch, KL1 1AA")
    expect(main).to_contain_text("It may already have been reported")
    assert_no_violations(page)
    page.get_by_label(f"Link to {earlier.reference} instead").check()
    page.get_by_role("button", name="Log the request").click()

    expect(heading).to_have_text("Request logged")
    logged = Case.objects.exclude(pk=earlier.pk).get()
    expect(page.locator(".govuk-panel")).to_contain_text(logged.reference)
    expect(main).to_contain_text("It has gone to Roads Maintenance.")
    expect(main).to_contain_text("We aim to resolve this by")
    expect(main).to_contain_text(f"It is linked to {earlier.reference}")
    assert_no_violations(page)
    assert logged.subject_person_id == setting.morag.pk
    assert (logged.uprn, logged.priority) == (ROAD_UPRN, 2)
    assert CaseLink.objects.filter(case=logged, other=earlier, kind="duplicate").exists()

    # The person page lists the request, under her warning.
    goto(tab, f"/people/{setting.morag.pk}/")
    expect(page.get_by_role("heading", name="Cases (1)")).to_be_visible()
    expect(main).to_contain_text(logged.reference)
    expect(main).to_contain_text("Lone-worker risk")
    assert_no_violations(page)
    tab.assert_no_problems()


def test_without_javascript_the_filter_is_a_form(tab_without_javascript, reach):
    tab = tab_without_javascript
    reach(tab, State.SIGNED_IN)
    adviser_setting()
    page = tab.page

    goto(tab, "/cases/new/")
    page.get_by_label("Filter the list").fill("children")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Pothole")).to_have_count(0)
    page.get_by_label("Child protection referral").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is calling?")
    expect(page.get_by_role("button", name="Continue without a caller")).to_have_count(0)
    tab.assert_no_problems()


def test_the_case_type_pages_for_administrators(tab, reach):
    reach(tab, State.SIGNED_IN)
    adviser_setting(*ADMINISTRATOR)
    page = tab.page
    heading = page.get_by_role("heading", level=1)

    goto(tab, "/cases/types/")
    expect(heading).to_have_text("Case types")
    assert_no_violations(page)
    page.get_by_role("link", name="Pothole").click()
    expect(heading).to_have_text("Pothole")
    assert_no_violations(page)
    page.get_by_role("button", name="Edit definition").click()
    expect(heading).to_have_text("Edit the definition")
    box = page.get_by_label("Definition (JSON)")
    definition = json.loads(box.input_value())
    definition["statuses"][0]["stage"] = "pending"
    box.fill(json.dumps(definition, indent=2))
    page.get_by_role("button", name="Save definition").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("statuses/0/stage")
    assert_no_violations(page)
    definition["statuses"][0]["stage"] = "open"
    definition["name"] = "Pothole or road defect"
    page.get_by_label("Definition (JSON)").fill(json.dumps(definition, indent=2))
    page.get_by_role("button", name="Save definition").click()
    expect(heading).to_have_text("Pothole or road defect")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as version 2")

    goto(tab, "/cases/types/new/")
    expect(heading).to_have_text("Add a case type")
    page.get_by_role("button", name="Add case type").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Paste the definition")
    assert_no_violations(page)

    goto(tab, "/cases/types/letters/")
    expect(heading).to_have_text("Letter templates")
    assert_no_violations(page)
    page.get_by_role("button", name="Upload a letter template").click()
    expect(heading).to_have_text("Upload a letter template")
    page.get_by_role("button", name="Upload template").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the code")
    assert_no_violations(page)
    assert path_of(tab) == "/cases/types/letters/new/"
    tab.assert_no_problems()
