"""Running a deployed process with SpiffWorkflow: load an instance's state, step it, save it.

An instance's state is SpiffWorkflow's JSON of the running workflow without the process's
specification, which its definition keeps once for every instance (and this process keeps,
parsed, for as long as it runs). After each step the finished part of the task tree is cut
away above the point where the live branches meet, so a step's cost follows the process's
size, never how long the instance has run: a case whose inspection loops a thousand times
saves no more than one that loops once.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from burgh.flows.engine import expressions
from burgh.flows.engine.specs import CONFIG, SERIALIZER

# (task, action name, evaluated inputs) -> what the action returns, kept in the task's data.
Perform = Callable[[Any, str, dict[str, Any]], Any]


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """SpiffWorkflow's expressions and scripts, run through `expressions`."""

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        return expressions.evaluate(expression, {**context, **(external_context or {})})

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        expressions.execute(script, context)
        return True


@dataclass(frozen=True)
class Decided:
    task: Any
    inputs: dict[str, Any]
    rules: list[dict[str, Any]]
    outputs: dict[str, Any]


class ProcessEngine(PythonScriptEngine):  # type: ignore[misc]
    """The script engine of one run: restricted expressions, and actions through `perform`."""

    def __init__(self, perform: Perform) -> None:
        super().__init__(environment=RestrictedEnvironment())
        self.perform = perform
        # The decision tables evaluated in this run, for the record.
        self.decisions: list[Decided] = []

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        return self.perform(task, kwargs["action"], kwargs["inputs"])

    def decided(
        self,
        task: Any,
        inputs: dict[str, Any],
        rules: list[dict[str, Any]],
        outputs: dict[str, Any],
    ) -> None:
        self.decisions.append(Decided(task, inputs, rules, outputs))


def _no_actions(task: Any, action: str, inputs: dict[str, Any]) -> Any:
    raise RuntimeError(f"Reading a process runs none of its actions ({action}).")


def read_only_engine() -> ProcessEngine:
    """An engine for loading a workflow to read it, or to decide with a table: no actions."""
    return ProcessEngine(_no_actions)


class InstanceConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """A running workflow without its specification, which its definition holds."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        found: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        found["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        found["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return found

    def from_dict(
        self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None
    ) -> BpmnWorkflow:
        dct = dict(dct)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


STATE = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**CONFIG, BpmnWorkflow: InstanceConverter})
)


# Parsed specifications by definition id: a definition never changes once deployed.
_parsed: dict[Any, tuple[Any, dict[str, Any]]] = {}
MOST_PARSED = 128


def specs_of(definition: Any) -> tuple[Any, dict[str, Any]]:
    """A definition's parsed process and the processes it calls, parsed once per process."""
    found = _parsed.get(definition.pk)
    if found is None:
        given = json.loads(definition.spec)
        found = (
            SERIALIZER.from_dict(given["process"]),
            {name: SERIALIZER.from_dict(value) for name, value in given["subprocesses"].items()},
        )
        if len(_parsed) >= MOST_PARSED:
            _parsed.pop(next(iter(_parsed)))
        _parsed[definition.pk] = found
    return found


def plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as JSON keeps them (dates as ISO text), for the record."""
    return {
        str(k): v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()
    }


def start(definition: Any, engine: ProcessEngine, data: dict[str, Any]) -> BpmnWorkflow:
    spec, subprocesses = specs_of(definition)
    workflow = BpmnWorkflow(spec, subprocesses, script_engine=engine)
    workflow.data.update(data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def load(definition: Any, state: str, engine: ProcessEngine) -> BpmnWorkflow:
    spec, subprocesses = specs_of(definition)
    found = json.loads(state)
    workflow: BpmnWorkflow = STATE.from_dict(found, spec=spec, subprocess_specs=subprocesses)
    workflow.script_engine = engine
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON text, its finished history cut away first."""
    prune(workflow)
    return json.dumps(STATE.to_dict(workflow), separators=(",", ":"))


def prune(workflow: Any) -> int:
    """Cut away the finished tasks above the point where every live task's branch meets (and
    the call activities' sub-workflows among them); how many tasks went."""
    live = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return 0
    common: list[UUID] | None = None
    for task in live:
        path = _path(task)
        if common is None:
            common = path
        else:
            shared = 0
            for mine, theirs in zip(common, path, strict=False):
                if mine != theirs:
                    break
                shared += 1
            common = common[:shared]
    # The new top is a finished task: a live task still takes its data from its parent.
    while common and not workflow.tasks[common[-1]].has_state(TaskState.FINISHED_MASK):
        common = common[:-1]
    if not common or common[-1] == workflow.task_tree.id:
        return 0
    top = workflow.tasks[common[-1]]
    kept = {task.id for task in _subtree(top)}
    gone = [task_id for task_id in workflow.tasks if task_id not in kept]
    for task_id in gone:
        del workflow.tasks[task_id]
        if task_id in getattr(workflow, "subprocesses", {}):
            del workflow.subprocesses[task_id]
    if workflow.last_task is not None and workflow.last_task.id not in kept:
        workflow.last_task = None
    top._parent = None
    workflow.task_tree = top
    for subprocess in list(getattr(workflow, "subprocesses", {}).values()):
        prune(subprocess)
    return len(gone)


def _path(task: Any) -> list[UUID]:
    found = []
    while task is not None:
        found.append(task.id)
        task = task.parent
    return found[::-1]


def _subtree(top: Any) -> list[Any]:
    found, waiting = [], [top]
    while waiting:
        task = waiting.pop()
        found.append(task)
        waiting.extend(task.children)
    return found


@dataclass(frozen=True)
class Waiting:
    """What a workflow waits for: a message or signal by name, or a timer until `due`."""

    kind: str  # "message", "signal" or "timer"
    name: str
    task_id: UUID
    due: datetime | None = None


def waiting(workflow: BpmnWorkflow) -> list[Waiting]:
    """Everything the workflow (and its sub-workflows) waits for, an event-based gateway's
    choices each on their own. Reads only: refreshing the timers would fire them."""
    found = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        choices = getattr(definition, "event_definitions", None) or [definition]
        for choice in choices:
            if isinstance(choice, TimerEventDefinition):
                value = task._get_internal_data("event_value")
                if isinstance(value, dict):
                    value = value.get("next")
                if value:
                    name = choice.name or task.task_spec.bpmn_name or task.task_spec.bpmn_id
                    due = TimerEventDefinition.get_datetime(value)
                    found.append(Waiting("timer", name, task.id, due))
            elif isinstance(choice, MessageEventDefinition):
                found.append(Waiting("message", choice.name, task.id))
            elif isinstance(choice, SignalEventDefinition):
                found.append(Waiting("signal", choice.name, task.id))
    return found


def next_timer(found: list[Waiting]) -> datetime | None:
    """When the earliest of the timers waited for falls due."""
    due = [w.due for w in found if w.kind == "timer" and w.due is not None]
    return min(due) if due else None
