"""Open311 documents: services, definitions, requests and errors, as GeoReport v2 XML and JSON.

The specification defines each document in XML and its JSON by the Spark convention (a list
element becomes an array of its children, a text element a string, number or boolean). Both
are written here from one Python structure, so the two formats cannot drift apart.
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree  # Builds documents only: nothing untrusted is parsed.

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.utils import timezone

from burgh.cases import fields as case_fields
from burgh.cases.fields import CaseField
from burgh.cases.models import Case, CaseType, Channel, Stage
from burgh.cases.sla import UNIT_NAMES, SlaPolicy
from burgh.core.errors import InvalidInputError

FORMATS = ("xml", "json")
# The GeoReport v2 page names these content types (its "Format Support").
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MIME_TYPES = ("text/xml", "application/json")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# A list element's children are named by the list: <attributes><attribute>…, <values><value>….
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
DATATYPES = {
    "text": "string",
    "textarea": "text",
    "number": "number",
    "decimal": "number",
    "date": "datetime",
    "select": "singlevaluelist",
    "radios": "singlevaluelist",
    "yes_no": "singlevaluelist",
    "checkboxes": "multivaluelist",
    "email": "string",
    "phone": "string",
    "postcode": "string",
}
YES_NO = ({"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"})
FORMAT_NOTES = {
    "number": "A whole number.",
    "decimal": "A number; a decimal point is allowed.",
    "date": "A date, like 2026-11-30; a W3C date and time is taken as its day in UK time.",
    "select": "One of the values' keys.",
    "radios": "One of the values' keys.",
    "yes_no": "yes or no.",
    "checkboxes": "One or more of the values' keys: send attribute[{code}][]=key for each.",
    "email": "An email address, like name@example.com.",
    "phone": "A UK phone number, like 01632 960 001 or +44 7700 900 982.",
    "postcode": "A UK postcode, like EH1 1YZ.",
}
MEDIA_URL = URLValidator(schemes=["http", "https"])
ATTRIBUTE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")
# Intake names a problem by a pointer into its request; a client knows the Open311 parameter.
PARAMETERS = {
    "#/case_type": "service_code",
    "#/title": "service_code",
    "#/subject_person_id": "service_code",
    "#/latitude": "lat",
    "#/longitude": "long",
    "#/uprn": "address_id",
    "#/address": "address_string",
    "#/description": "description",
    "#/reporter/name": "first_name and last_name",
    "#/reporter/email": "email",
    "#/reporter/phone": "phone",
}
# XML 1.0 cannot carry these characters at all, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
# An offset's "+" sent unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


# Rendering


def render(
    fmt: str, document: Any, *, root: str, item: str = "", status: int = 200
) -> HttpResponse:
    """`document` (a list of `item`s, or one object) as the `root` document in `fmt`."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        if isinstance(document, list):
            for entry in document:
                _fill(ElementTree.SubElement(element, item), entry)
        else:
            _fill(element, document)
        body = XML_DECLARATION + ElementTree.tostring(element, encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(ElementTree.SubElement(element, key), inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            _fill(ElementTree.SubElement(element, ITEM_NAMES[element.tag]), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))


def errors(fmt: str, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The specification's error document: one <error> with a code and description each."""
    listed = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, listed, root="errors", item="error", status=status)


# Dates and times


def w3c(moment: datetime | None) -> str | None:
    """A W3C date and time with its offset, in UK time: 2026-07-01T09:30:00+01:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def changeset(moment: datetime | None) -> str:
    """Discovery's changeset: sortable as text, so UTC to the microsecond (two changes in one
    second are still two changes)."""
    if moment is None:
        return "1970-01-01T00:00:00.000000Z"
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_w3c(text: str, *, end_of_day: bool = False) -> datetime:
    """A W3C date and time; a bare date is its first instant in UK time (or its last, with
    `end_of_day`), and a time without an offset is UK time. ValueError if it is neither
    (OverflowError at the ends of the calendar)."""
    text = _SPACED_OFFSET.sub(r"+\1", text.strip())
    if _DATE_ONLY.fullmatch(text):
        day = date.fromisoformat(text)
        if not end_of_day:
            return timezone.make_aware(datetime.combine(day, time.min))
        following = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return following - timedelta(microseconds=1)
    if "T" not in text:
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# Services


def service(case_type: CaseType) -> dict[str, Any]:
    return {
        "service_code": case_type.code,
        "service_name": case_type.name,
        "description": case_type.description,
        "metadata": bool(case_type.fields),
        "type": "realtime",
        "keywords": case_type.keywords,
        "group": case_type.group,
    }


def service_definition(case_type: CaseType) -> dict[str, Any]:
    """The case type's questions as Open311 attributes, in the order they are asked."""
    questions = case_fields.check_definition(case_type.fields)
    asked = {question.name: question for question in questions}
    return {
        "service_code": case_type.code,
        "attributes": [
            attribute(question, order, asked) for order, question in enumerate(questions, start=1)
        ],
    }


