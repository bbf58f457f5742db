"""Intake: one way in for every new case, whichever channel it comes by.

The staff screen, the REST API, Open311 and bulk imports all call `intake()`. It checks the
request against its case type, resolves the subject through the person index and the place
through the place index, routes the case to a team queue, starts its SLA clock, and offers
any open case of the same type at the same place as a possible duplicate.
"""

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import reduce
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.access import CASE, LOG_REQUEST
from burgh.cases.models import (
    Case,
    CaseAllocation,
    CaseLink,
    CaseNumber,
    CaseParty,
    CaseType,
    Channel,
    Stage,
)
from burgh.cases.services import clock
from burgh.cases.services.allocation import choose_automatically, give_automatically
from burgh.cases.services.casetypes import find_case_type, route_explained
from burgh.cases.services.common import announce, chronicle, require, text
from burgh.core.errors import InvalidInputError
from burgh.identity import policy
from burgh.identity.models import Purpose, User
from burgh.people.services import current_person
from burgh.places import services as places

REPORTER_FIELDS = {"name": 200, "email": 254, "phone": 40}
# Grid metres per degree are near enough this at Scottish latitudes for a duplicate radius.
METRES_PER_DEGREE_LAT = 111_320
METRES_PER_DEGREE_LON = 62_000


@dataclass(frozen=True)
class IntakeRequest:
    case_type: str
    channel: str
    title: str = ""
    description: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    subject_person_id: UUID | str | None = None
    uprn: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    reporter: Mapping[str, str] = field(default_factory=dict)
    reporter_person_id: UUID | str | None = None
    priority: int | None = None
    external_ref: str = ""
    media_url: str = ""
    received_at: datetime | None = None
    # Link the new case to this open case as its duplicate (the one intake offered).
    duplicate_of: UUID | str | None = None


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    # Open cases of the same type at (or near) the same place, that the caller may see.
    possible_duplicates: Sequence[Case]


def intake(
    by: User | None, request: IntakeRequest, *, case_type: CaseType | None = None
) -> IntakeResult:
    """Log a new case; every problem with the request is reported at once and nothing saved."""
    require(by, LOG_REQUEST, "log requests")
    errors: list[dict[str, str]] = []
    if case_type is None:
        case_type = find_case_type(request.case_type)
    if case_type is None:
        raise InvalidInputError(
            f"There is no case type {request.case_type!r} taking new requests.",
            errors=[{"pointer": "#/case_type", "detail": "Give the code of an active case type."}],
        )
    if request.channel not in Channel.values:
        errors.append({"pointer": "#/channel", "detail": f"Give one of {Channel.values}."})
    data = _data(case_type, request.data, errors)
    title = _title(request.title or case_type.name, errors)
    description = _description(request.description, errors)
    subject_id = _person(request.subject_person_id, "#/subject_person_id", errors)
    reporter_id = _person(request.reporter_person_id, "#/reporter_person_id", errors)
    if (
        case_type.needs_subject
        and subject_id is None
        and "#/subject_person_id" not in _pointers(errors)
    ):
        errors.append(
            {
                "pointer": "#/subject_person_id",
                "detail": f"A {case_type.name} needs the person it is about.",
            }
        )
    location = _location(case_type, request, errors)
    reporter = _reporter(request.reporter, errors)
    priority = request.priority
    if priority is not None and priority not in (1, 2, 3, 4):
        errors.append({"pointer": "#/priority", "detail": "Give 1 (urgent) to 4 (low)."})
    duplicate_of = _duplicate_target(by, request.duplicate_of, case_type.code, errors)
    if errors:
        raise InvalidInputError("The request cannot be logged.", errors=errors)
    routed = route_explained(case_type, data, channel=request.channel)
    team, routed_priority = routed.team, routed.priority
    received_at = request.received_at or timezone.now()
    case = Case(
        case_type=case_type,
        status=case_type.initial_status,
        stage=case_type.stage_of(case_type.initial_status),
        priority=priority or routed_priority,
        title=title,
        description=description,
        data=data,
        channel=request.channel,
        team=team,
        subject_person_id=subject_id,
        reporter=reporter,
        external_ref=request.external_ref[:120],
        media_url=request.media_url[:500],
        received_at=received_at,
        sensitive=case_type.sensitive,
        retention_class=case_type.retention_class,
        created_by=by,
        **location,
    )
    # Before the write: a search must not hold the transaction (and the audit trail's lock)
    # open, and the cases it finds are those open before this one.
    duplicates = [] if duplicate_of is not None else possible_duplicates(by, case)
    with transaction.atomic():
        case.reference = reference_for(CaseNumber.objects.create().pk)
        clock.start(case, received_at)
        case.save(force_insert=True)
        parties = [
            CaseParty(case=case, role=role, person_id=person)
            for role, person in (
                (CaseParty.Role.SUBJECT, subject_id),
                (CaseParty.Role.REPORTER, reporter_id),
            )
            if person is not None
        ]
        CaseParty.objects.bulk_create(parties)
        CaseAllocation.objects.create(
            case=case, at=received_at, team=team, owner=None, by=by, how="routing"
        )
        chronicle(
            case,
            "created",
            f"{case_type.name} logged by {Channel(request.channel).label.lower()}; "
            f"sent to {team.name}",
            by=by,
            detail={"channel": request.channel, "team": str(team.pk)},
            at=received_at,
        )
        if routed.decided is not None:
            from burgh.flows.services.decisions import record

            record(routed.decided, case, "routing")
            chronicle(case, "flow", f"Routed: {routed.decided.explained()}", by=by)
        if duplicate_of is not None:
            CaseLink.objects.create(case=case, other=duplicate_of, kind=CaseLink.Kind.DUPLICATE)
            chronicle(case, "link", f"Logged as a duplicate of {duplicate_of.reference}", by=by)
        # Choose first: the audit append below locks the trail's head until commit, so only
        # writes follow it.
        chosen = choose_automatically(case)
        announce(
            case,
            "created",
            {
                "case_type": case_type.code,
                "channel": request.channel,
                "team": str(team.pk),
                "status": case.status,
                "priority": case.priority,
                "uprn": case.uprn,
            },
            by=by,
        )
        give_automatically(case, chosen)
        if case_type.process_key:
            # The case's process starts with it (burgh.flows), or neither is saved.
            from burgh.flows.services import start_for_case

            start_for_case(case)
    return IntakeResult(case, duplicates)


