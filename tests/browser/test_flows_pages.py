"""Deploying a process flow in the browser: a refused file's problems in the error summary
(axe-core finds nothing wrong with it), then the mended file deployed and listed."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Tab, goto
from tests.browser.flows_data import FILES, analyst
from tests.browser.pages import State

pytestmark = pytest.mark.browser


def test_an_analyst_sees_why_a_file_was_refused_then_deploys_it(tab: Tab, reach, tmp_path):
    reach(tab, State.SIGNED_IN)
    analyst()
    bad = tmp_path / "pothole.bpmn"
    bad.write_text((FILES / "pothole.bpmn").read_text().replace("create_task", "shell_out"))
    page = tab.page
    goto(tab, "/flows/deploy/")
    page.get_by_label("BPMN and DMN files").set_input_files([str(bad)])
    page.get_by_role("button", name="Deploy").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing was deployed: 2 problems found")
    expect(summary).to_contain_text("pothole.bpmn, order: its action 'shell_out' is not one of")
    expect(summary).to_be_focused()
    assert_no_violations(page)
    files = [str(FILES / "pothole.bpmn"), str(FILES / "pothole_priority.dmn")]
    page.get_by_label("BPMN and DMN files").set_input_files(files)
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Pothole repair version 1")
    expect(page.get_by_role("link", name="Pothole repair")).to_be_visible()
    assert_no_violations(page)


def test_the_diagram_marks_where_the_case_is(tab: Tab, reach):
    from tests.browser.flows_data import PROCESS_CASE_ID, step_waiting

    reach(tab, State.SIGNED_IN)
    step_waiting()
    page = tab.page
    goto(tab, f"/cases/{PROCESS_CASE_ID}/")
    page.get_by_role("link", name="See the process diagram").click()
    expect(page.locator("#current-steps")).to_contain_text("Inspect the pothole")
    expect(page.locator(".burgh-process-diagram--drawn")).to_be_visible()
    marked = page.locator('.burgh-current-step[data-element-id="inspect"]')
    expect(marked).to_have_count(1)
    assert page.locator('.burgh-current-step[data-element-id="order"]').count() == 0
    assert_no_violations(page)
