"""A case type routed by a DMN decision table: the table picks the team and priority from the
answers, and its verdict (inputs, the rule that fired) is kept and on the chronology."""

import pytest

from burgh.cases import services as cases
from burgh.cases.models import ChronologyEntry
from burgh.cases.services import IntakeRequest
from burgh.core.errors import InvalidInputError
from burgh.flows import services
from burgh.flows.models import DecisionRecord
from tests.cases.setting import ROAD_UPRN, make_setting, pothole_definition

pytestmark = pytest.mark.django_db
TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="routing" name="Routing"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="pothole_routing" name="Pothole routing">
    <decisionTable id="pothole_routing_table" hitPolicy="UNIQUE">
      <input id="depth_in" label="Depth"><inputExpression id="depth_ex" typeRef="string">
        <text>depth</text></inputExpression></input>
      <output id="team_out" name="team" typeRef="string" />
      <output id="priority_out" name="priority" typeRef="string" />
      <rule id="deep"><inputEntry id="deep_in"><text>"over-40mm"</text></inputEntry>
        <outputEntry id="deep_team"><text>"kinloch/children-north"</text></outputEntry>
        <outputEntry id="deep_priority"><text>"urgent"</text></outputEntry></rule>
      <rule id="shallow"><inputEntry id="shallow_in"><text>-</text></inputEntry>
        <outputEntry id="shallow_team"><text>"kinloch/roads-maintenance"</text></outputEntry>
        <outputEntry id="shallow_priority"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


@pytest.fixture
def routed(analyst):
    setting = make_setting()
    services.deploy_definitions(analyst, [("routing.dmn", TABLE.encode())], source="page")
    definition = pothole_definition("kinloch/roads-maintenance", routing_decision="pothole_routing")
    cases.save_case_type(None, definition)
    return setting


def _report(setting, depth):
    request = IntakeRequest(
        case_type="pothole", channel="staff", data={"depth": depth}, uprn=ROAD_UPRN
    )
    return cases.intake(setting.adviser, request).case


def test_the_table_routes_each_case_and_says_why(routed):
    deep = _report(routed, "over-40mm")
    assert (deep.team, deep.priority) == (routed.children, 1)
    shallow = _report(routed, "under-40mm")
    assert (shallow.team, shallow.priority) == (routed.roads, 4)
    record = DecisionRecord.objects.get(case=deep)
    assert (record.instance, record.element, record.decision) == (
        None,
        "routing",
        "pothole_routing",
    )
    assert record.inputs == {"Depth": "over-40mm"}
    assert [rule["id"] for rule in record.rules] == ["deep"]
    line = ChronologyEntry.objects.get(case=deep, kind="flow").summary
    assert line == (
        "Routed: Pothole routing (version 1) decided team = 'kinloch/children-north', "
        "priority = 'urgent': rule row 1 (deep) fired for Depth 'over-40mm'"
    )


def test_a_table_that_is_not_deployed_is_refused_in_the_definition(routed):
    definition = pothole_definition("kinloch/roads-maintenance", routing_decision="nothing")
    with pytest.raises(InvalidInputError) as refused:
        cases.save_case_type(None, definition)
    assert [e["pointer"] for e in refused.value.errors] == ["#/routing_decision"]
