"""The person index's API: source records in, ranked search, merges, unmerges, match reviews.

Thin: `resolve`, `rank_people`, `merge_people`, `unmerge` and `decide_review` hold the rules
and refuse with named errors; the access policy decides which people a caller may see. Writes
need the `people:write` scope as well as the data steward's permission.
"""

import json
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict

from burgh.core.errors import BurghError, InvalidInputError, NotFoundError, PermissionDeniedError
from burgh.core.idempotency import OPENAPI_PARAMETER as IDEMPOTENCY_KEY
from burgh.core.idempotency import idempotent
from burgh.core.pagination import Page, PageParams, paginate
from burgh.identity import policy
from burgh.identity.auth import caller, require_scope
from burgh.identity.models import Purpose
from burgh.people.access import PERSON
from burgh.people.models import Lineage, MatchReview, Person, SourceRecord
from burgh.people.services import reviews as review_services
from burgh.people.services.golden import MANAGE_SOURCE_RECORDS
from burgh.people.services.merging import MERGE_PEOPLE, current_person, merge_people, unmerge
from burgh.people.services.ranking import MAX_LIMIT as MAX_RANKED
from burgh.people.services.ranking import rank_people
from burgh.people.services.records import load_related, person_fields
from burgh.people.services.resolution import Resolution, resolve
from burgh.people.services.reviews import REVIEW_MATCHES, decide_review
from burgh.people.services.sources import IncomingRecord
from burgh.people.steward import may_see_all_of, permitted_attributes

router = Router(tags=["person index"])

READ = "people:read"
WRITE = "people:write"
LOCATION = {"description": "Where the changed person can be read.", "schema": {"type": "string"}}
LINK = {"description": 'The next page, as `<url>; rel="next"`.', "schema": {"type": "string"}}
PURPOSE_TEXT = (
    "Why you are looking; it is recorded in the access log. Partner agencies see a record "
    "only under a data-sharing agreement for this purpose."
)


class Input(Schema):
    # Unknown fields are refused, so a misspelt field is an error rather than silently lost.
    model_config = ConfigDict(extra="forbid")


class AttributesIn(Input):
    """What the source system holds; leave out, or send empty, what it does not know."""

    given_name: str | None = Field(None, description="Given name (forename).")
    family_name: str | None = Field(None, description="Family name (surname).")
    date_of_birth: str | None = Field(
        None, description="`yyyy-mm-dd`, or `yyyy` when only the year is known."
    )
    sex: str | None = Field(None, description="As the system records it, e.g. female, male.")
    address: str | None = Field(None, description="The address on one line.")
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    uprn: str | None = Field(None, description="The property's UPRN, when the system knows it.")
    identifier: str | None = Field(
        None, description="A national identifier the system holds: CHI, NHS or NI number."
    )


class SourceRecordIn(Input):
    attributes: AttributesIn
    received_at: datetime | None = Field(
        None,
        description="When the system recorded this version; now, when left out. Survivorship "
        "takes contact details from the most recent record.",
    )


class SourceRecordOut(Schema):
    system: str
    source_id: str
    record_version: int = Field(description="Goes up by one each time the content changes.")
    received_at: datetime
    link_method: str = Field(description="new, automatic, review or manual.")


class ResolutionOut(Schema):
    person_id: UUID = Field(description="The person the record belongs to now.")
    outcome: Literal["unchanged", "linked", "created", "review"] = Field(
        description=(
            "unchanged: the same content as last time, nothing changed; linked: joined an "
            "existing person; created: started a new person; review: started a new person "
            "and a data steward will check whether it is the same as another."
        )
    )
    weight: float | None = Field(
        description="The match weight of the best candidate, when there was one."
    )
    review_id: UUID | None = Field(description="The review opened, for outcome review.")
    record: SourceRecordOut


class RetiredOut(Schema):
    id: UUID = Field(description="The id you asked for, which is no longer in use.")
    merged_into: UUID = Field(description="The person it was merged into.")
    detail: str


class SearchParams(Schema):
    name: str = Field("", max_length=200, description="Given and family name; typos are fine.")
    date_of_birth: date | None = Field(None, description="YYYY-MM-DD.")
    postcode: str = Field("", max_length=10)
    address: str = Field("", max_length=300, description="Any part of the address.")
    limit: int = Field(20, ge=1, le=MAX_RANKED, description="How many people at most.")
    purpose: Purpose = Field(Purpose.SERVICE_DELIVERY, description=PURPOSE_TEXT)