def attribute(question: CaseField, order: int, asked: Mapping[str, CaseField]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "variable": True,
        "code": question.name,
        "datatype": DATATYPES[question.type],
        # A question asked only after a given answer cannot be required of every request.
        "required": question.required and question.show_if is None,
        "datatype_description": datatype_description(question, asked),
        "order": order,
        "description": " ".join(part for part in (question.label, question.hint) if part),
    }
    if question.type == "yes_no":
        described["values"] = list(YES_NO)
    elif question.type in case_fields.CHOICE_TYPES:
        described["values"] = [
            {"key": option.value, "name": option.label} for option in question.options
        ]
    return described


def datatype_description(question: CaseField, asked: Mapping[str, CaseField]) -> str:
    notes = [FORMAT_NOTES.get(question.type, "").format(code=question.name)]
    if question.type in case_fields.MAX_LENGTHS:
        limit = question.max_length or case_fields.MAX_LENGTHS[question.type]
        notes.append(f"At most {limit:,} characters.")
    if question.min is not None:
        notes.append(f"At least {case_fields.number_text(question.min)}.")
    if question.max is not None:
        notes.append(f"At most {case_fields.number_text(question.max)}.")
    if question.past:
        notes.append("Today or earlier.")
    if question.future:
        notes.append("Today or later.")
    condition = question.show_if
    if condition is not None and condition.field in asked:
        equals = condition.equals
        shown = ("yes" if equals else "no") if isinstance(equals, bool) else str(equals)
        notes.append(
            f"Asked only when attribute[{condition.field}] is {shown}"
            + ("; then required." if question.required else ".")
        )
    if question.sensitive:
        notes.append("Personal data: kept by the council, never shown through Open311.")
    return " ".join(note for note in notes if note)


def service_notice(case_type: CaseType) -> str | None:
    """What the council aims for, from the case type's SLA (or its statutory timescale)."""
    if case_type.sla:
        try:
            policy: SlaPolicy | None = SlaPolicy.from_definition(case_type.sla)
        except (InvalidInputError, ValueError):
            policy = None  # A definition saved before today's rules: say nothing rather than fail.
        if policy is not None:
            one, many = UNIT_NAMES[policy.unit]
            amount = f"{policy.target} {one if policy.target == 1 else many}"
            return f"We aim to deal with this within {amount}."
    return case_type.statutory_timescale or None


# Reading a report


def answers(
    fields: Iterable[tuple[str, list[str]]], questions: Sequence[CaseField]
) -> tuple[dict[str, Any], list[str]]:
    """attribute[code]=value pairs as answers to the questions, and what is wrong with them.

    Codes the service definition does not list are left out: clients such as FixMyStreet
    send attributes of their own, and refusing them would refuse the whole report.
    """
    asked = {question.name: question for question in questions}
    found: dict[str, Any] = {}
    problems = []
    for key, values in fields:
        match = ATTRIBUTE.fullmatch(key)
        question = asked.get(match[1]) if match else None
        if question is None:
            continue
        if question.type == "checkboxes":
            chosen = found.setdefault(question.name, [])
            chosen.extend(value.strip() for value in values if value.strip())
        elif len(values) > 1 or question.name in found:
            problems.append(f"attribute[{question.name}] takes one value; send it once.")
        else:
            found[question.name] = _answer(question, values[0])
    return found, problems


