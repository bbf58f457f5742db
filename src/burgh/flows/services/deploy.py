"""Deploying process flows and decision tables, and reading what is deployed.

`deploy_definitions` is the one way in, behind the admin page, the API and `burgh flows
deploy`: every file is checked first (`engine.reading`), and a deployment with any problem
saves nothing. A process or decision whose file changed gets the next version of its key;
one whose file did not keeps its version, so the same files sent again deploy nothing new.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from burgh.core import audit, events
from burgh.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from burgh.flows.engine.reading import DefinitionError, Deployed, Problem, ReadProcess, read
from burgh.flows.models import DecisionDefinition, Deployment, ProcessDefinition, Webhook
from burgh.identity.models import Team, User
from burgh.identity.permissions import has_permission

DEPLOY = "flows.deploy"
SOURCES = ("page", "api", "command")


class DeploymentRefusedError(InvalidInputError):
    """Files that cannot be deployed; `problems` lists each with its file and element."""

    slug = "deployment-refused"
    title = "The files cannot be deployed"

    def __init__(self, problems: Sequence[Problem]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was deployed.",
            errors=[
                {"pointer": f"{p.file}#{p.element}", "detail": f"{p.element}: {p.reason}"}
                for p in problems
            ],
        )
        self.problems = list(problems)


@dataclass
class DeployResult:
    # None when every file was deployed already, as sent: nothing new is made.
    deployment: Deployment | None
    # Versions made by this deployment, and those already deployed as sent.
    created: list[ProcessDefinition | DecisionDefinition] = field(default_factory=list)
    unchanged: list[ProcessDefinition | DecisionDefinition] = field(default_factory=list)


def may_deploy(user: User) -> bool:
    return has_permission(user, DEPLOY)


def latest_process(key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key).order_by("-number").first()


def latest_decision(key: str) -> DecisionDefinition | None:
    return DecisionDefinition.objects.filter(key=key).order_by("-number").first()


def _deployed(kind: str, key: str) -> Deployed | None:
    found = latest_process(key) if kind == "bpmn" else latest_decision(key)
    return None if found is None else Deployed(found.file_name, found.xml, kind)


def _missing(kind: str, names: set[str]) -> set[str]:
    if kind == "team":
        return names - set(Team.objects.filter(slug__in=names).values_list("slug", flat=True))
    registered = Webhook.objects.filter(name__in=names, active=True)
    return names - set(registered.values_list("name", flat=True))


def deploy_definitions(
    user: User | None, files: Sequence[tuple[str, bytes]], *, source: str
) -> DeployResult:
    """Check and deploy `files` (name, content). `user` None is the command line, run by
    whoever runs the server. Raises DeploymentRefusedError, saving nothing, on any problem."""
    assert source in SOURCES
    if user is not None and not may_deploy(user):
        raise PermissionDeniedError("None of your roles lets you deploy process flows.")
    try:
        reading = read(files, _deployed, _missing)
    except DefinitionError as error:
        raise DeploymentRefusedError(error.problems) from error
    with transaction.atomic():
        result = DeployResult(None)
        # (model, what was read, the columns only a process has) for each file's definition
        new: list[tuple[Any, Any, dict[str, Any]]] = []
        found: list[tuple[Any, Any, dict[str, Any]]] = [
            *((DecisionDefinition, d, {}) for d in reading.decisions),
            *((ProcessDefinition, p, _process_columns(p)) for p in reading.processes),
        ]
        for model, read_one, more in found:
            earlier = _locked_latest(model, read_one.key)
            if earlier is not None and earlier.xml == read_one.xml:
                result.unchanged.append(earlier)
            else:
                number = (earlier.number if earlier else 0) + 1
                new.append((model, read_one, {"number": number, **more}))
        if not new:
            return result
        deployment = result.deployment = Deployment.objects.create(
            deployed_by=user, source=source, files=[name for name, _ in files]
        )
        for model, read_one, columns in new:
            result.created.append(
                model.objects.create(
                    key=read_one.key,
                    name=read_one.name,
                    deployment=deployment,
                    file_name=read_one.file,
                    xml=read_one.xml,
                    **columns,
                )
            )
        versions = [f"{made.key} v{made.number}" for made in result.created]
        audit.record(
            "flows.deployed",
            subject=deployment,
            actor=user,
            detail={"files": deployment.files, "source": source, "versions": versions},
        )
        events.emit(
            "gov.burgh.flows.deployment.created",
            f"flows/deployment/{deployment.pk}",
            {"id": str(deployment.pk), "files": deployment.files, "versions": versions},
        )
    return result


def _process_columns(process: ReadProcess) -> dict[str, Any]:
    return {
        "spec": json.dumps(process.spec),
        "elements": process.elements,
        "calls": list(process.calls),
        "stages": list(process.stages),
    }


def _locked_latest(
    model: type[ProcessDefinition] | type[DecisionDefinition], key: str
) -> ProcessDefinition | DecisionDefinition | None:
    """The latest version of `key`, locked, so two deployments of one key number in turn
    (on SQLite the write transaction already runs alone; the unique key catches the rest)."""
    return model.objects.select_for_update().filter(key=key).order_by("-number").first()


def process_summaries() -> list[ProcessDefinition]:
    """Every deployed process key's latest version (its number is how many there are)."""
    found: dict[str, ProcessDefinition] = {}
    rows = ProcessDefinition.objects.select_related("deployment__deployed_by").defer("spec", "xml")
    for process in rows.order_by("key", "-number"):
        found.setdefault(process.key, process)
    return sorted(found.values(), key=lambda p: (p.name.lower(), p.key))


def process_versions(key: str) -> list[ProcessDefinition]:
    found = list(
        ProcessDefinition.objects.filter(key=key)
        .select_related("deployment__deployed_by")
        .defer("spec")
        .order_by("-number")
    )
    if not found:
        raise NotFoundError(f"No process with the key {key!r} is deployed.")
    return found


def process_version(key: str, number: int) -> ProcessDefinition:
    found = ProcessDefinition.objects.filter(key=key, number=number).first()
    if found is None:
        raise NotFoundError(f"Process {key!r} has no version {number}.")
    return found


def decision_summaries() -> list[DecisionDefinition]:
    """Every deployed decision key's latest version, by name."""
    found: dict[str, DecisionDefinition] = {}
    for decision in DecisionDefinition.objects.defer("xml").order_by("key", "-number"):
        found.setdefault(decision.key, decision)
    return sorted(found.values(), key=lambda d: (d.name.lower(), d.key))
