"""The cases API: case types, logging cases, queues, a case and the work on it.

Thin: each route parses, calls one of `cases.services`, and shapes the answer with the fields
the access policy lets the caller receive (docs/cases-api.md). A case the caller may not see is
404 everywhere, in no list and no count. Changes to a case take its ETag in If-Match.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router
from ninja.responses import NinjaJSONEncoder

from burgh.cases import services
from burgh.cases.access import CASE
from burgh.cases.api_schemas import (
    ETAG,
    IF_MATCH,
    LINK,
    LOCATION,
    AllocateIn,
    AuthoriseIn,
    BulkAllocateIn,
    CaseChange,
    CaseDetailOut,
    CaseOut,
    CasesOut,
    CaseTypeDetailOut,
    CaseTypeOut,
    ChronologyEntryOut,
    ChronologyParams,
    CloseIn,
    CountOut,
    DecisionIn,
    DecisionOut,
    FlagIn,
    FlagOut,
    IntakeIn,
    IntakeOut,
    LinkIn,
    MergeIn,
    MergeOut,
    NoteChange,
    NoteIn,
    NoteOut,
    ParentIn,
    PartyIn,
    PartyOut,
    PurposeParams,
    QueueFilters,
    QueueParams,
    ReasonIn,
    ReopenIn,
    StatusIn,
    TaskEndIn,
    TaskIn,
    TaskOut,
    case_row,
    queue_page,
    staff_member,
    team_named,
    work_on,
)
from burgh.cases.downloads import csv_download
from burgh.cases.models import Case, CaseNote, CaseType, Channel
from burgh.core.concurrency import required_version, with_etag
from burgh.core.errors import (
    InvalidInputError,
    NotFoundError,
)
from burgh.core.idempotency import OPENAPI_PARAMETER as IDEMPOTENCY_KEY
from burgh.core.idempotency import idempotent
from burgh.core.pagination import Page, PageParams, paginate
from burgh.identity import policy
from burgh.identity.auth import caller, require_scope
from burgh.identity.models import Purpose, Team, User
from burgh.people.services import current_person, merged_ids

router = Router(tags=["cases"])

READ, WRITE = "cases:read", "cases:write"
READ_ONE = {"responses": {200: {"headers": {"ETag": ETAG}}}}
CHANGE = {"parameters": [IF_MATCH], **READ_ONE}
CREATE = {"parameters": [IDEMPOTENCY_KEY], "responses": {201: {"headers": {"ETag": ETAG}}}}
LISTED = {"responses": {200: {"headers": {"Link": LINK}}}}


def _caller(request: HttpRequest, scope: str) -> User:
    require_scope(request, scope)
    return caller(request)


def _json(body: Any, *, status: int = 200, etag: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    if etag:
        response["ETag"] = etag
    return response


def _one(schema: Any, record: Any, *, status: int = 200) -> HttpResponse:
    """A note, task, decision, party, flag or merge, with its ETag."""
    return _json(schema.model_validate(record).model_dump(), status=status, etag=record.etag)


def _loaded(case_ids: list[Any]) -> "QuerySet[Case]":
    cases = Case.objects.filter(pk__in=case_ids).select_related("case_type", "team", "owner")
    return services.with_sla_state(cases)


def _answer(
    by: User, case_id: Any, *, status: int = 200, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The case after a change, as the caller may now see it, with its new ETag."""
    seen = policy.visible(by, CASE, action=policy.Action.VIEW, queryset=_loaded([case_id]))
    case = seen.queryset.first()
    fields = seen.fields(case) if case is not None else frozenset()
    if case is None:
        # Logged by someone who may not go on to see it: the answer still names the case.
        case = _loaded([case_id]).get()
    body = {**case_row(case, fields), **(extra or {})}
    response = _json(body, status=status, etag=case.etag)
    if status == 201:
        response["Location"] = reverse("api:get_case", kwargs={"case_id": case.pk})
    return response


