"""Teams: create (including time-boxed rapid-response teams) and change, audited with events."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from burgh.core.changes import record_change
from burgh.core.concurrency import check_version, save_if_version
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity.models import Organisation, Team, User
from burgh.identity.permissions import MANAGE_TEAMS, PROVISION_STAFF, has_permission

# What update_team may change; the organisation, kind and parent stay as created.
CHANGEABLE_FIELDS = frozenset({"name", "description", "ends_on"})


def create_team(
    *,
    by: User,
    organisation: Organisation,
    name: str,
    kind: str,
    parent: Team | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    description: str = "",
) -> Team:
    _require_manager(by, organisation)
    name = " ".join(name.split())
    errors = _name_errors(name)
    if kind not in Team.Kind.values:
        errors.append(
            {"pointer": "#/kind", "detail": f"Choose one of {', '.join(Team.Kind.values)}."}
        )
    if parent is not None and parent.organisation_id != organisation.pk:
        errors.append(
            {"pointer": "#/parent", "detail": "The parent team must be in the same organisation."}
        )
    errors += _date_errors(kind, starts_on, ends_on)
    _raise_if(errors, "The team cannot be created")
    with transaction.atomic():
        _refuse_duplicate_name(organisation, name)
        try:
            with transaction.atomic():
                team = Team.objects.create(
                    organisation=organisation,
                    parent=parent,
                    name=name,
                    slug=_free_slug(organisation, name),
                    kind=kind,
                    description=description.strip(),
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
        except IntegrityError as clash:
            # Another request created a team of the same name between our check and insert.
            raise _duplicate_name(organisation, name) from clash
        snapshot = team_snapshot(team)
        record_change(team, "created", snapshot, actor=by)
    return team


def update_team(team: Team, *, by: User, expected_version: int, **changes: Any) -> Team:
    """Change a team's name, description or end date, if nobody changed it since it was read.

    Raises StaleVersionError when `expected_version` is no longer the team's version.
    """
    _require_manager(by, team.organisation)
    unknown = set(changes) - CHANGEABLE_FIELDS
    if unknown:
        raise InvalidInputError(
            f"These cannot be changed: {', '.join(sorted(unknown))}.",
            errors=[{"pointer": f"#/{field}", "detail": "Cannot be changed."} for field in unknown],
        )
    check_version(team, expected_version)
    errors: list[dict[str, str]] = []
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        errors += _name_errors(changes["name"])
    if "description" in changes:
        changes["description"] = str(changes["description"] or "").strip()
    if "ends_on" in changes:
        errors += _date_errors(team.kind, team.starts_on, changes["ends_on"])
    _raise_if(errors, "The team cannot be changed")
    before = team_snapshot(team)
    changed = {field: value for field, value in changes.items() if getattr(team, field) != value}
    if not changed:
        return team
    with transaction.atomic():
        if "name" in changed:
            _refuse_duplicate_name(team.organisation, changed["name"], besides=team)
        team = save_if_version(team, expected_version, changed)
        after = team_snapshot(team)
        difference = {
            field: {"from": before[field], "to": after[field]} for field in sorted(changed)
        }
        record_change(
            team, "updated", difference, actor=by, event_data={**after, "changed": sorted(changed)}
        )
    return team


def _require_manager(by: User, organisation: Organisation) -> None:
    # The identity provider's account keeps teams in step with its groups, so it may too.
    if not (has_permission(by, MANAGE_TEAMS) or has_permission(by, PROVISION_STAFF)):
        raise PermissionDeniedError(
            "Managing teams needs a role with the identity.manage_teams permission. "
            "Ask your system administrator."
        )
    if by.organisation_id != organisation.pk:
        raise PermissionDeniedError(
            f"You can only manage teams in your own organisation, not {organisation.name}."
        )


def _name_errors(name: str) -> list[dict[str, str]]:
    if not name:
        return [{"pointer": "#/name", "detail": "Enter the team's name."}]
    if len(name) > 200:
        return [{"pointer": "#/name", "detail": "The name must be 200 characters or fewer."}]
    if not slugify(name):
        return [{"pointer": "#/name", "detail": "The name must contain letters or numbers."}]
    return []


def _date_errors(kind: str, starts_on: date | None, ends_on: date | None) -> list[dict[str, str]]:
    errors = []
    if kind == Team.Kind.RAPID_RESPONSE:
        # A rapid-response team is time-boxed: it must say when it stands down.
        if starts_on is None:
            errors.append(
                {"pointer": "#/starts_on", "detail": "A rapid-response team needs a start date."}
            )
        if ends_on is None:
            errors.append(
                {"pointer": "#/ends_on", "detail": "A rapid-response team needs an end date."}
            )
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.append(
            {
                "pointer": "#/ends_on",
                "detail": "The end date must be on or after the start date "
                f"({starts_on:%d %B %Y}).",
            }
        )
    return errors


def _raise_if(errors: list[dict[str, str]], what: str) -> None:
    if errors:
        raise InvalidInputError(
            f"{what}: " + " ".join(error["detail"] for error in errors), errors=errors
        )


def _refuse_duplicate_name(
    organisation: Organisation, name: str, besides: Team | None = None
) -> None:
    clash = Team.objects.filter(organisation=organisation, name__iexact=name)
    if besides is not None:
        clash = clash.exclude(pk=besides.pk)
    if clash.exists():
        raise _duplicate_name(organisation, name)


def _duplicate_name(organisation: Organisation, name: str) -> ConflictError:
    return ConflictError(
        f"{organisation.name} already has a team called {name!r}. Choose another name.",
        errors=[{"pointer": "#/name", "detail": "Already in use in this organisation."}],
    )


def _free_slug(organisation: Organisation, name: str) -> str:
    base = slugify(name)[:70]
    taken = set(
        Team.objects.filter(organisation=organisation, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def team_snapshot(team: Team) -> dict[str, Any]:
    """A team as events and the audit trail show it."""
    return {
        "id": str(team.pk),
        "organisation": str(team.organisation_id),
        "parent": str(team.parent_id) if team.parent_id else None,
        "name": team.name,
        "slug": team.slug,
        "kind": team.kind,
        "description": team.description,
        "starts_on": team.starts_on.isoformat() if team.starts_on else None,
        "ends_on": team.ends_on.isoformat() if team.ends_on else None,
        "version": team.version,
    }
