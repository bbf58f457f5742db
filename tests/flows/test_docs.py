"""The process analysts' page lists every one of Burgh's actions with each of its inputs, so
the page and the registry cannot drift apart."""

import re
from pathlib import Path

from burgh.flows.engine.actions import ACTIONS

PAGE = Path(__file__).parents[2] / "docs" / "process-flows.md"


def test_every_action_and_input_is_documented():
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `([a-z_]+)` \|.*$", PAGE.read_text(), re.MULTILINE)
    }
    assert set(rows) == set(ACTIONS)
    for action in ACTIONS.values():
        for given in action.inputs:
            said = f"`{given.name}`" + (" (required)" if given.required else ":")
            assert said in rows[action.name], (action.name, given.name)
