"""Deciding with a deployed DMN table outside a process: a case type's routing.

The table is the latest deployed version of its key, parsed once per version and run with the
same restricted expressions as in a process. The answer carries the inputs it read and the
rules that fired, for the record on the case.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from lxml import etree

from burgh.core.errors import InvalidInputError, NotFoundError
from burgh.flows.engine import runtime
from burgh.flows.engine.reading import SAFE_XML
from burgh.flows.engine.specs import BurghParser, evaluate_table
from burgh.flows.models import DecisionDefinition, DecisionRecord
from burgh.flows.services.deploy import latest_decision

_engines: dict[Any, Any] = {}
MOST_ENGINES = 64


@dataclass(frozen=True)
class Decided:
    decision: DecisionDefinition
    inputs: dict[str, Any]
    rules: list[dict[str, Any]]
    outputs: dict[str, Any]

    def explained(self) -> str:
        """'Routing for potholes (version 2): rule 1 (deep) fired for Depth 'over-40mm''."""
        given, fired, said = in_words(self.inputs, self.rules, self.outputs)
        return (
            f"{self.decision.name} (version {self.decision.number}) decided "
            f"{said or 'nothing'}: rule {fired or 'none'} fired for {given or 'no inputs'}"
        )


def in_words(
    inputs: dict[str, Any], rules: list[dict[str, Any]], outputs: dict[str, Any]
) -> tuple[str, str, str]:
    """An evaluation's inputs, rules fired and outputs, each as a phrase for the chronology."""
    return (
        ", ".join(f"{name} {value!r}" for name, value in inputs.items()),
        ", ".join(f"row {rule['row']} ({rule['id']})" for rule in rules),
        ", ".join(f"{name} = {value!r}" for name, value in outputs.items()),
    )


def _engine(decision: DecisionDefinition) -> Any:
    found = _engines.get(decision.pk)
    if found is None:
        parser = BurghParser(validator=None)
        parser.add_dmn_xml(etree.fromstring(decision.xml.encode(), SAFE_XML), decision.file_name)
        found = parser.get_engine(decision.key, None)
        if len(_engines) >= MOST_ENGINES:
            _engines.pop(next(iter(_engines)))
        _engines[decision.pk] = found
    return found


def decide(key: str, facts: dict[str, Any]) -> Decided:
    """The latest version of decision `key`, evaluated over `facts`."""
    decision = latest_decision(key)
    if decision is None:
        raise NotFoundError(f"No decision table {key!r} is deployed.")
    task = SimpleNamespace(
        data=dict(facts), workflow=SimpleNamespace(script_engine=runtime.read_only_engine())
    )
    try:
        inputs, rules, outputs = evaluate_table(_engine(decision), task)
    except Exception as error:  # an expression that breaks on these facts
        raise InvalidInputError(
            f"The decision table {decision.name} could not decide: {error}"
        ) from error
    return Decided(decision, inputs, rules, outputs)


def record(decided: Decided, case: Any, element: str) -> DecisionRecord:
    """Keep an evaluation made for `case` outside its process (its routing)."""
    return DecisionRecord.objects.create(
        instance=None,
        case=case,
        at=timezone.now(),
        element=element,
        decision=decided.decision.key,
        inputs=runtime.plain(decided.inputs),
        rules=decided.rules,
        outputs=runtime.plain(decided.outputs),
    )
