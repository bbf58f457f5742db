"""The /scim/v2 endpoints: thin views that read the request, call the staff services, answer.

Every request is authenticated by `auth.provisioner`, runs in one transaction (a refused
request changes nothing) and leaves as SCIM JSON, errors included.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from uuid import UUID

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    Context,
    Group,
    PatchOp,
    ResponseParameters,
    ScimPolicy,
)

from burgh.core import context
from burgh.identity.models import Organisation, Team, User
from burgh.staff.scim import discovery
from burgh.staff.scim import groups as group_mapping
from burgh.staff.scim import users as user_mapping
from burgh.staff.scim.auth import provisioner
from burgh.staff.scim.discovery import UserResource
from burgh.staff.scim.errors import ScimRefusalError, error_response, refusal_for, scim_json
from burgh.staff.scim.filters import Attributes, filter_q, order_by
from burgh.staff.scim.requests import (
    Search,
    if_match,
    json_body,
    normalise_patch,
    not_modified,
    search_from,
)
from burgh.staff.services import groups as group_services
from burgh.staff.services import provisioning

logger = logging.getLogger("burgh.scim")

LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
MAX_MEMBERS_PER_REQUEST = 5000
# What identity providers send that the standard reads more strictly: Entra ID removes
# members by naming them in `value`, and replaces `emails[type eq "work"].value` when the
# person has no work address yet, meaning "add one".
PROVIDER_POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    unknown=ScimPolicy.Unknown.forbid,
)

View = Callable[..., HttpResponse]


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def endpoint(*methods: str) -> Callable[[View], View]:
    """Authenticate, allow only `methods`, run in one transaction, answer errors as SCIM."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                with context.acting(channel="scim"):
                    user = provisioner(request)
                if request.method not in methods:
                    raise ScimRefusalError(
                        405, f"{request.method} is not allowed here; use {', '.join(methods)}."
                    )
                with (
                    context.acting(
                        actor_id=str(user.pk),
                        actor_label=str(user),
                        organisation_id=str(user.organisation_id or ""),
                        channel="scim",
                    ),
                    transaction.atomic(),
                    PROVIDER_POLICY,
                ):
                    return view(request, user, *args, **kwargs)
            except Exception as error:
                refusal = refusal_for(error)
                if refusal is None:
                    logger.exception("SCIM request failed: %s %s", request.method, request.path)
                    reference = context.current().request_id or "unknown"
                    refusal = ScimRefusalError(
                        500,
                        "The request could not be completed because of a fault in the service; "
                        f"nothing was changed. Quote reference {reference}.",
                    )
                response = error_response(refusal)
                if refusal.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return wrapper

    return decorate


@dataclass(frozen=True)
class ResourceKind:
    name: str
    model: Any
    attributes: Attributes
    core: str
    queryset: Callable[[Organisation | None], "models.QuerySet[Any]"]
    to_resource: Callable[[Any, str], Any]


USERS = ResourceKind(
    "User",
    UserResource,
    user_mapping.USER_ATTRIBUTES,
    user_mapping.CORE,
    user_mapping.staff_queryset,
    user_mapping.user_resource,
)
GROUPS = ResourceKind(
    "Group",
    Group,
    group_mapping.GROUP_ATTRIBUTES,
    group_mapping.CORE,
    group_mapping.teams_queryset,
    group_mapping.group_resource,
)


def _dump(kind: ResourceKind, resource: Any, search: Search | None = None) -> dict[str, Any]:
    parameters = None
    if search is not None and (search.attributes or search.excluded_attributes):
        parameters = ResponseParameters[kind.model].model_validate(  # type: ignore[name-defined]
            {
                "attributes": search.attributes,
                "excludedAttributes": search.excluded_attributes,
            }
        )
    data: dict[str, Any] = resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
    )
    return data


def _list(kind: ResourceKind, user: User, search: Search, base: str) -> tuple[int, list[Any]]:
    found = kind.queryset(user.organisation)
    if search.filter:
        found = found.filter(filter_q(search.filter, kind.attributes, kind.core))
    ordering = ["created_at", "pk"]
    if search.sort_by:
        ordering = order_by(search.sort_by, search.descending, kind.attributes, kind.core)
    total = found.count()
    start = search.start_index - 1
    page = list(found.order_by(*ordering)[start : start + search.count]) if search.count else []
    return total, [_dump(kind, kind.to_resource(record, base), search) for record in page]