def _answer(question: CaseField, value: str) -> str:
    if question.type == "date" and "T" in value:
        # A datetime attribute may come as a W3C date and time: its day, in UK time.
        try:
            return timezone.localdate(parse_w3c(value)).isoformat()
        except (ValueError, OverflowError):
            return value
    return value


def position(lat: str, long: str) -> tuple[Decimal | None, Decimal | None]:
    """WGS84 degrees from lat and long (neither: none); ValueError saying what is wrong."""
    lat, long = lat.strip(), long.strip()
    if not lat and not long:
        return None, None
    try:
        latitude, longitude = Decimal(lat), Decimal(long)
    except InvalidOperation:
        latitude = longitude = Decimal("NaN")
    if not (latitude.is_finite() and longitude.is_finite()):
        raise ValueError("Send lat and long together, in WGS84 degrees: lat=57.4778&long=-4.2247.")
    return latitude, longitude


def media_url(raw: str) -> str:
    url = raw.strip()
    try:
        if url:
            MEDIA_URL(url)
    except ValidationError:
        raise ValueError("media_url must be an http or https URL.") from None
    return url


def described(refusal: InvalidInputError) -> list[str]:
    """Intake's problems, each named by the parameter the client sent."""
    found = []
    for problem in refusal.errors:
        pointer, detail = problem.get("pointer", ""), problem.get("detail", "")
        if pointer.startswith("#/data/"):
            name = pointer.removeprefix("#/data/").replace("~1", "/").replace("~0", "~")
            found.append(f"attribute[{name}]: {detail}")
        else:
            found.append(f"{PARAMETERS.get(pointer, pointer.removeprefix('#/'))}: {detail}")
    return found or [refusal.detail]


# Requests


def request_record(
    case: Case, *, duplicate_of: str | None = None, property_address: str = ""
) -> dict[str, Any]:
    """A case as the public may see it: what, where, its status; never who reported it.

    `property_address` is the gazetteer's address of the case's UPRN, for its postcode;
    `duplicate_of` the public reference of the request a merged case now lives on in.

    The description is published only when the reporter wrote it for Open311: one taken by
    phone or at a counter may name people who never agreed to be on a public list.
    """
    case_type = case.case_type
    closed = case.stage == Stage.CLOSED
    # Published only when the reporter wrote it for Open311 (see above).
    description = case.description if case.channel == Channel.OPEN311 else ""
    return {
        "service_request_id": case.reference,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(case, duplicate_of=duplicate_of),
        "service_name": case_type.name,
        "service_code": case_type.code,
        "description": description or None,
        "agency_responsible": case.team.name,
        "service_notice": service_notice(case_type),
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(case.closed_at if closed and case.closed_at else case.updated_at),
        "expected_datetime": w3c(case.sla_due_at),
        "address": case.address_text or None,
        "address_id": case.uprn or None,
        "zipcode": zipcode(property_address) or None,
        "lat": _degrees(case.latitude),
        "long": _degrees(case.longitude),
        "media_url": case.media_url or None,
    }


def status_notes(case: Case, *, duplicate_of: str | None = None) -> str:
    """An open case's status as its type names it; a closed one's outcome and closing note."""
    case_type = case.case_type
    if case.stage != Stage.CLOSED:
        return case_type.status_label(case.status)
    if case.merged_into_id is not None:
        # The closing note of a merge is staff's reason, written for staff.
        if duplicate_of:
            return f"Closed as a duplicate of {duplicate_of}."
        return "Closed as a duplicate of another request."
    label = case_type.outcome_label(case.outcome) if case.outcome else ""
    label = label or case_type.status_label(case.status)
    return f"{label}: {case.outcome_note}" if case.outcome_note else label


def zipcode(address: str) -> str:
    """The postcode a gazetteer address ends with ("…, Kinloch, KL1 2AB"), or ""."""
    words = address.replace(",", " ").split()
    for count in (2, 1):
        found = case_fields.POSTCODE.match("".join(words[-count:]).upper()) if words else None
        if found:
            return f"{found[1]} {found[2]}"
    return ""


def _degrees(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
