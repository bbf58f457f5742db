"""The process flows API at /api/v1/flows: deploy BPMN and DMN files, read what is deployed."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from burgh.flows import services
from burgh.flows.models import DecisionDefinition, ProcessDefinition
from burgh.identity.auth import caller, require_scope
from burgh.identity.models import User

router = Router(tags=["flows"])
READ, WRITE = "flows:read", "flows:write"


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