def _work(by: User, case_id: Any, purpose: Purpose = Purpose.SERVICE_DELIVERY) -> Case:
    """The case read for the work on it (chronology, notes), not just its directory entry."""
    return services.read_work(by, case_id, purpose=purpose).case


# Case types


@router.get("/case-types", response=list[CaseTypeOut], summary="Case types taking new cases")
def list_case_types(request: HttpRequest) -> "QuerySet[CaseType]":
    _caller(request, READ)
    return services.offered()  # type: ignore[no-any-return]


@router.get(
    "/case-types/{code}",
    response=CaseTypeDetailOut,
    summary="One case type, with the JSON Schema of the `data` its cases take",
)
def get_case_type(request: HttpRequest, code: str) -> CaseType:
    _caller(request, READ)
    case_type = services.find_case_type(code)
    if case_type is None:
        raise NotFoundError(f"There is no case type {code!r} taking new cases.")
    return case_type


# Logging a case and reading cases


@router.post(
    "",
    response={201: IntakeOut},
    summary="Log a case",
    description=(
        "Checks the request against its case type (every problem at once, each with a pointer), "
        "routes it to a team queue and starts its SLA clock. The answer always carries the "
        "`reference`, even when the case is one you may not go on to see."
    ),
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY],
        "responses": {201: {"headers": {"ETag": ETAG, "Location": LOCATION}}},
    },
)
@idempotent
def post_case(request: HttpRequest, payload: IntakeIn) -> HttpResponse:
    by = _caller(request, WRITE)
    request_ = services.IntakeRequest(channel=Channel.API, **payload.model_dump())
    result = services.intake(by, request_)
    duplicates = [
        {"id": c.pk, "reference": c.reference, "status": c.status, "received_at": c.received_at}
        for c in result.possible_duplicates
    ]
    extra = {"reference": result.case.reference, "possible_duplicates": duplicates}
    return _answer(by, result.case.pk, status=201, extra=extra)


@contextmanager
def _filter_in_query() -> Iterator[None]:
    try:
        yield
    except InvalidInputError as error:
        # The service names the filter's fields as a body's; here they are query parameters.
        error.errors = [
            {**item, "pointer": "query." + item["pointer"].removeprefix("#/")}
            for item in error.errors
        ]
        raise


def _queue(by: User, params: QueueFilters) -> policy.Visible[Case]:
    found = params.queue_filter()
    with _filter_in_query():
        return services.queue(by, found, purpose=params.purpose)


@router.get(
    "",
    response=Page[CaseOut],
    summary="A queue of cases",
    description=(
        "Cases you may see, most urgent first, then soonest due (no SLA last), each with only "
        "the fields you may receive. Every case listed is written to the access log."
    ),
    openapi_extra=LISTED,
)
def list_cases(
    request: HttpRequest, response: HttpResponse, params: Query[QueueParams]
) -> dict[str, Any]:
    by = _caller(request, READ)
    visible = _queue(by, params)
    items, cursor = queue_page(request, response, visible.queryset, params)
    policy.log_listed(by, CASE, items, purpose=params.purpose)
    return {
        "items": [case_row(case, visible.fields(case)) for case in items],
        "next_cursor": cursor,
    }


@router.get("/count", response=CountOut, summary="Count the cases of a queue")
def count_cases(request: HttpRequest, params: Query[QueueFilters]) -> dict[str, int]:
    by = _caller(request, READ)
    return {"count": _queue(by, params).queryset.count()}


