"""The cases API's shapes: what integrators send and get back, which JSON keys each of the
access policy's case fields opens, the ids a body names read as records, and the queue's pages."""

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Required
from urllib.parse import urlencode
from uuid import UUID

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from pydantic import ConfigDict
from typing_extensions import TypedDict

from burgh.cases import fields as case_fields
from burgh.cases.models import Case, CaseType, EntryKind
from burgh.cases.services import QueueFilter
from burgh.cases.services.clock import policy_of
from burgh.cases.services.exports import EXPORT_COLUMNS
from burgh.cases.sla import describe_policy
from burgh.core.errors import InvalidCursorError, InvalidInputError
from burgh.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from burgh.identity import policy
from burgh.identity.models import Purpose, Team, User

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The ETag from when you read the record, such as "3".',
}
ETAG = {"description": "The record's version, for If-Match.", "schema": {"type": "string"}}
LINK = {"description": 'The next page, as `<url>; rel="next"`.', "schema": {"type": "string"}}
LOCATION = {"description": "Where the new case can be read.", "schema": {"type": "string"}}

# The policy names what a reader may see of a case (cases.access.CASE_FIELDS); these are the
# JSON keys each of those fields opens: an export's columns (services.exports.EXPORT_COLUMNS,
# named as here), and what only a JSON answer can hold. `id` and `version` are always sent.
_ONLY_IN_JSON: dict[str, tuple[str, ...]] = {
    "status": ("status_label",),
    "sla": ("sla_at_risk_at",),
    "work": ("parent_id", "merged_into_id", "parties", "links", "tasks", "decisions"),
}
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    name: (*columns, *_ONLY_IN_JSON.get(name, ())) for name, columns in EXPORT_COLUMNS.items()
}
ALWAYS = ("id", "version")


def keys_for(fields: Collection[str]) -> set[str]:
    return {key for name in fields for key in FIELD_KEYS.get(name, ())}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def case_values(case: Case, sla_state: str) -> dict[str, Any]:
    """Every key a case row can carry (call `policy.shape` before sending it)."""
    case_type = case.case_type
    return {
        "id": case.pk,
        "version": case.version,
        "reference": case.reference,
        "case_type": {"code": case_type.code, "name": case_type.name},
        "status": case.status,
        "status_label": case_type.status_label(case.status),
        "stage": case.stage,
        "outcome": case.outcome or None,
        "closed_at": case.closed_at,
        "priority": case.priority,
        "team": {"id": case.team_id, "name": case.team.name},
        "owner": {"id": case.owner_id, "name": case.owner.full_name} if case.owner else None,
        "received_at": case.received_at,
        "sla_state": sla_state,
        "sla_due_at": case.sla_due_at,
        "sla_at_risk_at": case.sla_warn_at,
        "title": case.title,
        "description": case.description,
        "data": case.data,
        "subject_person_id": case.subject_person_id,
        "uprn": case.uprn or None,
        "address": case.address_text,
        "latitude": _number(case.latitude),
        "longitude": _number(case.longitude),
        "reporter": case.reporter,
        "channel": case.channel,
        "external_ref": case.external_ref,
        "outcome_note": case.outcome_note,
        "parent_id": case.parent_id,
        "merged_into_id": case.merged_into_id,
    }


def case_row(case: Case, fields: Collection[str]) -> dict[str, Any]:
    """A case as `fields` (a policy decision's, or a list row's) let the reader receive it."""
    state = getattr(case, "sla_state", None) or "none"
    return policy.shape(case_values(case, state), keys_for(fields), always=ALWAYS)


