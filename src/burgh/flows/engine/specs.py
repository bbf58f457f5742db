"""SpiffWorkflow, taught Burgh's tasks: actions, recorded decisions and assigned work.

`BurghParser` reads BPMN as Camunda Modeler writes it (forms, decision references, multi-
instance collections in the `camunda:` namespace) and DMN. A `serviceTask` becomes an
`ActionTask` naming one of `actions.ACTIONS` by its external topic; a `businessRuleTask` a
`DecisionTask` that reports which rules fired; a `userTask` keeps its team, assignee and due
date. `SERIALIZER` turns specs into JSON and back, these included.
"""

from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    BusinessRuleTaskParser,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.dmn.serializer.task_spec import BaseBusinessRuleTaskConverter
from SpiffWorkflow.util.deep_merge import DeepMerge


class ActionTask(ServiceTask):  # type: ignore[misc]
    """A service task that runs a named Burgh action with its inputs evaluated."""

    def __init__(
        self, wf_spec: Any, bpmn_id: str, action: str, parameters: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.action = action
        # (SpiffWorkflow's task specs keep their incoming flows in `inputs`.)
        self.parameters = parameters

    def _run_hook(self, task: Any) -> bool:
        # Through the script engine, so a failing input names this task.
        evaluate = task.workflow.script_engine.evaluate
        values = {name: evaluate(task, text) for name, text in self.parameters.items()}
        result = task.workflow.script_engine.call_service(task, action=self.action, inputs=values)
        if result is not None:
            task.data[f"{self.bpmn_id}_result"] = result
        return True


def evaluate_table(
    engine: Any, task: Any
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """A decision table over `task`'s data: the inputs it read, the rules that fired and what
    it decided (a UNIQUE table's first matching rule, a COLLECT table's every match)."""
    table = engine.decision_table
    evaluate = task.workflow.script_engine.evaluate
    fired = engine.decide(task)
    if table.hit_policy == "COLLECT":
        outputs: dict[str, Any] = {}
        for rule in fired:
            for key, value in rule.output_as_dict(task).items():
                outputs.setdefault(key, []).append(value)
    else:
        outputs = dict(fired[0].output_as_dict(task)) if fired else {}
    inputs = {
        given.label or given.expression: evaluate(task, given.expression) for given in table.inputs
    }
    rules = [{"id": rule.id, "row": rule.row_number, "note": rule.description} for rule in fired]
    return inputs, rules, outputs


class DecisionTask(BusinessRuleTask):  # type: ignore[misc]
    """A business rule task that tells the script engine which rules fired on which inputs,
    so every evaluation is on the record (`ProcessEngine.decided`)."""

    def _run_hook(self, task: Any) -> bool:
        inputs, rules, outputs = evaluate_table(self.dmnEngine, task)
        task.data = DeepMerge.merge(task.data, outputs)
        task.workflow.script_engine.decided(task, inputs, rules, outputs)
        return True


def camunda_tag(name: str) -> str:
    return f"{{{CAMUNDA_MODEL_NS}}}{name}"


def action_of(node: Any) -> str | None:
    """The action a service task names: its external topic (None when it names none)."""
    if node.get(camunda_tag("type")) != "external":
        return None
    topic = node.get(camunda_tag("topic"))
    return topic.strip() if topic else None


def inputs_of(node: Any) -> dict[str, str]:
    """A service task's input parameters: name -> expression text."""
    found = {}
    for parameter in node.iter(camunda_tag("inputParameter")):
        found[parameter.get("name") or ""] = (parameter.text or "").strip()
    return found


class ActionTaskParser(CamundaTaskParser):  # type: ignore[misc]
    def create_task(self) -> ActionTask:
        return ActionTask(
            self.spec,
            self.bpmn_id,
            action=action_of(self.node) or "",
            parameters=inputs_of(self.node),
            **self.bpmn_attributes,
        )


class DecisionTaskParser(BusinessRuleTaskParser):  # type: ignore[misc]
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        found: dict[str, Any] = super().parse_extensions(node)
        found["decision"] = self.get_decision_ref(self.node)
        return found

    def create_task(self) -> DecisionTask:
        reference = self.get_decision_ref(self.node)
        engine = self.process_parser.parser.get_engine(reference, self.node)
        return DecisionTask(self.spec, self.bpmn_id, dmnEngine=engine, **self.bpmn_attributes)


class WorkParser(UserTaskParser):  # type: ignore[misc]
    """A user task, with who does it and by when among its extensions: `team` (a team's slug,
    from Candidate groups), `assignee` (an email, or `owner` for the case's owner) and `due`
    (an ISO 8601 duration from when the task is ready, like P1D or PT24H)."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        found: dict[str, Any] = super().parse_extensions(node)
        for name, attribute in (("team", "candidateGroups"), ("assignee", "assignee")):
            value = (self.node.get(camunda_tag(attribute)) or "").split(",")[0].strip()
            if value:
                found[name] = value
        due = (self.node.get(camunda_tag("dueDate")) or "").strip()
        if due:
            found["due"] = due
        return found


BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


class BurghParser(CamundaParser):  # type: ignore[misc]
    OVERRIDE_PARSER_CLASSES = CamundaParser.OVERRIDE_PARSER_CLASSES | {
        f"{{{BPMN}}}serviceTask": (ActionTaskParser, ActionTask),
        f"{{{BPMN}}}businessRuleTask": (DecisionTaskParser, DecisionTask),
        f"{{{BPMN}}}userTask": (WorkParser, UserTask),
    }


class ActionTaskConverter(BpmnTaskSpecConverter):  # type: ignore[misc]
    def to_dict(self, spec: ActionTask) -> dict[str, Any]:
        found: dict[str, Any] = self.get_default_attributes(spec)
        found["action"] = spec.action
        found["parameters"] = spec.parameters
        return found


CONFIG = {
    **CAMUNDA_CONFIG,
    ActionTask: ActionTaskConverter,
    DecisionTask: BaseBusinessRuleTaskConverter,
}
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CONFIG))
