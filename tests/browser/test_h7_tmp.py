import pytest
from tests.browser.conftest import goto
from tests.browser.pages import State
pytestmark = pytest.mark.browser

def test_debug(tab, reach):
    reach(tab, State.ADMINISTRATOR)
    msgs = []
    tab.page.on("console", lambda m: msgs.append((m.text, m.location)))
    goto(tab, "/admin/password_change/")
    tab.page.wait_for_timeout(500); from tests.browser.axe import axe_violations; axe_violations(tab.page); tab.page.wait_for_timeout(500)
    for m in msgs:
        print("MSG", m)
    print("PROBLEMS", tab.problems)
    print(tab.page.content()[:3000])