def reference_for(number: int) -> str:
    prefix = getattr(settings, "BURGH_CASE_REFERENCE_PREFIX", "C")
    return f"{prefix}{number:07d}"


def possible_duplicates(by: User | None, case: Case, *, limit: int = 5) -> list[Case]:
    """Open cases of `case`'s type at the same property, or within the type's radius of it."""
    case_type = case.case_type
    radius = case_type.duplicate_radius_m
    conditions = [Q(uprn=case.uprn)] if case.uprn else []
    if radius and case.easting is not None and case.northing is not None:
        conditions.append(
            Q(
                easting__range=(case.easting - radius, case.easting + radius),
                northing__range=(case.northing - radius, case.northing + radius),
            )
        )
    if radius and case.latitude is not None and case.longitude is not None:
        dlat = Decimal(radius / METRES_PER_DEGREE_LAT)
        dlon = Decimal(radius / METRES_PER_DEGREE_LON)
        conditions.append(
            Q(
                latitude__range=(case.latitude - dlat, case.latitude + dlat),
                longitude__range=(case.longitude - dlon, case.longitude + dlon),
            )
        )
    if not conditions:
        return []
    near = reduce(operator.or_, conditions)
    found = (
        Case.objects.filter(near, case_type=case_type, merged_into__isnull=True)
        .exclude(stage=Stage.CLOSED)
        .exclude(pk=case.pk)
        .order_by("-received_at")
    )
    if by is not None:
        found = policy.visible(by, CASE, purpose=Purpose.SERVICE_DELIVERY, queryset=found).queryset
    return list(found[:limit])


def _pointers(errors: list[dict[str, str]]) -> set[str]:
    return {error["pointer"] for error in errors}


def _data(
    case_type: CaseType, raw: Mapping[str, Any], errors: list[dict[str, str]]
) -> dict[str, Any]:
    try:
        return case_fields.clean_data(case_fields.check_definition(case_type.fields), raw or {})
    except InvalidInputError as error:
        errors.extend(error.errors or [{"pointer": "#/data", "detail": str(error)}])
        return {}