class RankedOut(Schema):
    person: dict[str, Any] = Field(
        description="The person, with only the fields you may receive (as `GET /people/{id}`)."
    )
    score: float = Field(description="Match weight against what you searched for; higher fits.")
    probability: float = Field(description="How likely this is the person you described (0-1).")


class RankedPage(Schema):
    items: list[RankedOut]


class MergeIn(Input):
    other: UUID = Field(description="The person merged in: their id will lead to this one.")
    reason: str = Field(max_length=2000, description="Why they are the same resident.")


class UnmergeIn(Input):
    reason: str = Field(max_length=2000, description="Why they are different residents.")


class LineageOut(Schema):
    id: UUID
    kind: str = Field(description="merge, unmerge, move or relink.")
    person: UUID = Field(description="Merge: the survivor. Unmerge: the person restored.")
    other: UUID | None = Field(description="Merge: the id retired. Unmerge: the one it left.")
    records: list[UUID] = Field(description="The source records that moved.")
    reason: str
    at: datetime


class LevelOut(Schema):
    comparison: str
    label: str = Field(description="What the comparison found, in words.")
    weight: float = Field(description="The weight it added (negative: against a match).")


class ReviewRecordOut(Schema):
    system: str
    source_id: str
    person_id: UUID
    attributes: dict[str, str] = Field(description="As the system sent them.")


class ReviewOut(Schema):
    id: UUID
    status: str = Field(description="pending, match, not_match or skipped.")
    weight: float
    probability: float
    created_at: datetime
    record: ReviewRecordOut
    candidate: ReviewRecordOut
    explanation: list[LevelOut]
    decided_at: datetime | None
    note: str


class DecisionIn(Input):
    decision: Literal["match", "not_match", "skip"]
    note: str = Field("", max_length=2000)


