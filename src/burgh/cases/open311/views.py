"""The /open311/v2 endpoints: thin views that read GeoReport v2 parameters, call the case
services and answer in the format the path names (docs/open311.md).

Reads are public and anonymous: they show only cases of public, non-sensitive case types, and
never who reported them. Reporting needs an API token with the `open311` scope, sent as
`api_key`; the case is logged through `intake` as the token's owner, whatever session cookie
the request may also carry.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from burgh.cases import fields as case_fields
from burgh.cases.access import LOG_REQUEST
from burgh.cases.models import Case, CaseType, Channel, Stage
from burgh.cases.open311 import formats
from burgh.cases.services import IntakeRequest, find_case_type, intake, offered
from burgh.core import audit, context
from burgh.core.errors import AuthenticationFailedError, InvalidInputError, PermissionDeniedError
from burgh.identity.models import ApiToken, User
from burgh.identity.permissions import has_permission
from burgh.identity.services.tokens import authenticate_api_token
from burgh.places import services as places

logger = logging.getLogger("burgh.open311")

OPEN311_SCOPE = "open311"
# GeoReport v2: "a span of 90 days or first 1000 requests returned, whichever is smallest".
MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)
STATUSES = ("open", "closed")

View = Callable[..., HttpResponse]


class Open311Error(Exception):
    """A refusal, answered in the specification's error format with `status`."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0])
        self.status = status
        self.descriptions = descriptions


def jurisdiction() -> str:
    return str(getattr(settings, "BURGH_OPEN311_JURISDICTION", "kinloch.example"))


def endpoint(*methods: str) -> Callable[[View], View]:
    """Check the format, method and jurisdiction_id; answer every refusal as Open311 errors.

    Exempt from CSRF: nothing here acts on a session. Reads are anonymous and a report acts
    only as the owner of its api_key.
    """
    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in formats.FORMATS:
                return formats.errors(
                    "xml", 404, [f"There is no format {fmt!r} here: ask for .xml or .json."]
                )
            try:
                with context.acting(channel="open311"):
                    if request.method not in allowed:
                        raise Open311Error(
                            405, f"{request.method} is not allowed here; use {', '.join(methods)}."
                        )
                    _check_jurisdiction(request)
                    return view(request, fmt, **kwargs)
            except Open311Error as refusal:
                response = formats.errors(fmt, refusal.status, refusal.descriptions)
                if refusal.status == 405:
                    response["Allow"] = ", ".join(allowed)
                return response
            except RequestDataTooBig:
                return formats.errors(fmt, 413, ["The request is too large to be read."])
            except (TooManyFieldsSent, TooManyFilesSent):
                return formats.errors(fmt, 400, ["The request sends too many fields."])
            except Exception:
                logger.exception("Open311 request failed: %s %s", request.method, request.path)
                reference = context.current().request_id or "unknown"
                fault = f"A fault in the service; nothing was changed. Quote {reference}."
                return formats.errors(fmt, 500, [fault])

        return wrapper

    return decorate