def work_on(case: Case) -> dict[str, Any]:
    """The people, links, tasks and decisions of a case, for readers who get its `work`."""
    links = [
        {"case_id": link.other_id, "reference": link.other.reference, "kind": link.kind}
        for link in case.links_out.select_related("other")
    ] + [
        {"case_id": link.case_id, "reference": link.case.reference, "kind": link.kind}
        for link in case.links_in.select_related("case")
    ]
    return {
        "parties": [PartyOut.model_validate(party).model_dump() for party in case.parties.all()],
        "links": links,
        "tasks": [TaskOut.model_validate(task).model_dump() for task in case.tasks.all()],
        "decisions": [DecisionOut.model_validate(d).model_dump() for d in case.decisions.all()],
    }


class Input(Schema):
    # A misspelt field is an error rather than silently lost.
    model_config = ConfigDict(extra="forbid")


# Case types


class StatusOut(Schema):
    code: str
    label: str
    stage: Literal["open", "paused", "closed"] = Field(
        description="open: the SLA clock runs; paused: it stops; closed: reached by closing."
    )


class OutcomeOut(Schema):
    code: str
    label: str


class DecisionKindOut(OutcomeOut):
    needs_authorisation: bool = Field(description="A second person (a manager) must authorise.")


class SlaOut(Schema):
    unit: str
    target: int
    warning: int = Field(description="At risk this many units before it is due.")
    description: str = Field(description='In words, e.g. "5 working days; at risk 1 before".')


class CaseTypeOut(Schema):
    code: str = Field(description="Send it as `case_type` when you log a case.")
    name: str
    description: str
    service: str
    group: str
    public: bool = Field(description="Residents may report it (Open311).")
    sensitive: bool = Field(description="Its cases are seen only by the team working them.")
    needs_subject: bool = Field(description="A case needs `subject_person_id`.")
    needs_location: bool = Field(description="A case needs an address, a UPRN or a position.")
    statuses: list[StatusOut]
    initial_status: str
    transitions: dict[str, list[str]] = Field(
        description="Each open status to the statuses it may move to."
    )
    outcomes: list[OutcomeOut] = Field(description="What closing a case may record.")
    decision_kinds: list[DecisionKindOut]
    default_priority: int = Field(description="1 urgent, 2 high, 3 normal, 4 low.")
    sla: SlaOut | None = Field(description="The service level; null when it has none.")
    statutory_timescale: str

    @staticmethod
    def resolve_sla(case_type: CaseType) -> dict[str, Any] | None:
        sla = policy_of(case_type)
        return None if sla is None else {**case_type.sla, "description": describe_policy(sla)}


class CaseTypeDetailOut(CaseTypeOut):
    fields: list[dict[str, Any]] = Field(description="The questions, as the council defined them.")
    data_schema: dict[str, Any] = Field(
        description="A JSON Schema (2020-12) for the `data` a new case of this type needs."
    )

    @staticmethod
    def resolve_data_schema(case_type: CaseType) -> dict[str, Any]:
        questions = case_fields.check_definition(case_type.fields)
        return case_fields.json_schema(questions, title=f"{case_type.name}: details")


# Cases


class Ref(TypedDict):
    id: UUID
    name: str


class CaseTypeRef(TypedDict):
    code: str
    name: str


class PartyOut(Schema):
    id: UUID
    role: str
    person_id: UUID | None = Field(description="In the person index; null for an outsider.")
    name: str
    organisation: str
    contact: str


class TaskOut(Schema):
    id: UUID
    case_id: UUID
    title: str
    details: str
    owner_id: UUID | None
    team_id: UUID | None
    due_on: date | None
    state: str = Field(description="open, done or cancelled.")
    completed_at: datetime | None
    completion_note: str
    version: int


class DecisionOut(Schema):
    id: UUID
    case_id: UUID
    kind: str
    summary: str
    reasons: str
    state: str = Field(description="recorded, awaiting, authorised, refused or withdrawn.")
    proposed_by_id: UUID | None
    proposed_at: datetime
    decided_by_id: UUID | None
    decided_at: datetime | None
    decision_note: str
    version: int


class LinkedCase(TypedDict):
    case_id: UUID
    reference: str
    kind: str


SlaState = Literal["on_track", "at_risk", "breached", "paused", "met", "missed", "none"]