def _json(body: Any, status: int, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in headers.items():
        response[name] = value
    return response


def _require(request: HttpRequest, scope: str, permission: str, what: str) -> policy.Viewer:
    require_scope(request, scope)
    viewer = policy.viewer_for(caller(request))
    if not viewer.has(permission):
        raise PermissionDeniedError(f"None of your roles lets you {what}.")
    return viewer


# Source records: the feeds' way in.


def _path_pointers(error: InvalidInputError) -> InvalidInputError:
    """The system and id are in the path here, not the body: say so in the pointers."""
    renamed = {"#/system": "path.system", "#/source_id": "path.source_id"}
    for problem in error.errors:
        problem["pointer"] = renamed.get(problem.get("pointer", ""), problem.get("pointer", ""))
    return error


@router.put(
    "/sources/{system}/{source_id}",
    response=ResolutionOut,
    summary="Send a source record",
    description=(
        "A council system's record of a resident, new or changed: it is kept as sent (with "
        "its earlier versions) and linked to its person at once. The same content again "
        "changes nothing and gives the same answer. Needs `people:write` and a role that may "
        "manage source records."
    ),
)
def put_source_record(
    request: HttpRequest, system: str, source_id: str, payload: SourceRecordIn
) -> dict[str, Any]:
    _require(request, WRITE, MANAGE_SOURCE_RECORDS, "send source records")
    attributes = payload.attributes.model_dump(exclude_none=True)
    incoming = IncomingRecord(system, source_id, attributes, received_at=payload.received_at)
    try:
        resolution = resolve(incoming, actor=caller(request))
    except InvalidInputError as error:
        raise _path_pointers(error) from None
    return _resolution(resolution)


def _resolution(resolution: Resolution) -> dict[str, Any]:
    record: SourceRecord = resolution.record
    return {
        "person_id": resolution.person.pk,
        "outcome": resolution.outcome,
        "weight": resolution.weight,
        "review_id": resolution.review.pk if resolution.review is not None else None,
        "record": {
            "system": record.system.slug,
            "source_id": record.source_id,
            "record_version": record.record_version,
            "received_at": record.received_at,
            "link_method": record.link_method,
        },
    }


# Ranked search.


@router.get(
    "/search",
    response=RankedPage,
    summary="Search for people, best fit first",
    description=(
        "People who fit a name (with typos), date of birth, postcode and any part of an "
        "address, best first, with a score. Only people you may see are found, and a search "
        "never matches on a field you may not receive. Everyone listed is recorded in their "
        "access log."
    ),
)
def search_ranked(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    require_scope(request, READ)
    viewer = policy.viewer_for(caller(request))
    if not any((params.name.strip(), params.date_of_birth, params.postcode, params.address)):
        raise InvalidInputError(
            "Give at least one of name, date_of_birth, postcode or address to search for.",
            errors=[{"pointer": "query.name", "detail": "Give something to search for."}],
        )
    try:
        ranked = rank_people(
            viewer,
            name=params.name,
            date_of_birth=params.date_of_birth,
            postcode=params.postcode,
            address=params.address,
            limit=params.limit,
            purpose=params.purpose,
        )
    except InvalidInputError as error:
        for problem in error.errors:
            problem["pointer"] = problem.get("pointer", "").replace("#/", "query.")
        raise
    people = [row.person for row in ranked]
    addresses = load_related(people, {row.person.pk: row.fields for row in ranked})
    items = [
        {
            "person": {
                "id": row.person.pk,
                **person_fields(row.person, row.fields, addresses=addresses),
            },
            "score": round(row.score, 4),
            "probability": round(row.probability, 6),
        }
        for row in ranked
    ]
    policy.log_listed(viewer, PERSON, people, purpose=params.purpose)
    return {"items": items}


# Retired ids.


def retired_answer(
    request: HttpRequest, viewer: policy.Viewer, person_id: UUID, purpose: Purpose
) -> HttpResponse | None:
    """301 to the survivor for a merged id, if the caller may see the survivor; None if current.

    A caller who may not see the survivor gets the refusal they would get for it (a 404 like
    any unknown id), so a retired id tells them nothing its survivor would not.
    """
    found = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
    if found is None:
        return None
    try:
        survivor = current_person(person_id)
    except Person.DoesNotExist:
        return None
    policy.read(viewer, PERSON, survivor.pk, purpose=purpose)
    location = reverse("api:get_person", kwargs={"person_id": survivor.pk})
    query = request.META.get("QUERY_STRING", "")
    body = {
        "id": str(person_id),
        "merged_into": str(survivor.pk),
        "detail": f"Person {person_id} was merged into {survivor.pk}; read that record instead.",
    }
    return _json(body, 301, Location=f"{location}?{query}" if query else location)


# Merges and unmerges.


def _current_whole(viewer: policy.Viewer, person_id: UUID, pointer: str | None = None) -> Person:
    """A person the caller may see in full, for a change; refused as a read would be."""
    try:
        found, decision = policy.read(viewer, PERSON, person_id, action=policy.Action.VIEW)
    except policy.RecordNotFoundError as missing:
        if pointer:
            missing.errors = [
                {"pointer": pointer, "detail": "No such person, or not yours to see."}
            ]
        raise
    person: Person = found
    if person.merged_into_id is not None:
        raise NotFoundError(
            f"Person {person_id} was merged into {person.merged_into_id}: use that id.",
            errors=[{"pointer": pointer or "path.person_id", "detail": "A retired id."}],
        )
    if not may_see_all_of(permitted_attributes(decision.fields)):
        raise PermissionDeniedError(
            f"You may not see the whole record of person {person_id}, so you cannot change it."
        )
    return person


def _lineage(entry: Lineage) -> dict[str, Any]:
    records = entry.records.get("records", []) if isinstance(entry.records, dict) else []
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "person": entry.person_id,
        "other": entry.other_id,
        "records": records,
        "reason": entry.reason,
        "at": entry.at,
    }


@router.post(
    "/{uuid:person_id}/merge",
    response={201: LineageOut},
    summary="Merge another person into this one",
    description=(
        "One resident known by two ids: `other` and its source records, involvements, "
        "household and relationships move to this person, and `other`'s id answers with a "
        "301 to this one from now on. Undo it with the unmerge operation. Needs "
        "`people:write` and a role that may merge people."
    ),
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY],
        "responses": {201: {"headers": {"Location": LOCATION}}},
    },
)
@idempotent
def post_merge(request: HttpRequest, person_id: UUID, payload: MergeIn) -> HttpResponse:
    viewer = _require(request, WRITE, MERGE_PEOPLE, "merge people")
    if payload.other == person_id:
        raise InvalidInputError(
            "A person cannot be merged with themselves: give the other person's id.",
            errors=[{"pointer": "#/other", "detail": "The same id as the person."}],
        )
    survivor = _current_whole(viewer, person_id)
    other = _current_whole(viewer, payload.other, pointer="#/other")
    entry = merge_people(survivor, other, actor=caller(request), reason=payload.reason)
    location = reverse("api:get_person", kwargs={"person_id": survivor.pk})
    return _json(_lineage(entry), 201, Location=location)


