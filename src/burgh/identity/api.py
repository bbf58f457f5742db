"""Identity's API: the caller, teams and the caller's API tokens. Thin: rules live in services."""

import json
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict

from burgh.core.concurrency import required_version, with_etag
from burgh.core.errors import NotFoundError
from burgh.core.idempotency import OPENAPI_PARAMETER as IDEMPOTENCY_KEY
from burgh.core.idempotency import idempotent
from burgh.core.pagination import Page, PageParams, paginate
from burgh.identity.auth import caller, caller_token, require_scope
from burgh.identity.models import ApiToken, Team
from burgh.identity.permissions import current_memberships, current_roles
from burgh.identity.services.teams import create_team, update_team
from burgh.identity.services.tokens import revoke_api_token

router = Router(tags=["identity"])

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The ETag from when you read the record, such as "3".',
}
ETAG = {"description": "The record's version, for If-Match.", "schema": {"type": "string"}}
LINK = {"description": 'The next page, as `<url>; rel="next"`.', "schema": {"type": "string"}}
LOCATION = {"description": "Where the new record can be read.", "schema": {"type": "string"}}


class Input(Schema):
    # Unknown fields are refused, so a misspelt field is an error rather than silently lost.
    model_config = ConfigDict(extra="forbid")


class OrganisationOut(Schema):
    id: UUID
    name: str
    slug: str
    kind: str


class TeamRef(Schema):
    id: UUID
    name: str
    slug: str


class RoleOut(Schema):
    id: UUID
    name: str
    slug: str
    permissions: list[str]


class MeOut(Schema):
    id: UUID
    full_name: str
    email: str
    job_title: str
    organisation: OrganisationOut | None
    teams: list[TeamRef] = Field(description="Teams the caller is a member of today.")
    roles: list[RoleOut] = Field(description="Roles the caller holds today.")
    token_scopes: list[str] = Field(description="The scopes of the token used for this request.")


class TeamOut(Schema):
    id: UUID
    organisation: str = Field(description="The organisation's slug.")
    parent: UUID | None
    name: str
    slug: str
    kind: str
    description: str
    starts_on: date | None
    ends_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_organisation(team: Team) -> str:
        return team.organisation.slug

    @staticmethod
    def resolve_parent(team: Team) -> UUID | None:
        return team.parent_id


class TeamIn(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["directorate", "service", "team", "rapid_response"] = "team"
    parent: UUID | None = Field(None, description="The id of the parent team, if any.")
    description: str = Field("", max_length=5000)
    starts_on: date | None = None
    ends_on: date | None = None


class TeamChange(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    ends_on: date | None = None


class TeamFilters(Schema):
    organisation: str | None = Field(None, max_length=80, description="An organisation's slug.")
    active_on: date | None = Field(
        None, description="Only teams that exist on this day (YYYY-MM-DD)."
    )


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    version: int


@router.get("/me", response=MeOut, summary="Who am I", tags=["identity"])
def me(request: HttpRequest) -> dict[str, object]:
    require_scope(request, "identity:read")
    user = caller(request)
    today = timezone.localdate()
    memberships = current_memberships(user, on=today)
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "job_title": user.job_title,
        "organisation": user.organisation,
        "teams": [membership.team for membership in memberships],
        "roles": current_roles(user, on=today),
        "token_scopes": caller_token(request).scopes,
    }


@router.get(
    "/teams",
    response=Page[TeamOut],
    summary="List teams",
    openapi_extra={"responses": {200: {"headers": {"Link": LINK}}}},
)
def list_teams(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[TeamFilters],
    page: Query[PageParams],
) -> dict[str, object]:
    require_scope(request, "identity:read")
    teams: QuerySet[Team] = Team.objects.select_related("organisation")
    if filters.organisation:
        teams = teams.filter(organisation__slug=filters.organisation)
    if filters.active_on:
        day = filters.active_on
        teams = teams.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
    return paginate(request, teams, page, ordering=("name", "id"), response=response).as_dict()


@router.get(
    "/teams/{uuid:team_id}",
    response=TeamOut,
    summary="One team",
    openapi_extra={"responses": {200: {"headers": {"ETag": ETAG}}}},
)
def get_team(request: HttpRequest, response: HttpResponse, team_id: UUID) -> Team:
    require_scope(request, "identity:read")
    team = _team(team_id)
    with_etag(response, team)
    return team


@router.post(
    "/teams",
    response={201: TeamOut},
    summary="Create a team",
    openapi_extra={
        "parameters": [IDEMPOTENCY_KEY],
        "responses": {201: {"headers": {"ETag": ETAG, "Location": LOCATION}}},
    },
)
@idempotent
def post_team(request: HttpRequest, payload: TeamIn) -> HttpResponse:
    require_scope(request, "identity:write")
    user = caller(request)
    parent = None
    if payload.parent is not None:
        parent = _team(payload.parent, pointer="#/parent")
    team = create_team(
        by=user,
        organisation=user.organisation,  # type: ignore[arg-type]
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        description=payload.description,
    )
    return _team_response(request, team, status=201)


@router.patch(
    "/teams/{uuid:team_id}",
    response=TeamOut,
    summary="Change a team",
    openapi_extra={"parameters": [IF_MATCH], "responses": {200: {"headers": {"ETag": ETAG}}}},
)
def patch_team(request: HttpRequest, team_id: UUID, payload: TeamChange) -> HttpResponse:
    require_scope(request, "identity:write")
    expected = required_version(request)
    team = _team(team_id)
    changes = payload.model_dump(exclude_unset=True)
    for field in ("name", "description"):
        if field in changes and changes[field] is None:
            changes.pop(field)
    team = update_team(team, by=caller(request), expected_version=expected, **changes)
    return _team_response(request, team, status=200)


@router.get(
    "/tokens",
    response=Page[TokenOut],
    summary="Your API tokens",
    openapi_extra={"responses": {200: {"headers": {"Link": LINK}}}},
)
def list_tokens(
    request: HttpRequest, response: HttpResponse, page: Query[PageParams]
) -> dict[str, object]:
    require_scope(request, "identity:read")
    tokens = ApiToken.objects.filter(user=caller(request))
    return paginate(
        request, tokens, page, ordering=("-created_at", "-id"), response=response
    ).as_dict()


@router.delete(
    "/tokens/{uuid:token_id}",
    response={204: None},
    summary="Revoke one of your API tokens",
    openapi_extra={"parameters": [IF_MATCH]},
)
def delete_token(request: HttpRequest, token_id: UUID) -> HttpResponse:
    require_scope(request, "identity:write")
    expected = required_version(request)
    user = caller(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFoundError("You have no API token with that id.")
    revoke_api_token(token, by=user, expected_version=expected)
    return HttpResponse(status=204)


def _team(team_id: UUID, *, pointer: str | None = None) -> Team:
    team = Team.objects.select_related("organisation").filter(pk=team_id).first()
    if team is None:
        errors = [{"pointer": pointer, "detail": "No such team."}] if pointer else None
        raise NotFoundError(f"There is no team with id {team_id}.", errors=errors)
    return team


def _team_response(request: HttpRequest, team: Team, *, status: int) -> HttpResponse:
    team = Team.objects.select_related("organisation").get(pk=team.pk)
    response = HttpResponse(
        json.dumps(TeamOut.model_validate(team).model_dump(), cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    with_etag(response, team)
    if status == 201:
        response["Location"] = reverse("api:get_team", kwargs={"team_id": team.pk})
    return response