@router.get(
    "/export",
    summary="Export a queue as CSV",
    description=(
        "The cases the queue's filters find, as CSV: `id`, then one column for each field at "
        "least one of them lets you export, and an empty cell where a case's field is withheld "
        "or empty. Needs a role that may export cases. Every row is written to the access log."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "A CSV file with a header row.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_cases(request: HttpRequest, params: Query[QueueFilters]) -> StreamingHttpResponse:
    by = _caller(request, READ)
    found = params.queue_filter()
    with _filter_in_query():
        export = services.export_cases(by, found, purpose=params.purpose)
    return csv_download(export)


@router.get(
    "/{uuid:case_id}",
    response=CaseDetailOut,
    summary="One case",
    description=(
        "With only the fields you may receive, and its people, links, tasks and decisions when "
        "you may see the work on it. 404 alike for a missing case and one you may not see. "
        "Reading a sensitive case is written to the audit trail."
    ),
    openapi_extra=READ_ONE,
)
def get_case(
    request: HttpRequest, response: HttpResponse, case_id: UUID, params: Query[PurposeParams]
) -> dict[str, Any]:
    by = _caller(request, READ)
    found = services.read_case(by, case_id, purpose=params.purpose)
    with_etag(response, found.case)
    body = case_row(found.case, found.fields)
    if "work" in found.fields:
        body.update(work_on(found.case))
    return body


@router.get(
    "/people/{uuid:person_id}",
    response=CasesOut,
    summary="A person's cases",
    description=(
        "Every case about or involving the person, or a record merged into them, that you may "
        "see: newest first, at most 200. An unknown person has none."
    ),
)
def person_cases(
    request: HttpRequest, person_id: UUID, params: Query[PurposeParams]
) -> dict[str, Any]:
    by = _caller(request, READ)
    try:
        person = current_person(person_id)
        person_ids = [person.pk, *merged_ids(person)]
    except ObjectDoesNotExist:
        # The answer for a person with no case you may see: no oracle for who is in the index.
        person_ids = [person_id]
    visible, rows = services.cases_of_person(by, person_ids, purpose=params.purpose)
    return {"items": [case_row(case, visible.fields(case)) for case in rows]}


# Changing a case: each change takes If-Match and answers the case with its new ETag


@router.patch(
    "/{uuid:case_id}",
    response=CaseOut,
    summary="Change a case's title, description, priority or details",
    openapi_extra=CHANGE,
)
def patch_case(request: HttpRequest, case_id: UUID, payload: CaseChange) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    changes = payload.model_dump(exclude_unset=True)
    services.update_details(by, case_id, changes, expected_version=expected)
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/status", response=CaseOut, summary="Move a case on", openapi_extra=CHANGE
)
def post_status(request: HttpRequest, case_id: UUID, payload: StatusIn) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    services.change_status(by, case_id, **payload.model_dump(), expected_version=expected)
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/close", response=CaseOut, summary="Close a case", openapi_extra=CHANGE
)
def post_close(request: HttpRequest, case_id: UUID, payload: CloseIn) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    services.close_case(by, case_id, **payload.model_dump(), expected_version=expected)
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/reopen", response=CaseOut, summary="Reopen a case", openapi_extra=CHANGE
)
def post_reopen(request: HttpRequest, case_id: UUID, payload: ReopenIn) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    services.reopen_case(by, case_id, **payload.model_dump(), expected_version=expected)
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/allocate",
    response=CaseOut,
    summary="Allocate a case, or return it to its team's queue",
    openapi_extra=CHANGE,
)
def post_allocate(request: HttpRequest, case_id: UUID, payload: AllocateIn) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    services.allocate_case(
        by,
        case_id,
        staff_member(payload.owner, "#/owner"),
        team=team_named(payload.team, "#/team"),
        reason=payload.reason,
        expected_version=expected,
        allow_over_capacity=payload.allow_over_capacity,
    )
    return _answer(by, case_id)