def _list_response(total: int, start_index: int, resources: list[Any]) -> HttpResponse:
    payload: dict[str, Any] = {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
    }
    if resources or total:
        payload["Resources"] = resources
    return scim_json(payload)


def _search_body(request: HttpRequest) -> Search:
    body = json_body(request)
    schemas = body.get("schemas")
    if schemas is not None and SEARCH_REQUEST not in schemas:
        raise ScimRefusalError(400, f"A search names the schema {SEARCH_REQUEST}.", "invalidSyntax")
    return search_from(body)


def _find(kind: ResourceKind, user: User, resource_id: str, *, lock: bool = False) -> Any:
    found = kind.queryset(user.organisation)
    if lock:
        found = found.select_for_update(of=("self",))
    try:
        record = found.filter(pk=UUID(resource_id)).first()
    except ValueError:  # Not an id Burgh gives out, so it names nothing here.
        record = None
    if record is None:
        raise ScimRefusalError(404, f"There is no {kind.name} {resource_id} here.")
    return record


def _resource_response(
    kind: ResourceKind, record: Any, base: str, status: int = 200, search: Search | None = None
) -> HttpResponse:
    resource = kind.to_resource(record, base)
    response = scim_json(_dump(kind, resource, search), status=status)
    response["ETag"] = resource.meta.version
    if status == 201:
        response["Location"] = resource.meta.location
    return response


def _stale_unless(record: Any, request: HttpRequest) -> None:
    wanted = if_match(request)
    if wanted is not None and wanted != record.version:
        raise ScimRefusalError(
            412,
            f'If-Match W/"{wanted}" is out of date: the resource is now at W/"{record.version}". '
            "Read it again and send your change with the new ETag.",
        )


# Users