def _check_jurisdiction(request: HttpRequest) -> None:
    sent = request.POST if request.method == "POST" else QueryDict()
    given = (sent.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
    if given and given.lower() != jurisdiction().lower():
        raise Open311Error(
            404,
            f"jurisdiction_id {given!r} was not found: this endpoint serves {jurisdiction()!r} "
            "(you may leave jurisdiction_id out).",
        )


# Discovery and services


@csrf_exempt
def root(request: HttpRequest) -> HttpResponse:
    """The endpoint's own address answers with its discovery document, as the spec suggests."""
    return discovery(request, "xml")


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    council = getattr(settings, "COUNCIL_NAME", "The council")
    site = getattr(settings, "BURGH_SITE_URL", "")
    # Clients refresh their cached service list and definitions when this changes.
    changed = CaseType.objects.aggregate(changed=Max("updated_at"))["changed"]
    changeset = formats.changeset(changed)
    document = {
        "changeset": changeset,
        "contact": getattr(
            settings,
            "BURGH_OPEN311_CONTACT",
            f"{council} runs this endpoint; contact its digital team through {site}.",
        ),
        "key_service": getattr(
            settings,
            "BURGH_OPEN311_KEY_SERVICE",
            f"Ask {council} for an API token with the open311 scope, and send it as api_key.",
        ),
        "endpoints": [
            {
                "specification": formats.SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")),
                "changeset": changeset,
                "type": "production",
                "formats": list(formats.MIME_TYPES),
            }
        ],
    }
    return formats.render(fmt, document, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    listed = [formats.service(case_type) for case_type in offered(public_only=True)]
    return formats.render(fmt, listed, root="services", item="service")


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    case_type = find_case_type(service_code, public_only=True)
    if case_type is None:
        raise Open311Error(
            404, f"There is no service {service_code!r}: services.{fmt} lists the services."
        )
    return formats.render(fmt, formats.service_definition(case_type), root="service_definition")


# Requests


def public_requests() -> QuerySet[Case]:
    """The cases anyone may see here: of a public case type, neither it nor the case sensitive."""
    return Case.objects.filter(
        case_type__public=True, case_type__sensitive=False, sensitive=False
    ).select_related("case_type", "team")


@endpoint("GET", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _report(request.POST, fmt)
    query = request.GET
    cases = public_requests()
    references = _comma(query.get("service_request_id", ""))[:MAX_REQUESTS]
    if references:
        # The spec: service_request_id overrides every other argument.
        cases = cases.filter(reference__in=references)
    else:
        codes = _comma(query.get("service_code", ""))
        if codes:
            cases = cases.filter(case_type__code__in=codes)
        start, end = _window(query.get("start_date", ""), query.get("end_date", ""))
        cases = cases.filter(received_at__gte=start, received_at__lte=end)
        statuses = _statuses(query.get("status", ""))
        if statuses == {"open"}:
            cases = cases.exclude(stage=Stage.CLOSED)
        elif statuses == {"closed"}:
            cases = cases.filter(stage=Stage.CLOSED)
    return _records(fmt, list(cases.order_by("-received_at", "-id")[:MAX_REQUESTS]))


@endpoint("GET")
def service_request(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    case = public_requests().filter(reference=service_request_id).first()
    if case is None:
        raise Open311Error(404, f"There is no public request {service_request_id!r}.")
    return _records(fmt, [case])


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    try:
        case = public_requests().filter(pk=UUID(token)).first()
    except ValueError:
        case = None
    if case is None:
        raise Open311Error(404, f"There is no request with the token {token!r}.")
    found = [{"service_request_id": case.reference, "token": str(case.pk)}]
    return formats.render(fmt, found, root="service_requests", item="request")


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    if path.startswith("/") and path.strip("/"):
        # A client that joins the base URL and a path with "/" asks for ".../v2//services.xml":
        # answer as for the single slash.
        found = resolve(f"{request.path[: -len(path)]}{path.lstrip('/')}")
        if found.func is not unknown:
            return found.func(request, *found.args, **found.kwargs)  # type: ignore[no-any-return]
    fmt = "json" if path.lower().endswith(".json") else "xml"
    return formats.errors(
        fmt,
        404,
        [f"There is nothing at {request.path}: start from discovery.xml or services.xml."],
    )


def _records(fmt: str, cases: list[Case]) -> HttpResponse:
    merged = {case.merged_into_id for case in cases if case.merged_into_id is not None}
    # A merged case points to the request it lives on in, if that one is public too.
    targets = dict(public_requests().filter(pk__in=merged).values_list("pk", "reference"))
    addresses = places.addresses(case.uprn for case in cases if case.uprn)
    listed = [
        formats.request_record(
            case,
            duplicate_of=targets.get(case.merged_into_id) if case.merged_into_id else None,
            property_address=addresses.get(case.uprn, ""),
        )
        for case in cases
    ]
    return formats.render(fmt, listed, root="service_requests", item="request")


def _comma(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _window(start_text: str, end_text: str) -> tuple[datetime, datetime]:
    """The requested_datetime range asked for: at most 90 days, by default the last 90."""
    start = _moment("start_date", start_text) if start_text.strip() else None
    end = _moment("end_date", end_text, end_of_day=True) if end_text.strip() else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    if end < start:
        raise Open311Error(400, f"end_date {end_text.strip()} is before start_date.")
    if end - start > WINDOW:
        raise Open311Error(
            400,
            f"start_date and end_date span {(end - start).days} days; ask for at most 90 days at "
            "a time, and for a longer period in several requests.",
        )
    return start, end


def _moment(name: str, text: str, *, end_of_day: bool = False) -> datetime:
    try:
        moment = formats.parse_w3c(text, end_of_day=end_of_day)
        if 1900 <= moment.year <= 9000:  # Room for the 90 days either side.
            return moment
    except (ValueError, OverflowError):
        pass
    raise Open311Error(
        400,
        f"{name} {text.strip()!r} is not a W3C date and time; write it like "
        "2026-01-31T00:00:00Z or 2026-01-31T00:00:00+00:00.",
    )


def _statuses(text: str) -> set[str]:
    wanted = {part.lower() for part in _comma(text)}
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        raise Open311Error(
            400, f"status {', '.join(unknown)} is not known: give open, closed, or open,closed."
        )
    return wanted


# Reporting a problem


def _report(form: QueryDict, fmt: str) -> HttpResponse:
    user = _reporter_account(form.get("api_key", ""))
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided: services.xml lists them.")
    case_type = find_case_type(code, public_only=True)
    if case_type is None:
        raise Open311Error(400, f"service_code {code!r} was not found: services.xml lists them.")
    try:
        latitude, longitude = formats.position(form.get("lat", ""), form.get("long", ""))
        media_url = formats.media_url(form.get("media_url", ""))
    except ValueError as problem:
        raise Open311Error(400, str(problem)) from None
    address, uprn = form.get("address_string", "").strip(), form.get("address_id", "").strip()
    if latitude is None and not address and not uprn:
        raise Open311Error(
            400, "Say where the problem is: give lat and long, address_string or address_id."
        )
    answers, problems = formats.answers(
        form.lists(), case_fields.check_definition(case_type.fields)
    )
    if problems:
        raise Open311Error(400, *problems)
    name = " ".join(f"{form.get('first_name', '')} {form.get('last_name', '')}".split())
    reporter = {"name": name, "email": form.get("email", ""), "phone": form.get("phone", "")}
    report = IntakeRequest(
        case_type=case_type.code,
        channel=Channel.OPEN311.value,
        description=form.get("description", "").strip(),
        media_url=media_url,
        data=answers,
        latitude=latitude,
        longitude=longitude,
        address=address,
        uprn=uprn,
        reporter={part: value.strip() for part, value in reporter.items() if value.strip()},
        external_ref=form.get("device_id", "").strip(),
    )
    try:
        with (
            context.acting(
                actor_id=str(user.pk),
                actor_label=str(user),
                organisation_id=str(user.organisation_id or ""),
            ),
            transaction.atomic(),
        ):
            case = intake(user, report, case_type=case_type).case
            answer = [
                {
                    "service_request_id": case.reference,
                    "service_notice": formats.service_notice(case_type),
                    "account_id": None,
                }
            ]
    except InvalidInputError as refusal:
        raise Open311Error(400, *formats.described(refusal)) from refusal
    except PermissionDeniedError as refusal:
        raise Open311Error(403, refusal.detail) from refusal
    return formats.render(fmt, answer, root="service_requests", item="request")


def _reporter_account(raw: str) -> User:
    """The owner of the api_key, if it is a usable token with the open311 scope whose owner
    may log requests; every refusal is a 403, as GeoReport v2 answers a bad api_key."""
    if not raw.strip():
        raise Open311Error(
            403,
            "api_key was not provided: reporting a problem needs an API token with the open311 "
            "scope, sent as api_key.",
        )
    try:
        found = authenticate_api_token(raw)
    except AuthenticationFailedError as refusal:
        raise Open311Error(403, f"Invalid api_key: {refusal.detail}") from refusal
    if OPEN311_SCOPE not in found.scopes:
        _refuse(found, "missing_scope")
        raise Open311Error(
            403,
            f"The api_key {found.name!r} does not have the open311 scope (its scopes: "
            f"{', '.join(found.scopes)}). Issue a token with the open311 scope.",
        )
    if not has_permission(found.user, LOG_REQUEST):
        _refuse(found, "may_not_log_requests")
        raise Open311Error(
            403,
            f"The api_key {found.name!r} belongs to {found.user}, whose roles do not let them "
            f"log requests ({LOG_REQUEST}). Issue the token from an account that may.",
        )
    return found.user


def _refuse(found: ApiToken, reason: str) -> None:
    audit.record(
        "cases.open311_refused",
        subject=found,
        actor=found.user,
        outcome="failure",
        detail={"reason": reason, "prefix": found.prefix},
    )