def _title(value: str, errors: list[dict[str, str]]) -> str:
    try:
        return text(value, "#/title", "a short title", limit=200)
    except InvalidInputError as error:
        errors.extend(error.errors or [])
        return ""


def _description(value: str, errors: list[dict[str, str]]) -> str:
    try:
        return text(value, "#/description", "a description", required=False)
    except InvalidInputError as error:
        errors.extend(error.errors or [])
        return ""


def _person(raw: UUID | str | None, pointer: str, errors: list[dict[str, str]]) -> UUID | None:
    if raw in (None, ""):
        return None
    try:
        return UUID(str(current_person(raw).pk))
    except ObjectDoesNotExist:
        errors.append(
            {"pointer": pointer, "detail": "There is no person with that id in the index."}
        )
        return None


def _location(
    case_type: CaseType, request: IntakeRequest, errors: list[dict[str, str]]
) -> dict[str, Any]:
    """The case's place: a UPRN given or matched from the address, and any reported position."""
    found: dict[str, Any] = {"address_text": " ".join(request.address.split())[:300]}
    if request.latitude is not None or request.longitude is not None:
        if request.latitude is None or request.longitude is None:
            errors.append({"pointer": "#/longitude", "detail": "Give both latitude and longitude."})
        elif not (Decimal(-90) <= request.latitude <= Decimal(90)) or not (
            Decimal(-180) <= request.longitude <= Decimal(180)
        ):
            errors.append(
                {"pointer": "#/latitude", "detail": "Latitude and longitude are out of range."}
            )
        else:
            found["latitude"] = round(request.latitude, 6)
            found["longitude"] = round(request.longitude, 6)
    uprn = request.uprn.strip()
    if not uprn and found["address_text"]:
        result = places.match(found["address_text"])
        uprn = result.uprn or ""
    if uprn:
        place = places.locate(uprn)
        if place is None or place.retired:
            errors.append(
                {"pointer": "#/uprn", "detail": f"The gazetteer has no property {uprn} in use."}
            )
        else:
            found.update(uprn=uprn, easting=place.easting, northing=place.northing)
            found["address_text"] = found["address_text"] or place.address
    if case_type.needs_location and not (uprn or found["address_text"] or "latitude" in found):
        errors.append(
            {
                "pointer": "#/address",
                "detail": f"A {case_type.name} needs where it is: an address or a position.",
            }
        )
    return found


def _reporter(raw: Mapping[str, str], errors: list[dict[str, str]]) -> dict[str, str]:
    reporter: dict[str, str] = {}
    for name, value in (raw or {}).items():
        if name not in REPORTER_FIELDS:
            errors.append({"pointer": f"#/reporter/{name}", "detail": "Not a reporter field."})
            continue
        value = " ".join(str(value or "").split())
        if len(value) > REPORTER_FIELDS[name]:
            errors.append(
                {
                    "pointer": f"#/reporter/{name}",
                    "detail": f"Use {REPORTER_FIELDS[name]} characters or fewer.",
                }
            )
        elif value:
            reporter[name] = value
    if "email" in reporter and "@" not in reporter["email"]:
        errors.append(
            {
                "pointer": "#/reporter/email",
                "detail": "Enter an email address like name@example.com.",
            }
        )
    return reporter


def _duplicate_target(
    by: User | None, raw: UUID | str | None, case_type_code: str, errors: list[dict[str, str]]
) -> Case | None:
    if raw in (None, ""):
        return None
    found = Case.objects.filter(pk=str(raw)) if _is_uuid(raw) else Case.objects.none()
    if by is not None:
        found = policy.visible(by, CASE, purpose=Purpose.SERVICE_DELIVERY, queryset=found).queryset
    case = found.select_related("case_type").first()
    if case is None:
        errors.append(
            {"pointer": "#/duplicate_of", "detail": "There is no such case, or you cannot see it."}
        )
    elif case.is_closed or case.merged_into_id is not None:
        errors.append(
            {
                "pointer": "#/duplicate_of",
                "detail": f"{case.reference} is closed: log this as a new case instead.",
            }
        )
    elif case.case_type.code != case_type_code:
        errors.append(
            {
                "pointer": "#/duplicate_of",
                "detail": f"{case.reference} is a {case.case_type.name}: a different kind of case.",
            }
        )
    return case


def _is_uuid(value: Any) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True
