"""The child protection process in the browser (the demo's own BPMN): a referral waits for
screening, its 24-hour timer escalates the overdue step to the team leader, the worker screens
it and holds the strategy discussion on the steps' form pages, the process waits for a
manager's authorisation of the section decision with the diagram marking the waiting step, and
finishes once it is authorised. axe-core finds no problem on any page on the way."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from burgh.cases import services as cases
from burgh.cases.models import Case
from burgh.demo.cases import deploy_demo_flows
from burgh.flows import services
from tests.browser import cases_data
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Tab, goto
from tests.browser.pages import State

pytestmark = pytest.mark.browser
DEMO_TYPE = Path(cases_data.__file__).parents[2] / "src/burgh/demo/case_types"


def _referral() -> Case:
    """Ailsa leads the children's team (cases_data.case_worker); the demo's child protection
    type, bound to the demo's process, sends its cases there; one referral has just come in."""
    cases_data.case_worker()
    deploy_demo_flows()
    definition = json.loads((DEMO_TYPE / "child-protection-referral.json").read_text())
    definition["default_team"] = "kinloch/children-north"
    definition["code"] = "cp-referral"
    definition["routing"] = []
    case_type = cases.save_case_type(None, definition)[0]
    case = Case.objects.create(
        reference="C0009001",
        case_type=case_type,
        status=case_type.initial_status,
        stage="open",
        title="Referral from the school",
        channel="staff",
        team=case_type.default_team,
        received_at=timezone.now(),
        sensitive=True,
    )
    services.start_for_case(case)
    return case


def _do_step(tab: Tab, name: str, answers: dict[str, str]) -> None:
    page = tab.page
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert_no_violations(page)
    for label, value in answers.items():
        if value in ("Yes", "No"):
            page.get_by_role("group", name=label).get_by_label(value, exact=True).check()
        else:
            page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Done").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Done: {name}.")


def test_a_referral_is_screened_escalated_discussed_and_decided(tab: Tab, reach):
    reach(tab, State.SIGNED_IN)
    case = _referral()
    page = tab.page
    goto(tab, f"/cases/{case.pk}/")
    process = page.locator("#process")
    expect(process.locator("[aria-current=step]")).to_contain_text("Screening")
    expect(process).to_contain_text("Screen the referral")
    assert_no_violations(page)

    # A day and a minute later the worker's sweep fires the screening's timer.
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.sweep_timers() == 1
    goto(tab, f"/cases/{case.pk}/")
    expect(page.locator("body")).to_contain_text("Timer fell due: 24 hours passed")
    expect(page.locator("body")).to_contain_text("Screening overdue: C0009001")

    _do_step(
        tab,
        "Screen the referral",
        {
            "Does the concern need a strategy discussion?": "Yes",
            "What the screening found": "Bruising seen at school; the child is afraid to go home",
        },
    )
    expect(page.locator("#process [aria-current=step]")).to_contain_text("Strategy discussion")
    _do_step(
        tab,
        "Hold the strategy discussion (IRD)",
        {"Who took part": "Police, health visitor, school", "What was agreed": "Joint enquiry"},
    )
    _do_step(
        tab,
        "Propose the section decision",
        {"The decision": "Section 47 enquiry", "The reasons": "Risk of significant harm"},
    )

    # Waiting for a manager: the diagram marks the waiting event, and says so in words.
    expect(page.locator("#process")).to_contain_text("waiting for a message")
    page.get_by_role("link", name="See the process diagram").click()
    expect(page.locator("#current-steps")).to_contain_text("Manager's answer")
    expect(page.locator('.burgh-current-step[data-element-id="authorised"]')).to_have_count(1)
    assert_no_violations(page)

    # Ailsa leads the team and did not propose the decision: she authorises it.
    page.get_by_role("link", name=f"Case {case.reference}").click()
    page.get_by_role("link", name="Authorise or refuse").click()
    page.get_by_label("Yes, authorise it").check()
    assert_no_violations(page)
    page.get_by_role("button", name="Save").click()
    goto(tab, f"/cases/{case.pk}/")
    expect(page.locator("#process")).to_contain_text("The process has finished.")
    expect(page.locator("body")).to_contain_text("Message received: decision_authorised")
    assert_no_violations(page)
