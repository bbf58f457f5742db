"""The process flows API at /api/v1/flows: deploy BPMN and DMN files, read what is deployed."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from burgh.core.concurrency import required_version
from burgh.core.errors import NotFoundError
from burgh.flows import services
from burgh.flows.models import DecisionDefinition, ProcessDefinition, ProcessTask
from burgh.flows.services import oversight
from burgh.identity.auth import caller, require_scope
from burgh.identity.models import Team, User

router = Router(tags=["flows"])
READ, WRITE = "flows:read", "flows:write"
# A case's process steps are work on the case: the cases scopes cover them.
CASES_READ, CASES_WRITE = "cases:read", "cases:write"
MOST_STEPS = 200


class VersionOut(Schema):
    kind: str
    key: str
    version: int
    name: str
    file: str


class DeploymentOut(Schema):
    id: str | None
    created: list[VersionOut]
    unchanged: list[VersionOut]


class ProcessOut(Schema):
    key: str
    version: int
    name: str
    file: str
    elements: int
    calls: list[str]
    deployed_at: datetime
    deployed_by: str


class DecisionOut(Schema):
    key: str
    version: int
    name: str
    file: str
    deployed_at: datetime


def _caller(request: HttpRequest, scope: str) -> User:
    require_scope(request, scope)
    return caller(request)


def _version(made: ProcessDefinition | DecisionDefinition) -> VersionOut:
    kind = "process" if isinstance(made, ProcessDefinition) else "decision"
    return VersionOut(
        kind=kind, key=made.key, version=made.number, name=made.name, file=made.file_name
    )


def _process(process: ProcessDefinition) -> ProcessOut:
    by = process.deployment.deployed_by
    return ProcessOut(
        key=process.key,
        version=process.number,
        name=process.name,
        file=process.file_name,
        elements=process.elements,
        calls=process.calls,
        deployed_at=process.created_at,
        deployed_by=str(by) if by else "burgh flows deploy",
    )


@router.post(
    "/deployments",
    response={201: DeploymentOut, 200: DeploymentOut},
    summary="Deploy BPMN and DMN files",
    description=(
        "Send each file as a `file` part of a multipart form. Every file is checked before "
        "anything is saved: on any problem the answer is 422 with one entry in `errors` per "
        "problem, its `pointer` the file and element id (`pothole.bpmn#order`). A process or "
        "decision whose file changed gets a new version (201); files deployed already as sent "
        "make nothing new (200)."
    ),
)
def deploy(request: HttpRequest, file: File[list[UploadedFile]]) -> Status[DeploymentOut]:
    user = _caller(request, WRITE)
    files = [(upload.name or "unnamed", upload.read()) for upload in file]
    result = services.deploy_definitions(user, files, source="api")
    body = DeploymentOut(
        id=str(result.deployment.pk) if result.deployment else None,
        created=[_version(made) for made in result.created],
        unchanged=[_version(same) for same in result.unchanged],
    )
    return Status(201 if result.created else 200, body)


@router.get("/processes", response=list[ProcessOut], summary="Deployed processes, latest versions")
def list_processes(request: HttpRequest) -> list[ProcessOut]:
    _caller(request, READ)
    return [_process(process) for process in services.process_summaries()]


@router.get(
    "/processes/{key}",
    response=list[ProcessOut],
    summary="Every version of a process, newest first",
)
def process_versions(request: HttpRequest, key: str) -> list[ProcessOut]:
    _caller(request, READ)
    return [_process(process) for process in services.process_versions(key)]


@router.get(
    "/processes/{key}/versions/{int:number}/bpmn",
    response={200: None},
    summary="A process version's BPMN file, as deployed",
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def process_file(request: HttpRequest, key: str, number: int) -> HttpResponse:
    _caller(request, READ)
    process = services.process_version(key, number)
    response = HttpResponse(process.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.bpmn"'
    return response


@router.get("/decisions", response=list[DecisionOut], summary="Deployed decisions, latest versions")
def list_decisions(request: HttpRequest) -> list[DecisionOut]:
    _caller(request, READ)
    return [
        DecisionOut(
            key=d.key, version=d.number, name=d.name, file=d.file_name, deployed_at=d.created_at
        )
        for d in services.decision_summaries()
    ]


class StepOut(Schema):
    id: UUID
    case_id: UUID
    case_reference: str
    name: str
    element: str
    status: str
    team_id: UUID | None
    owner_id: UUID | None
    due_at: datetime | None
    form: list[dict[str, Any]] = Field(
        description="The step's questions, as a case type's field definitions "
        "(name, label, type, required, options, limits)."
    )
    answers: dict[str, Any] = Field(
        description="By question name: the answers given, or the default answers while open."
    )
    version: int


class StepsOut(Schema):
    count: int
    steps: list[StepOut]


class StepDone(Schema):
    answers: dict[str, Any] = Field(default_factory=dict)


def _step_out(step: ProcessTask) -> StepOut:
    return StepOut(
        id=step.pk,
        case_id=step.case_id,
        case_reference=step.case.reference,
        name=step.name,
        element=step.element,
        status=step.status,
        team_id=step.team_id,
        owner_id=step.owner_id,
        due_at=step.due_at,
        form=step.form,
        answers=step.answers,
        version=step.version,
    )


def _step(step: ProcessTask) -> HttpResponse:
    body = _step_out(step)
    response = HttpResponse(body.model_dump_json(), content_type="application/json; charset=utf-8")
    response["ETag"] = step.etag
    return response


@router.get(
    "/steps",
    response=StepsOut,
    summary="Process steps waiting for a team, soonest due first",
)
def list_steps(request: HttpRequest, team: UUID, limit: int = 50) -> StepsOut:
    by = _caller(request, CASES_READ)
    found = Team.objects.filter(pk=team).first()
    if found is None:
        raise NotFoundError("There is no such team.")
    steps, count = oversight.team_steps(by, found, limit=max(1, min(limit, MOST_STEPS)))
    return StepsOut(count=count, steps=[_step_out(step) for step in steps])


@router.get("/steps/{uuid:step_id}", response=StepOut, summary="One process step, with its form")
def get_step(request: HttpRequest, step_id: UUID) -> HttpResponse:
    by = _caller(request, CASES_READ)
    return _step(services.step_for(by, step_id))


@router.post(
    "/steps/{uuid:step_id}/complete",
    response=StepOut,
    summary="Complete a process step with the answers to its form",
    description=(
        "Send the step's ETag in If-Match. Answers are checked against the step's form: a wrong "
        "one is 422 with a pointer to its field (`#/depth_mm`). The process then goes on."
    ),
)
def complete_step(request: HttpRequest, step_id: UUID, payload: StepDone) -> HttpResponse:
    by = _caller(request, CASES_WRITE)
    expected = required_version(request)
    services.complete_task(by, step_id, payload.answers, expected_version=expected)
    return _step(services.step_for(by, step_id))


class MessageIn(Schema):
    case_id: UUID
    name: str = Field(min_length=1, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict)


class SignalIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict)


class Delivered(Schema):
    taken: int


@router.post(
    "/messages",
    response=Delivered,
    summary="Send a message to a case's process",
    description=(
        "Another system's reply (a contractor's works done, a payment taken): the case's process "
        "goes on if it waits for a message of this name (`taken` 1), else nothing happens "
        "(`taken` 0). Needs a token that may change the case."
    ),
)
def post_message(request: HttpRequest, payload: MessageIn) -> Delivered:
    by = _caller(request, CASES_WRITE)
    return Delivered(
        taken=int(services.send_message(by, payload.case_id, payload.name, payload.data))
    )


@router.post(
    "/signals",
    response=Delivered,
    summary="Broadcast a signal to every waiting process",
    description=(
        "Every running process waiting for a signal of this name goes on; `taken` says how "
        "many. Needs the `flows:write` scope and a role that may send signals."
    ),
)
def post_signal(request: HttpRequest, payload: SignalIn) -> Delivered:
    by = _caller(request, WRITE)
    return Delivered(taken=services.send_signal(by, payload.name, payload.data))