def _about(text: str) -> Any:
    return Field(description=text)


class CaseOut(TypedDict, total=False):
    """A case, with only the keys the reader may receive: any other key is absent, not empty.
    `id` and `version` (the ETag without its quotes) are always there."""

    id: Required[UUID]
    version: Required[int]
    reference: Annotated[str, _about("The case reference, e.g. C0000042.")]
    case_type: CaseTypeRef
    status: Annotated[str, _about("The status code; `status_label` says it in words.")]
    status_label: str
    stage: Annotated[str, _about("open, paused (the SLA clock stopped) or closed.")]
    outcome: Annotated[str | None, _about("The outcome it was closed with.")]
    closed_at: datetime | None
    priority: Annotated[int, _about("1 urgent, 2 high, 3 normal, 4 low.")]
    team: Annotated[Ref, _about("The team whose queue it is in.")]
    owner: Annotated[Ref | None, _about("The allocated worker; null in the shared queue.")]
    received_at: datetime
    sla_state: SlaState
    sla_due_at: datetime | None
    sla_at_risk_at: datetime | None
    title: str
    description: str
    data: Annotated[dict[str, Any], _about("Answers to the case type's questions.")]
    subject_person_id: Annotated[UUID | None, _about("The person it is about (person index).")]
    uprn: str | None
    address: str
    latitude: float | None
    longitude: float | None
    reporter: Annotated[dict[str, str], _about("Who reported it, when not in the person index.")]
    channel: str
    external_ref: str
    outcome_note: str
    parent_id: UUID | None
    merged_into_id: UUID | None


class CaseDetailOut(CaseOut, total=False):
    parties: list[PartyOut]
    links: Annotated[list[LinkedCase], _about("Linked cases, both ways.")]
    tasks: list[TaskOut]
    decisions: list[DecisionOut]


class DuplicateOut(Schema):
    id: UUID
    reference: str
    status: str
    received_at: datetime


class IntakeOut(CaseOut, total=False):
    possible_duplicates: Required[
        Annotated[list[DuplicateOut], _about("Open cases of the type near it, that you may see.")]
    ]


class CasesOut(Schema):
    items: list[CaseOut]


class CountOut(Schema):
    count: int = Field(description="How many cases you may see match the filters.")


class IntakeIn(Input):
    case_type: str = Field(min_length=1, max_length=60, description="A case type's `code`.")
    title: str = Field("", max_length=200, description="Defaults to the case type's name.")
    description: str = Field("", max_length=20_000)
    data: dict[str, Any] = Field(
        default_factory=dict, description="Answers: see the case type's `data_schema`."
    )
    subject_person_id: UUID | None = Field(None, description="The person it is about.")
    uprn: str = Field("", max_length=12, description="The property; else matched from address.")
    address: str = Field("", max_length=300)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    reporter: dict[str, str] = Field(
        default_factory=dict, description="`name`, `email`, `phone` of a reporter not indexed."
    )
    priority: int | None = Field(None, description="1 urgent to 4 low; else by routing.")
    external_ref: str = Field("", max_length=120, description="Your system's reference.")
    duplicate_of: UUID | None = Field(
        None, description="Log it linked as a duplicate of this open case."
    )


class CaseChange(Input):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    priority: int | None = None
    data: dict[str, Any] | None = Field(None, description="All the answers, replacing them.")


class StatusIn(Input):
    status: str = Field(max_length=40, description="A status the case may move to.")
    note: str = Field("", max_length=2000)


class CloseIn(Input):
    outcome: str = Field(max_length=40, description="One of the case type's outcomes.")
    note: str = Field("", max_length=5000)
    status: str = Field("", max_length=40, description="A closed status; the first if left out.")


class ReopenIn(Input):
    reason: str = Field(max_length=2000)
    status: str = Field(
        "", max_length=40, description="An open status; the initial one if left out."
    )


