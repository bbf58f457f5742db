"""The places API: addresses at a postcode, a property, matching free-text addresses to UPRNs
(queueing the unsure ones for the gazetteer custodian), and loading service attributes.

Addresses and UPRNs are not personal data: any caller whose role may find addresses may read
them. Who lives where is not here; it is in the people API, behind its access policy.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from burgh.core.errors import NotFoundError, PermissionDeniedError
from burgh.identity.auth import caller, require_scope
from burgh.identity.permissions import has_permission
from burgh.places import lookup
from burgh.places.attributes import AttributeLoadReport, attributes_of, load_attributes
from burgh.places.matching import AddressMatch, match
from burgh.places.reviews import MANAGE_GAZETTEER, VIEW_PLACES, match_or_queue

router = Router(tags=["places"])


class PlaceOut(Schema):
    uprn: str = Field(description="The property's Unique Property Reference Number.")
    address: str = Field(description="The gazetteer's address, on one line.")


class AttributeOut(Schema):
    service: str
    name: str
    value: str
    valid_from: date | None
    valid_to: date | None


class PropertyOut(PlaceOut):
    usrn: str = Field(description="The street's Unique Street Reference Number.")
    postcode: str
    easting: int | None
    northing: int | None
    retired_on: date | None = Field(description="When it left the gazetteer; null in use.")
    attributes: list[AttributeOut] = Field(description="What services record about it today.")


class CandidateOut(PlaceOut):
    score: float = Field(description="Calibrated probability that this is the property meant.")
    reasons: list[str] = Field(description="How each part of the address compared.")


class MatchOut(Schema):
    uprn: str | None = Field(description="The property meant; null when no match is confident.")
    score: float = Field(description="Calibrated probability that the best candidate is right.")
    threshold: float = Field(description="The score a match needs to be given a UPRN.")
    candidates: list[CandidateOut] = Field(description="The properties considered, best first.")
    review_id: str | None = Field(
        None, description="The custodian's review it was queued for, when it was."
    )


class MatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    address: str = Field(min_length=1, max_length=400, description="The address as written.")
    source: str = Field(
        "",
        max_length=80,
        description=(
            "Your system's name. With it, an address no property matches confidently is queued "
            "for the gazetteer custodian, and their decision is announced as the event "
            "gov.burgh.places.address_review.decided naming `source_ref`."
        ),
    )
    source_ref: str = Field("", max_length=120, description="Your reference for the address.")


class AttributeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    uprn: str
    name: str = Field(description="Lower case, like collection_round.")
    value: str
    valid_from: date | None = None
    valid_to: date | None = None


class AttributeLoadOut(Schema):
    added: int
    changed: int
    unchanged: int


def _allow(request: HttpRequest, scope: str = "places:read", code: str = VIEW_PLACES) -> None:
    require_scope(request, scope)
    if not has_permission(caller(request), code):
        raise PermissionDeniedError("Your role may not do this with the place index.")


def _match_out(result: AddressMatch, review_id: str | None = None) -> dict[str, Any]:
    return {
        "uprn": result.uprn,
        "score": round(result.score, 4),
        "threshold": result.threshold,
        "candidates": [
            {
                "uprn": c.uprn,
                "address": c.address,
                "score": round(c.score, 4),
                "reasons": [str(reason) for reason in c.reasons],
            }
            for c in result.candidates
        ],
        "review_id": review_id,
    }


class PostcodeParams(Schema):
    postcode: str = Field(max_length=10, description="A full UK postcode, any spacing or case.")
    building: str = Field("", max_length=120, description="Only those whose building fits.")


@router.get("", response=list[PlaceOut], summary="Addresses at a postcode")
def at_postcode(request: HttpRequest, params: Query[PostcodeParams]) -> list[dict[str, str]]:
    _allow(request)
    found = lookup.addresses_at_postcode(params.postcode, building=params.building)
    return [{"uprn": choice.uprn, "address": choice.address} for choice in found]


class MatchParams(Schema):
    address: str = Field(min_length=1, max_length=400, description="The address as written.")


@router.get(
    "/match",
    response=MatchOut,
    summary="Match an address to a UPRN",
    description="Nothing is recorded; POST to /places/matches to queue unsure ones for review.",
)
def match_address(request: HttpRequest, params: Query[MatchParams]) -> dict[str, Any]:
    _allow(request)
    return _match_out(match(params.address))


@router.post(
    "/matches",
    response=MatchOut,
    summary="Match an address, queueing it for the custodian when unsure",
)
def match_and_queue(request: HttpRequest, body: MatchIn) -> dict[str, Any]:
    _allow(request, "places:write")
    result, review = match_or_queue(body.address, source=body.source, source_ref=body.source_ref)
    return _match_out(result, str(review.pk) if review else None)


@router.get("/{uprn}", response=PropertyOut, summary="A property")
def read_property(request: HttpRequest, uprn: str) -> dict[str, Any]:
    _allow(request)
    unit = lookup.place(uprn)
    if unit is None:
        raise NotFoundError(f"There is no property with UPRN {uprn!r} in the gazetteer.")
    return {
        "uprn": unit.uprn,
        "address": unit.single_line(),
        "usrn": unit.street.usrn,
        "postcode": unit.postcode,
        "easting": unit.easting,
        "northing": unit.northing,
        "retired_on": unit.retired_on,
        "attributes": attributes_of(unit.uprn),
    }


@router.put(
    "/attributes/{service}",
    response=AttributeLoadOut,
    summary="Load a service's attributes of properties",
    description=(
        "Sets each row's attribute; a row already held changes nothing. Every bad row is "
        "reported (by its index and field) and then nothing is saved. Needs a role that "
        "manages the gazetteer."
    ),
)
def put_attributes(request: HttpRequest, service: str, body: list[AttributeIn]) -> Any:
    _allow(request, "places:write", MANAGE_GAZETTEER)
    rows = [{**row.model_dump(), "_line": number} for number, row in enumerate(body)]
    report: AttributeLoadReport = load_attributes(
        rows, service=service, source="api", actor=caller(request)
    )
    return report
