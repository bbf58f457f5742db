"""The people API: find, count, export and read person records, and take emergency access.

Thin: every answer comes through the access policy (`services.search_people`, `policy.read`),
so a person the caller may not see is in no list, count or export, and a field they may not
receive is left out of the JSON altogether rather than sent empty.
"""

import json
from datetime import date, datetime
from typing import Annotated, Any, NotRequired
from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict
from typing_extensions import TypedDict

from burgh.core.concurrency import with_etag
from burgh.core.idempotency import OPENAPI_PARAMETER as IDEMPOTENCY_KEY
from burgh.core.idempotency import idempotent
from burgh.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from burgh.identity import policy
from burgh.identity.auth import caller, require_scope
from burgh.identity.models import Purpose
from burgh.identity.services.emergency_access import take_emergency_access
from burgh.people.access import PERSON
from burgh.people.downloads import csv_download
from burgh.people.index_api import RetiredOut, retired_answer
from burgh.people.index_api import router as index_router
from burgh.people.paging import page_of_people
from burgh.people.services import export_people, person_record, person_rows, search_people

router = Router(tags=["people"])
# Sources, ranked search, merges and reviews: before "/{id}" so their paths are theirs.
router.add_router("", index_router)

SCOPE = "people:read"
ETAG = {"description": "The record's version.", "schema": {"type": "string"}}
LINK = {"description": 'The next page, as `<url>; rel="next"`.', "schema": {"type": "string"}}
MOVED = {"description": "The person this id was merged into.", "schema": {"type": "string"}}
WITHHELD = " Left out when you may not receive it."
PURPOSE_TEXT = (
    "Why you are looking; it is recorded in the access log. Partner agencies see a record "
    "only under a data-sharing agreement for this purpose."
)


class PurposeParams(Schema):
    purpose: Purpose = Field(Purpose.SERVICE_DELIVERY, description=PURPOSE_TEXT)


class PeopleFilters(PurposeParams):
    q: str = Field(
        "",
        max_length=200,
        description=(
            "A name or the start of one, any case. One word matches the given or the family "
            "name; two or more match the given name, then the family name."
        ),
    )
    born_on: date | None = Field(None, description="Only people born on this day (YYYY-MM-DD).")


class PageOfPeopleParams(PeopleFilters):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many people to return (1 to 200)."
    )
    cursor: str | None = Field(
        None,
        max_length=2000,
        description="The `next_cursor` of the previous page; leave out for the first page.",
    )


class InvolvementOut(Schema):
    team: str = Field(description="The team working with the person.")
    worker: str | None = Field(description="The allocated worker's name, if any.")
    reason: str
    started_on: date
    ended_on: date | None


class PersonOut(TypedDict):
    """A person, with only the fields the caller may receive: the others are absent."""

    id: UUID
    given_name: NotRequired[Annotated[str, Field(description="Given name." + WITHHELD)]]
    family_name: NotRequired[Annotated[str, Field(description="Family name." + WITHHELD)]]
    date_of_birth: NotRequired[
        Annotated[date | None, Field(description="Date of birth." + WITHHELD)]
    ]
    address: NotRequired[
        Annotated[
            str | None,
            Field(description="The address of their current home, on one line." + WITHHELD),
        ]
    ]
    email: NotRequired[
        Annotated[str, Field(description="Email address; empty when unknown." + WITHHELD)]
    ]
    phone: NotRequired[
        Annotated[str, Field(description="Phone number; empty when unknown." + WITHHELD)]
    ]
    involvements: NotRequired[
        Annotated[
            list[InvolvementOut],
            Field(description="Teams working, or who have worked, with the person." + WITHHELD),
        ]
    ]


class CountOut(Schema):
    count: int = Field(description="How many people you may see match the search.")


class EmergencyAccessIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        max_length=2000,
        description="The emergency, in a sentence: information governance reviews it.",
    )
    purpose: Purpose = Field(description=PURPOSE_TEXT)
    minutes: int = Field(description="How long the access lasts, from the allowed lengths.")