@router.post(
    "/merges/{uuid:lineage_id}/unmerge",
    response={201: LineageOut},
    summary="Undo a merge",
    description=(
        "The retired id comes back with exactly the source records, involvements, homes and "
        "relationships the merge took, and the two are kept apart by later matching. Needs "
        "`people:write` and a role that may merge people."
    ),
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY],
        "responses": {201: {"headers": {"Location": LOCATION}}},
    },
)
@idempotent
def post_unmerge(request: HttpRequest, lineage_id: UUID, payload: UnmergeIn) -> HttpResponse:
    viewer = _require(request, WRITE, MERGE_PEOPLE, "unmerge people")
    entry = Lineage.objects.filter(pk=lineage_id).first()
    if entry is None:
        raise NotFoundError(f"There is no merge with id {lineage_id}.")
    _current_whole(viewer, entry.person_id)
    undone = unmerge(entry, actor=caller(request), reason=payload.reason)
    location = reverse("api:get_person", kwargs={"person_id": undone.person_id})
    return _json(_lineage(undone), 201, Location=location)


# Reviews.


def _review_record(record: SourceRecord) -> dict[str, Any]:
    return {
        "system": record.system.slug,
        "source_id": record.source_id,
        "person_id": record.person_id,
        "attributes": {name: value for name, value in record.attributes.items() if value},
    }


def _review(review: MatchReview) -> dict[str, Any]:
    return {
        "id": review.pk,
        "status": review.status,
        "weight": review.weight,
        "probability": review.probability,
        "created_at": review.created_at,
        "record": _review_record(review.record),
        "candidate": _review_record(review.candidate),
        "explanation": review.explanation,
        "decided_at": review.decided_at,
        "note": review.note,
    }


@router.get(
    "/reviews",
    response=Page[ReviewOut],
    summary="Pairs waiting for a data steward",
    description=(
        "Pairs of records the matching could not decide on, oldest first, with the match "
        "explanation. Only pairs whose two people you may both see. Needs a role that may "
        "review matches."
    ),
    openapi_extra={"responses": {200: {"headers": {"Link": LINK}}}},
)
def list_reviews(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, Any]:
    viewer = _require(request, READ, REVIEW_MATCHES, "review matches")
    result = paginate(
        request,
        review_services.visible_reviews(viewer),
        page,
        ordering=("created_at", "id"),
        response=response,
    )
    people = {r.record.person for r in result.items} | {r.candidate.person for r in result.items}
    policy.log_listed(viewer, PERSON, list(people), purpose=Purpose.SERVICE_DELIVERY)
    return {
        "items": [_review(review) for review in result.items],
        "next_cursor": result.next_cursor,
    }


@router.post(
    "/reviews/{uuid:review_id}/decision",
    response=ReviewOut,
    summary="Decide a review",
    description=(
        "match: the two become one person (kept together by later matching); not_match: kept "
        "apart for good; skip: left in the queue for later. A decided review answers 409. "
        "Needs `people:write` and a role that may review matches."
    ),
    openapi_extra={"parameters": [IDEMPOTENCY_KEY]},
)
@idempotent
def post_decision(request: HttpRequest, review_id: UUID, payload: DecisionIn) -> HttpResponse:
    viewer = _require(request, WRITE, REVIEW_MATCHES, "review matches")
    review = (
        MatchReview.objects.select_related("record__system", "candidate__system")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise NotFoundError(f"There is no review with id {review_id}, or you cannot see it.")
    for record in (review.record, review.candidate):
        try:
            _current_whole(viewer, current_person(record.person_id).pk)
        except (Person.DoesNotExist, BurghError):
            raise NotFoundError(
                f"There is no review with id {review_id}, or you cannot see it."
            ) from None
    decided = decide_review(review, payload.decision, actor=caller(request), note=payload.note)
    decided = MatchReview.objects.select_related("record__system", "candidate__system").get(
        pk=decided.pk
    )
    return _json(_review(decided), 200)