@router.post(
    "/allocate",
    response=CasesOut,
    summary="Allocate many cases: all of them, or none",
    description="Each case that cannot be allocated is reported, with its pointer (#/cases/3).",
)
def post_allocate_many(request: HttpRequest, payload: BulkAllocateIn) -> dict[str, Any]:
    by = _caller(request, WRITE)
    done = services.allocate_cases(
        by,
        payload.cases,
        staff_member(payload.owner, "#/owner"),
        team=team_named(payload.team, "#/team"),
        reason=payload.reason,
        allow_over_capacity=payload.allow_over_capacity,
    )
    visible = policy.visible(by, CASE, queryset=_loaded([case.pk for case in done]))
    rows = {case.pk: case for case in visible.queryset}
    # A case moved to a team the caller cannot see is answered with its id and version only.
    return {
        "items": [
            case_row(rows[c.pk], visible.fields(rows[c.pk])) if c.pk in rows else case_row(c, ())
            for c in done
        ]
    }


@router.post(
    "/teams/{uuid:team_id}/take-next",
    response={200: CaseOut, 204: None},
    summary="Take the next case from a team's queue",
    description="The most urgent unallocated case, now yours; 204 when the queue is empty.",
    openapi_extra=READ_ONE,
)
def post_take_next(request: HttpRequest, team_id: UUID) -> HttpResponse:
    by = _caller(request, WRITE)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFoundError(f"There is no team with id {team_id}.")
    case = services.take_next(by, team)
    return HttpResponse(status=204) if case is None else _answer(by, case.pk)


@router.post(
    "/{uuid:case_id}/links",
    response=CaseOut,
    summary="Link a case to another that belongs with it",
    openapi_extra=CHANGE,
)
def post_link(request: HttpRequest, case_id: UUID, payload: LinkIn) -> HttpResponse:
    by = _caller(request, WRITE)
    services.link_cases(
        by, case_id, payload.other, note=payload.note, expected_version=required_version(request)
    )
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/parent",
    response=CaseOut,
    summary="Make a case the child of another, or of none",
    openapi_extra=CHANGE,
)
def post_parent(request: HttpRequest, case_id: UUID, payload: ParentIn) -> HttpResponse:
    by = _caller(request, WRITE)
    services.set_parent(by, case_id, payload.parent, expected_version=required_version(request))
    return _answer(by, case_id)


@router.post(
    "/{uuid:case_id}/merge",
    response=MergeOut,
    summary="Merge this case, a duplicate, into the case that stands",
    description="The answer is the merge (its id undoes it); the ETag is this case's new one.",
    openapi_extra=CHANGE,
)
def post_merge(request: HttpRequest, case_id: UUID, payload: MergeIn) -> HttpResponse:
    by = _caller(request, WRITE)
    merge = services.merge_cases(
        by,
        case_id,
        payload.target,
        reason=payload.reason,
        expected_version=required_version(request),
    )
    response = _one(MergeOut, merge)
    response["ETag"] = merge.source.etag
    return response