class AllocateIn(Input):
    owner: UUID | None = Field(None, description="The worker; null returns it to the queue.")
    team: UUID | None = Field(None, description="Move it to this team's queue too.")
    reason: str = Field("", max_length=300, description="Needed to take it from someone.")
    allow_over_capacity: bool = False


class BulkAllocateIn(AllocateIn):
    cases: list[UUID] = Field(max_length=500, description="The cases: all are allocated, or none.")


class LinkIn(Input):
    other: UUID
    note: str = Field("", max_length=300)


class ParentIn(Input):
    parent: UUID | None = Field(description="The parent case; null makes it a case of its own.")


class MergeIn(Input):
    target: UUID = Field(description="The case that stands; this one closes as merged into it.")
    reason: str = Field(max_length=300)


class ReasonIn(Input):
    reason: str = Field(max_length=300)


class MergeOut(Schema):
    id: UUID
    source_id: UUID
    target_id: UUID
    reason: str
    undone_at: datetime | None
    version: int


class PurposeParams(Schema):
    purpose: Purpose = Field(
        Purpose.SERVICE_DELIVERY, description="Why you are looking; written to the access log."
    )


class QueueFilters(PurposeParams):
    scope: Literal["team", "unallocated", "mine", "all"] | None = Field(
        None,
        description=(
            "team: a team's open cases; unallocated: its shared queue; mine: yours; all: every "
            "case you may see. Defaults to team when `team` is given, else all."
        ),
    )
    team: UUID | None = Field(None, description="The team whose queue to show.")
    owner: UUID | None = Field(None, description="Only cases allocated to this worker.")
    status: str = Field("", max_length=40, description="Only cases in this status (its code).")
    case_type: str = Field("", max_length=60, description="Only cases of this type (its code).")
    priority: int | None = Field(None, description="Only this priority (1 to 4).")
    sla: str = Field("", max_length=20, description="Only cases in this SLA state.")
    reference: str = Field("", max_length=20, description="The case with this reference.")
    include_closed: bool = Field(False, description="Closed cases too.")

    def queue_filter(self) -> QueueFilter:
        return QueueFilter(
            scope=self.scope or ("team" if self.team else "all"),
            team=team_named(self.team, "query.team"),
            owner=self.owner,
            status=self.status,
            case_type=self.case_type,
            priority=self.priority,
            sla_state=self.sla,
            reference=self.reference,
            include_closed=self.include_closed,
        )


class QueueParams(QueueFilters):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many (1 to 200).")
    cursor: str | None = Field(None, max_length=2000, description="The last page's next_cursor.")