class EmergencyAccessOut(Schema):
    id: UUID
    record_id: UUID = Field(description="The person's id.")
    purpose: str
    reason: str
    starts_at: datetime
    expires_at: datetime = Field(description="When the emergency access ends.")


def _viewer(request: HttpRequest) -> policy.Viewer:
    require_scope(request, SCOPE)
    return policy.viewer_for(caller(request))


@router.get(
    "",
    response=Page[PersonOut],
    summary="Find people",
    description=(
        "People you may see for the purpose you state, ordered by family name, each with only "
        "the fields you may receive. Everyone listed is recorded in their access log."
    ),
    openapi_extra={"responses": {200: {"headers": {"Link": LINK}}}},
)
def list_people(
    request: HttpRequest, response: HttpResponse, params: Query[PageOfPeopleParams]
) -> dict[str, Any]:
    viewer = _viewer(request)
    visible = search_people(viewer, text=params.q, born_on=params.born_on, purpose=params.purpose)
    page = page_of_people(
        request, visible.queryset, cursor=params.cursor, limit=params.limit, response=response
    )
    items = person_rows(visible, page.items)
    policy.log_listed(viewer, PERSON, page.items, purpose=params.purpose)
    return {"items": items, "next_cursor": page.next_cursor}


@router.get("/count", response=CountOut, summary="Count people")
def count_people(request: HttpRequest, params: Query[PeopleFilters]) -> dict[str, int]:
    viewer = _viewer(request)
    visible = search_people(viewer, text=params.q, born_on=params.born_on, purpose=params.purpose)
    return {"count": visible.queryset.count()}


@router.get(
    "/export",
    summary="Export people as CSV",
    description=(
        "The people a search finds, as CSV: one column for each field at least one of them may "
        "show you, and an empty cell where a row's field is withheld or empty. Needs a role "
        "that may export person records. Every row is recorded in the person's access log."
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
def export(request: HttpRequest, params: Query[PeopleFilters]) -> StreamingHttpResponse:
    viewer = _viewer(request)
    found = export_people(viewer, text=params.q, born_on=params.born_on, purpose=params.purpose)
    return csv_download(found)


@router.get(
    "/{uuid:person_id}",
    response={200: PersonOut, 301: RetiredOut},
    summary="One person",
    description=(
        "A person you may see, with only the fields you may receive. 404 when there is no such "
        "person or you may not know of them; 403, with `emergency_access_available`, when you "
        "may know of them but not see them. An id merged into another person answers 301, "
        "with `Location` and `merged_into` naming the person it became."
    ),
    openapi_extra={
        "responses": {
            200: {"headers": {"ETag": ETAG}},
            301: {"headers": {"Location": MOVED}},
        }
    },
)
def get_person(
    request: HttpRequest, response: HttpResponse, person_id: UUID, params: Query[PurposeParams]
) -> dict[str, Any] | HttpResponse:
    viewer = _viewer(request)
    moved = retired_answer(request, viewer, person_id, params.purpose)
    if moved is not None:
        return moved
    person, decision = policy.read(viewer, PERSON, person_id, purpose=params.purpose)
    with_etag(response, person)
    return person_record(person, decision.fields)


@router.post(
    "/{uuid:person_id}/emergency-access",
    response={201: EmergencyAccessOut},
    summary="Take emergency access to a person",
    description=(
        "For someone with no relationship with the person, in an emergency: opens the record "
        "for a few minutes. Information governance is told at once and reviews every use."
    ),
    openapi_extra={"parameters": [IDEMPOTENCY_KEY]},
)
@idempotent
def post_emergency_access(
    request: HttpRequest, person_id: UUID, payload: EmergencyAccessIn
) -> HttpResponse:
    require_scope(request, SCOPE)
    grant = take_emergency_access(
        caller(request),
        PERSON,
        person_id,
        reason=payload.reason,
        purpose=payload.purpose,
        minutes=payload.minutes,
    )
    body = EmergencyAccessOut.model_validate(grant).model_dump()
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder),
        status=201,
        content_type="application/json; charset=utf-8",
    )
