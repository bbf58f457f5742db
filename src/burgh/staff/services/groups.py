"""Teams kept in step with an identity provider's groups: create, replace members, retire.

A group is a team of the provider's organisation. Members added start today; members taken
out, and every member of a retired team, stop being members at once (their last day in force
was yesterday), so their access through the team ends on their next request.
"""

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.concurrency import etag_for, save_if_version
from burgh.core.errors import InvalidInputError, StaleVersionError
from burgh.identity.models import Membership, Organisation, Team, User
from burgh.identity.services.memberships import end_membership, end_memberships, open_memberships
from burgh.identity.services.organisation import add_membership
from burgh.identity.services.teams import create_team, update_team
from burgh.staff.models import TeamProvisioning


class UnknownMemberError(InvalidInputError):
    slug = "unknown-member"
    title = "A member is not a member of staff here"


def _members(member_ids: Iterable[str], organisation: Organisation) -> list[User]:
    wanted = list(dict.fromkeys(member_ids))
    parsed: dict[str, UUID | None] = {}
    for raw in wanted:
        try:
            parsed[raw] = UUID(raw)
        except ValueError:
            parsed[raw] = None
    found = {
        str(user.pk): user
        # A deactivated person may stay in a group (access needs an active account as well);
        # one the provider deleted is gone.
        for user in User.objects.filter(
            pk__in=[pk for pk in parsed.values() if pk is not None], organisation=organisation
        ).exclude(staff_profile__deprovisioned_at__isnull=False)
    }
    by_raw = {raw: found.get(str(pk)) if pk else None for raw, pk in parsed.items()}
    missing = [raw for raw, user in by_raw.items() if user is None]
    if missing:
        raise UnknownMemberError(
            f'members[value eq "{missing[0]}"]: no member of staff of '
            f"{organisation.name} has this id"
            + (f" (nor do {len(missing) - 1} more)." if len(missing) > 1 else "."),
            errors=[{"pointer": "#/members", "detail": f"Unknown ids: {', '.join(missing[:5])}."}],
        )
    return [user for user in by_raw.values() if user is not None]


def _check_external_id(external_id: str) -> None:
    if len(external_id.strip()) > 255:
        raise InvalidInputError(
            "externalId must be 255 characters or fewer.",
            errors=[{"pointer": "#/externalId", "detail": "255 characters or fewer."}],
        )


def provision_team(
    *,
    name: str,
    external_id: str,
    member_ids: Iterable[str],
    organisation: Organisation,
    by: User,
) -> Team:
    """Create a team for an identity provider's group, with its members from today."""
    _check_external_id(external_id)
    with transaction.atomic():
        members = _members(member_ids, organisation)
        team = create_team(by=by, organisation=organisation, name=name, kind=Team.Kind.TEAM)
        link = TeamProvisioning.objects.create(team=team, external_id=external_id.strip())
        record_change(link, "created", {"team": str(team.pk), "external_id": link.external_id})
        for user in members:
            add_membership(user, team, valid_from=timezone.localdate())
    return team


def replace_team(
    team: Team,
    *,
    name: str,
    external_id: str,
    member_ids: Iterable[str],
    by: User,
    expected_version: int | None = None,
) -> Team:
    """Make the team's name, external id and members those given (a SCIM PUT or PATCH)."""
    _check_external_id(external_id)
    with transaction.atomic():
        current = Team.objects.select_for_update().select_related("organisation").get(pk=team.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersionError(
                f"The team is now at version {etag_for(current.version)}, not "
                f"{etag_for(expected_version)}: someone changed it after you read it.",
                current_etag=etag_for(current.version),
            )
        members = _members(member_ids, current.organisation)
        version_before = current.version
        if " ".join(name.split()) != current.name:
            current = update_team(current, by=by, expected_version=current.version, name=name)
        link, _ = TeamProvisioning.objects.get_or_create(team=current)
        if link.external_id != external_id.strip():
            before = link.external_id
            link = save_if_version(link, link.version, {"external_id": external_id.strip()})
            record_change(
                link, "updated", {"external_id": {"from": before, "to": link.external_id}}, actor=by
            )
        moved = _set_members(current, members, by)
        current.refresh_from_db()
        if moved and current.version == version_before:
            current = save_if_version(current, current.version, {})
    return current


def _set_members(team: Team, members: list[User], by: User) -> bool:
    today = timezone.localdate()
    held: dict[UUID, list[Membership]] = {}
    for membership in open_memberships(team=team, after=today - timedelta(days=1)):
        held.setdefault(membership.user_id, []).append(membership)
    wanted = {user.pk: user for user in members}
    moved = False
    for user_id, memberships in held.items():
        if user_id not in wanted:
            for membership in memberships:
                end_membership(membership, last_day=today - timedelta(days=1), by=by)
            moved = True
    for user_id, user in wanted.items():
        if user_id not in held:
            add_membership(user, team, valid_from=today)
            moved = True
    return moved


def retire_team(team: Team, *, by: User) -> None:
    """The identity provider deleted the group: the team and its memberships end yesterday.

    The team stays, with its history, for the audit trail; SCIM answers 404 for it from now on.
    """
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        last_day = timezone.localdate() - timedelta(days=1)
        end_memberships(team=current, last_day=last_day, by=by)
        started = current.starts_on is None or current.starts_on <= last_day
        if started and (current.ends_on is None or current.ends_on > last_day):
            update_team(current, by=by, expected_version=current.version, ends_on=last_day)
        link, _ = TeamProvisioning.objects.get_or_create(team=current)
        link = save_if_version(link, link.version, {"retired_at": timezone.now()})
        record_change(link, "retired", {"team": str(current.pk)}, actor=by)