class ChronologyParams(PurposeParams):
    kind: list[EntryKind] = Field(default_factory=list, description="Only entries of these kinds.")
    significant: bool = Field(False, description="Only significant events.")
    text: str = Field("", max_length=200, description="Only entries whose summary has this.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=2000)


class ChronologyEntryOut(Schema):
    id: int
    at: datetime
    kind: str
    summary: str
    detail: dict[str, Any]
    actor: str = Field(alias="actor_label", description="Who, or Burgh for the system.")
    significant: bool
    ref_type: str = Field(description="What the entry is about (note, casetask, …), if any.")
    ref_id: str


class NoteIn(Input):
    body: str = Field(max_length=20_000)
    kind: str = Field("note", description="note, phone, email, visit, meeting or letter.")
    contact_with: str = Field("", max_length=200)
    occurred_at: datetime | None = Field(None, description="When a contact happened; now if not.")
    significant: bool = False


class NoteChange(Input):
    body: str = Field(max_length=20_000)


class NoteOut(Schema):
    id: UUID
    case_id: UUID
    kind: str
    body: str
    contact_with: str
    occurred_at: datetime
    significant: bool
    author_id: UUID
    version: int


class TaskIn(Input):
    title: str = Field(max_length=200)
    details: str = Field("", max_length=5000)
    owner: UUID | None = None
    team: UUID | None = None
    due_on: date | None = None


class TaskEndIn(Input):
    note: str = Field("", max_length=2000)


class DecisionIn(Input):
    kind: str = Field(max_length=60, description="One of the case type's decision kinds.")
    summary: str = Field(max_length=300)
    reasons: str = Field(max_length=20_000)


class AuthoriseIn(Input):
    approve: bool
    note: str = Field("", max_length=5000, description="Needed to refuse.")


class PartyIn(Input):
    role: str = Field(description="subject, reporter, parent, carer, professional, …")
    person_id: UUID | None = None
    name: str = Field("", max_length=200, description="For someone not in the person index.")
    organisation: str = Field("", max_length=200)
    contact: str = Field("", max_length=200)


class FlagIn(Input):
    person_id: UUID
    kind: str = Field(description="safeguarding, lone_worker, violence, communication, other.")
    note: str = Field(max_length=2000)
    review_on: date | None = None


class FlagOut(Schema):
    id: UUID
    person_id: UUID
    kind: str
    note: str
    case_id: UUID | None
    review_on: date | None
    version: int


# Ids in a request, read as the records they name


def staff_member(user_id: UUID | None, pointer: str) -> User | None:
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user_id and user is None:
        detail = "No member of staff has this id."
        raise InvalidInputError(detail, errors=[{"pointer": pointer, "detail": detail}])
    return user


def team_named(team_id: UUID | None, pointer: str) -> Team | None:
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    if team_id and team is None:
        detail = "No team has this id."
        raise InvalidInputError(detail, errors=[{"pointer": pointer, "detail": detail}])
    return team


# The queue's pages. Not core.pagination: a case whose type has no SLA has no due date, and the
# queue puts those last, which keys that must not be null cannot express.

QUEUE_SALT = "burgh.cases.api.queue"


def queue_page(
    request: HttpRequest, response: HttpResponse, rows: "QuerySet[Case]", params: QueueParams
) -> tuple[list[Case], str | None]:
    """One page of `rows` by priority, due date (none last) and id, with the next cursor."""
    rows = rows.order_by("priority", F("sla_due_at").asc(nulls_last=True), "id")
    if params.cursor:
        rows = rows.filter(_after(*_read_cursor(request, params.cursor)))
    found = list(rows[: params.limit + 1])
    items, cursor = found[: params.limit], None
    if len(found) > params.limit:
        last = items[-1]
        due = last.sla_due_at.isoformat() if last.sla_due_at else None
        values = [last.priority, due, str(last.pk)]
        cursor = signing.dumps({"p": request.path, "v": values}, salt=QUEUE_SALT, compress=True)
        query = request.GET.copy()
        query["cursor"] = cursor
        next_url = f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
        response["Link"] = f'<{request.build_absolute_uri(next_url)}>; rel="next"'
    return items, cursor


def _read_cursor(request: HttpRequest, cursor: str) -> tuple[int, datetime | None, UUID]:
    try:
        payload = signing.loads(cursor, salt=QUEUE_SALT)
        if payload["p"] != request.path:
            raise ValueError(payload["p"])
        priority, due, last_id = payload["v"]
        return int(priority), datetime.fromisoformat(due) if due else None, UUID(last_id)
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidCursorError(
            "The cursor parameter is not one this list gave out, or it has been altered. "
            "Start again from the first page (leave cursor out) and follow next_cursor.",
            errors=[{"pointer": "query.cursor", "detail": "Not a cursor from this list."}],
        ) from error


def _after(priority: int, due: datetime | None, last_id: UUID) -> Q:
    """Rows after the last one shown: later priority, or later due (none is latest), or id."""
    same = Q(priority=priority)
    if due is None:
        return Q(priority__gt=priority) | (same & Q(sla_due_at__isnull=True, id__gt=last_id))
    later = Q(sla_due_at__gt=due) | Q(sla_due_at__isnull=True) | Q(sla_due_at=due, id__gt=last_id)
    return Q(priority__gt=priority) | (same & later)