@router.post(
    "/merges/{uuid:merge_id}/undo",
    response=MergeOut,
    summary="Undo a merge",
    description="The merged case comes back with what moved; a second undo is 409.",
)
def post_undo_merge(request: HttpRequest, merge_id: UUID, payload: ReasonIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(MergeOut, services.undo_merge(by, merge_id, reason=payload.reason))


# The work on a case


@router.get(
    "/{uuid:case_id}/chronology",
    response=Page[ChronologyEntryOut],
    summary="A case's chronology, oldest first",
    openapi_extra=LISTED,
)
def get_chronology(
    request: HttpRequest, response: HttpResponse, case_id: UUID, params: Query[ChronologyParams]
) -> dict[str, Any]:
    case = _work(_caller(request, READ), case_id, params.purpose)
    entries = services.chronology(
        case, kinds=params.kind, significant_only=params.significant, text=params.text
    )
    page = PageParams(limit=params.limit, cursor=params.cursor)
    return paginate(request, entries, page, ordering=("at", "id"), response=response).as_dict()


@router.post(
    "/{uuid:case_id}/notes",
    response={201: NoteOut},
    summary="Add a note, or record a contact",
    openapi_extra=CREATE,
)
@idempotent
def post_note(request: HttpRequest, case_id: UUID, payload: NoteIn) -> HttpResponse:
    by = _caller(request, WRITE)
    note = services.add_note(by, case_id, **payload.model_dump())
    return _one(NoteOut, note, status=201)


@router.get("/notes/{uuid:note_id}", response=NoteOut, summary="One note", openapi_extra=READ_ONE)
def get_note(request: HttpRequest, note_id: UUID) -> HttpResponse:
    by = _caller(request, READ)
    note = CaseNote.objects.filter(pk=note_id).first()
    if note is None:
        raise NotFoundError("There is no note with that id, or you cannot see it.")
    _work(by, note.case_id)
    return _one(NoteOut, note)


@router.patch(
    "/notes/{uuid:note_id}",
    response=NoteOut,
    summary="Correct a note (its earlier text is kept)",
    openapi_extra=CHANGE,
)
def patch_note(request: HttpRequest, note_id: UUID, payload: NoteChange) -> HttpResponse:
    by = _caller(request, WRITE)
    expected = required_version(request)
    return _one(NoteOut, services.edit_note(by, note_id, payload.body, expected_version=expected))


@router.post(
    "/{uuid:case_id}/tasks", response={201: TaskOut}, summary="Add a task", openapi_extra=CREATE
)
@idempotent
def post_task(request: HttpRequest, case_id: UUID, payload: TaskIn) -> HttpResponse:
    by = _caller(request, WRITE)
    task = services.add_task(
        by,
        case_id,
        **payload.model_dump(exclude={"owner", "team"}),
        owner=staff_member(payload.owner, "#/owner"),
        team=team_named(payload.team, "#/team"),
    )
    return _one(TaskOut, task, status=201)


@router.post("/tasks/{uuid:task_id}/done", response=TaskOut, summary="Mark a task done")
def post_task_done(request: HttpRequest, task_id: UUID, payload: TaskEndIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(TaskOut, services.finish_task(by, task_id, done=True, note=payload.note))


@router.post("/tasks/{uuid:task_id}/cancel", response=TaskOut, summary="Cancel a task")
def post_task_cancel(request: HttpRequest, task_id: UUID, payload: TaskEndIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(TaskOut, services.finish_task(by, task_id, done=False, note=payload.note))


@router.post(
    "/{uuid:case_id}/decisions",
    response={201: DecisionOut},
    summary="Record a decision",
    description="A kind that needs authorisation waits for a second person, a manager.",
    openapi_extra=CREATE,
)
@idempotent
def post_decision(request: HttpRequest, case_id: UUID, payload: DecisionIn) -> HttpResponse:
    by = _caller(request, WRITE)
    decision = services.record_decision(by, case_id, **payload.model_dump())
    return _one(DecisionOut, decision, status=201)


@router.post(
    "/decisions/{uuid:decision_id}/authorise",
    response=DecisionOut,
    summary="Authorise or refuse a decision (the two-person rule)",
)
def post_authorise(request: HttpRequest, decision_id: UUID, payload: AuthoriseIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(DecisionOut, services.authorise_decision(by, decision_id, **payload.model_dump()))


@router.post(
    "/{uuid:case_id}/parties",
    response={201: PartyOut},
    summary="Add someone to a case",
    openapi_extra=CREATE,
)
@idempotent
def post_party(request: HttpRequest, case_id: UUID, payload: PartyIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(PartyOut, services.add_party(by, case_id, **payload.model_dump()), status=201)


@router.post(
    "/{uuid:case_id}/flags",
    response={201: FlagOut},
    summary="Raise a warning flag on a person, from a case",
    openapi_extra=CREATE,
)
@idempotent
def post_flag(request: HttpRequest, case_id: UUID, payload: FlagIn) -> HttpResponse:
    by = _caller(request, WRITE)
    return _one(
        FlagOut, services.raise_flag(by, **payload.model_dump(), case_id=case_id), status=201
    )
