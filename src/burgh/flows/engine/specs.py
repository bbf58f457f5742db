"""SpiffWorkflow, taught Burgh's service task: a named action with expression inputs.

`BurghParser` reads BPMN as Camunda Modeler writes it (forms, decision references, multi-
instance collections in the `camunda:` namespace) and DMN; a `serviceTask` becomes an
`ActionTask` naming one of `actions.ACTIONS` by its external topic. `SERIALIZER` turns specs
and running workflows into JSON and back, ActionTask included.
"""

from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from burgh.flows.engine import expressions


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
        values = {
            name: expressions.evaluate(text, task.data) for name, text in self.parameters.items()
        }
        result = task.workflow.script_engine.call_service(task, action=self.action, inputs=values)
        if result is not None:
            task.data[f"{self.bpmn_id}_result"] = result
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


class BurghParser(CamundaParser):  # type: ignore[misc]
    OVERRIDE_PARSER_CLASSES = CamundaParser.OVERRIDE_PARSER_CLASSES | {
        "{http://www.omg.org/spec/BPMN/20100524/MODEL}serviceTask": (ActionTaskParser, ActionTask)
    }


class ActionTaskConverter(BpmnTaskSpecConverter):  # type: ignore[misc]
    def to_dict(self, spec: ActionTask) -> dict[str, Any]:
        found: dict[str, Any] = self.get_default_attributes(spec)
        found["action"] = spec.action
        found["parameters"] = spec.parameters
        return found


CONFIG = {**CAMUNDA_CONFIG, ActionTask: ActionTaskConverter}
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CONFIG))