@endpoint("GET", "POST")
def users(request: HttpRequest, user: User) -> HttpResponse:
    base = base_url(request)
    if request.method == "POST":
        resource = UserResource.model_validate(
            json_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        created = provisioning.provision_staff(
            user_mapping.staff_details(resource), organisation=_organisation(user), by=user
        )
        return _resource_response(USERS, _find(USERS, user, str(created.pk)), base, status=201)
    search = search_from(request.GET.dict())
    total, resources = _list(USERS, user, search, base)
    return _list_response(total, search.start_index, resources)


@endpoint("POST")
def users_search(request: HttpRequest, user: User) -> HttpResponse:
    search = _search_body(request)
    total, resources = _list(USERS, user, search, base_url(request))
    return _list_response(total, search.start_index, resources)


@endpoint("GET", "PUT", "PATCH", "DELETE")
def user_resource(request: HttpRequest, user: User, resource_id: str) -> HttpResponse:
    base = base_url(request)
    staff = _find(USERS, user, resource_id, lock=request.method != "GET")
    if request.method == "GET":
        search = search_from(request.GET.dict())
        etag = user_mapping.weak_etag(staff.version)
        if not_modified(request, etag):
            return HttpResponse(status=304, headers={"ETag": etag})
        return _resource_response(USERS, staff, base, search=search)
    _stale_unless(staff, request)
    if request.method == "DELETE":
        provisioning.delete_staff(staff, by=user)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = UserResource.model_validate(
            json_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
    else:
        resource = user_mapping.user_resource(staff, base)
        patch = PatchOp[UserResource].model_validate(
            normalise_patch(json_body(request), str(staff.pk)),
            scim_ctx=Context.RESOURCE_PATCH_REQUEST,
        )
        if not patch.patch(resource):
            return _resource_response(USERS, staff, base)
    provisioning.replace_staff(staff, user_mapping.staff_details(resource), by=user)
    return _resource_response(USERS, _find(USERS, user, resource_id), base)


# Groups


def _member_ids(group: Group) -> list[str]:
    members = group.members or []
    if len(members) > MAX_MEMBERS_PER_REQUEST:
        raise ScimRefusalError(
            400,
            f"members: {len(members)} members in one request is more than the "
            f"{MAX_MEMBERS_PER_REQUEST} Burgh takes; add them over several PATCH requests.",
            "tooMany",
        )
    for member in members:
        if member.type and member.type != "User":
            raise ScimRefusalError(
                400,
                f'members[value eq "{member.value}"]: a team holds people (type "User"), '
                f"not {member.type!r}.",
                "invalidValue",
            )
    return [str(member.value) for member in members if member.value]


@endpoint("GET", "POST")
def groups(request: HttpRequest, user: User) -> HttpResponse:
    base = base_url(request)
    if request.method == "POST":
        group = Group.model_validate(json_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        team = group_services.provision_team(
            name=group.display_name or "",
            external_id=group.external_id or "",
            member_ids=_member_ids(group),
            organisation=_organisation(user),
            by=user,
        )
        return _resource_response(GROUPS, _find(GROUPS, user, str(team.pk)), base, status=201)
    search = search_from(request.GET.dict())
    total, resources = _list(GROUPS, user, search, base)
    return _list_response(total, search.start_index, resources)


@endpoint("POST")
def groups_search(request: HttpRequest, user: User) -> HttpResponse:
    search = _search_body(request)
    total, resources = _list(GROUPS, user, search, base_url(request))
    return _list_response(total, search.start_index, resources)


@endpoint("GET", "PUT", "PATCH", "DELETE")
def group_resource(request: HttpRequest, user: User, resource_id: str) -> HttpResponse:
    base = base_url(request)
    team: Team = _find(GROUPS, user, resource_id, lock=request.method != "GET")
    if request.method == "GET":
        search = search_from(request.GET.dict())
        etag = user_mapping.weak_etag(team.version)
        if not_modified(request, etag):
            return HttpResponse(status=304, headers={"ETag": etag})
        return _resource_response(GROUPS, team, base, search=search)
    _stale_unless(team, request)
    if request.method == "DELETE":
        group_services.retire_team(team, by=user)
        return HttpResponse(status=204)
    if request.method == "PUT":
        group = Group.model_validate(
            json_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
    else:
        group = group_mapping.group_resource(team, base)
        patch = PatchOp[Group].model_validate(
            normalise_patch(json_body(request), str(team.pk)),
            scim_ctx=Context.RESOURCE_PATCH_REQUEST,
        )
        if not patch.patch(group):
            return _resource_response(GROUPS, team, base)
    group_services.replace_team(
        team,
        name=group.display_name or "",
        external_id=group.external_id or "",
        member_ids=_member_ids(group),
        by=user,
    )
    return _resource_response(GROUPS, _find(GROUPS, user, resource_id), base)


# Across resource types, and discovery


@endpoint("POST")
def root_search(request: HttpRequest, user: User) -> HttpResponse:
    """Search Users and Groups at once; an attribute one type lacks is false for that type."""
    search = _search_body(request)
    base = base_url(request)
    found: list[Any] = []
    total, refused = 0, []
    for kind in (USERS, GROUPS):
        everything = Search(
            search.filter,
            search.sort_by,
            search.descending,
            1,
            10_000,
            search.attributes,
            search.excluded_attributes,
        )
        try:
            count, resources = _list(kind, user, everything, base)
        except ScimRefusalError as refusal:
            refused.append(refusal)
            continue
        total += count
        found += resources
    if len(refused) == 2:
        raise refused[0]
    start = search.start_index - 1
    return _list_response(total, search.start_index, found[start : start + search.count])


@endpoint("GET")
def service_provider_config(request: HttpRequest, user: User) -> HttpResponse:
    return scim_json(discovery.dump(discovery.service_provider_config(base_url(request))))


@endpoint("GET")
def resource_types(request: HttpRequest, user: User, name: str | None = None) -> HttpResponse:
    return _discovered(discovery.resource_types(base_url(request)), name, "resource type")


@endpoint("GET")
def schemas(request: HttpRequest, user: User, name: str | None = None) -> HttpResponse:
    return _discovered(discovery.schemas(base_url(request)), name, "schema")


def _discovered(items: list[Any], name: str | None, what: str) -> HttpResponse:
    if name is None:
        return _list_response(len(items), 1, [discovery.dump(item) for item in items])
    for item in items:
        if item.id == name:
            return scim_json(discovery.dump(item))
    raise ScimRefusalError(404, f"There is no {what} {name!r} here.")


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, user: User, path: str = "") -> HttpResponse:
    raise ScimRefusalError(
        404,
        f"There is nothing at {request.path}. The SCIM endpoints are Users, Groups, "
        "ServiceProviderConfig, ResourceTypes, Schemas and .search.",
    )


def _organisation(user: User) -> Organisation:
    if user.organisation is None:
        raise ScimRefusalError(
            403, "The token's account belongs to no organisation, so it cannot provision staff."
        )
    return user.organisation
