"""Moving running cases' processes from one version of a process to another.

A new version never changes a running instance on its own. An administrator moves them (the
running ones and those stopped by an error, which are then set going again with `retry`): the
preview says, for each place the instances are (a step waiting, an event, a gateway), how
many are there and where they go in the target version: to the element with the same id, if
it is there. An instance can move only if every element it still holds is in the target; those
that cannot stay where they are, and the preview says why.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from SpiffWorkflow.util.task import TaskState

from burgh.cases import services as cases
from burgh.core import audit
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.flows.engine import runtime
from burgh.flows.models import ProcessDefinition, ProcessInstance
from burgh.flows.services.deploy import may_deploy, process_version
from burgh.flows.services.running import retry
from burgh.identity.models import User


@dataclass(frozen=True)
class Place:
    element: str
    name: str
    instances: int
    # The element it goes to in the target, or "" when the target has no element of that id.
    target: str
    target_name: str


@dataclass
class Preview:
    source: ProcessDefinition
    target: ProcessDefinition
    places: list[Place] = field(default_factory=list)
    movable: list[Any] = field(default_factory=list)
    stuck: dict[Any, list[str]] = field(default_factory=dict)

    @property
    def running(self) -> int:
        return len(self.movable) + len(self.stuck)


def _require(by: User) -> None:
    if not may_deploy(by):
        raise PermissionDeniedError("None of your roles lets you move running processes.")


def _held(state: str, definition: ProcessDefinition) -> tuple[list[tuple[str, str]], set[str]]:
    """The live elements (id, name) of an instance, and every task spec name it holds."""
    workflow = runtime.load(definition, state, runtime.read_only_engine())
    live = []
    names = set()
    for task in workflow.get_tasks():
        spec = task.task_spec
        names.add(spec.name)
        where = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        if task.has_state(where) and getattr(spec, "bpmn_id", None):
            live.append((spec.bpmn_id, getattr(spec, "bpmn_name", None) or spec.bpmn_id))
    return live, names


def preview(by: User, key: str, source: int, target: int) -> Preview:
    """What moving the running instances of `key` from version `source` to `target` would
    do, changing nothing."""
    _require(by)
    if source == target:
        detail = "Choose a version other than the one they run."
        raise InvalidInputError(
            "Choose two different versions.", errors=[{"pointer": "#/target", "detail": detail}]
        )
    found = Preview(process_version(key, source), process_version(key, target))
    target_spec, target_subs = runtime.specs_of(found.target)
    target_names = set(target_spec.task_specs)
    for sub in target_subs.values():
        target_names |= set(sub.task_specs)
    by_id = {
        getattr(spec, "bpmn_id", None): getattr(spec, "bpmn_name", None) or spec.name
        for spec in target_spec.task_specs.values()
    }
    counted: Counter[tuple[str, str]] = Counter()
    running = ProcessInstance.objects.filter(
        definition=found.source,
        status__in=[ProcessInstance.Status.RUNNING, ProcessInstance.Status.FAILED],
    ).only("pk", "state", "definition")
    for instance in running.iterator():
        if not instance.state:  # stopped before its first wait: it starts again on retry
            found.movable.append(instance.pk)
            continue
        live, names = _held(instance.state, found.source)
        counted.update(live)
        missing = sorted(names - target_names)
        if missing:
            found.stuck[instance.pk] = missing
        else:
            found.movable.append(instance.pk)
    found.places = [
        Place(element, name, count, element if element in by_id else "", by_id.get(element, ""))
        for (element, name), count in sorted(counted.items())
    ]
    return found


def migrate(by: User, key: str, source: int, target: int) -> Preview:
    """Move every running instance of version `source` that can move to version `target`;
    the rest stay. Returns the preview it acted on (`movable` are those moved)."""
    found = preview(by, key, source, target)
    for instance_id in found.movable:
        with transaction.atomic():
            instance = (
                ProcessInstance.objects.select_for_update(of=("self",))
                .select_related("definition")
                .get(pk=instance_id)
            )
            if instance.definition_id != found.source.pk:
                continue  # moved or finished meanwhile
            if instance.state:
                engine = runtime.read_only_engine()
                workflow = runtime.load(found.target, instance.state, engine)
                instance.state = runtime.dump(workflow)
            instance.definition = found.target
            instance.version += 1
            instance.save(update_fields=["state", "definition", "version", "updated_at"])
            cases.record_process_step(
                instance.case_id,
                f"{found.target.name} moved from version {source} to version {target}",
                by=by,
            )
    stopped = ProcessInstance.objects.filter(
        pk__in=found.movable, status=ProcessInstance.Status.FAILED, definition=found.target
    ).values_list("pk", flat=True)
    for instance_id in list(stopped):
        retry(by, instance_id)
    audit.record(
        "flows.instances_migrated",
        subject=found.target,
        actor=by,
        detail={"key": key, "from": source, "to": target, "moved": len(found.movable),
                "stayed": len(found.stuck)},
    )  # fmt: skip
    return found
