"""Organisation structure: organisations, staff, teams, memberships, roles and assignments.

The single-record functions audit and emit an event for each change. `import_organisation_structure`
is the bulk path for loading a whole structure (the demo council, a migration from an HR system):
it writes in batches and records one summary audit entry for the import.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from burgh.core import audit
from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity.models import Membership, Organisation, Role, RoleAssignment, Team, User
from burgh.identity.services.teams import team_snapshot

BATCH_SIZE = 1000


@dataclass(frozen=True)
class OrganisationRecord:
    slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class TeamRecord:
    """A team to import; `organisation` and `parent` are slugs."""

    organisation: str
    slug: str
    name: str
    kind: str = Team.Kind.TEAM
    parent: str | None = None
    description: str = ""


@dataclass(frozen=True)
class RoleRecord:
    slug: str
    name: str
    permissions: tuple[str, ...]
    requires_mfa: bool = False
    description: str = ""


@dataclass(frozen=True)
class StaffRecord:
    """A member of staff to import, with their team (a slug in their organisation) and roles."""

    email: str
    full_name: str
    organisation: str
    job_title: str = ""
    team: str = ""
    position: str = Membership.Position.MEMBER
    roles: tuple[str, ...] = ()
    # An already-made hash, so a shared demo password is hashed once; None: cannot sign in.
    password_hash: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class StructureImportReport:
    organisations: int
    teams: int
    roles: int
    users: int
    memberships: int
    role_assignments: int


def create_organisation(*, name: str, slug: str, kind: str) -> Organisation:
    """Add the council or a partner agency."""
    if kind not in Organisation.Kind.values:
        raise InvalidInputError(
            f"An organisation's kind is one of {', '.join(Organisation.Kind.values)}.",
            errors=[{"pointer": "#/kind", "detail": "Not a kind of organisation."}],
        )
    with transaction.atomic():
        if Organisation.objects.filter(slug=slug).exists():
            raise ConflictError(f"There is already an organisation with the short name {slug!r}.")
        organisation = Organisation.objects.create(name=name.strip(), slug=slug, kind=kind)
        detail = {"name": organisation.name, "slug": slug, "kind": kind}
        record_change(organisation, "created", detail)
    return organisation


def ensure_team(
    *,
    organisation: Organisation,
    name: str,
    kind: str = Team.Kind.TEAM,
    parent: Team | None = None,
    slug: str | None = None,
    description: str = "",
) -> Team:
    """The team with this slug in `organisation`, created if it is not there yet.

    For loading a known structure; teams that staff create through the service go through
    `burgh.identity.services.teams.create_team`, which checks the creator's permission.
    """
    slug = slug or slugify(name)[:80]
    with transaction.atomic():
        team = Team.objects.filter(organisation=organisation, slug=slug).first()
        if team is not None:
            return team
        team = Team.objects.create(
            organisation=organisation,
            slug=slug,
            name=name,
            kind=kind,
            parent=parent,
            description=description,
        )
        # The same record of a new team as teams.create_team gives, so consumers see one shape.
        record_change(team, "created", team_snapshot(team))
    return team


def create_staff_user(
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    job_title: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """Add a member of staff; without a password they cannot sign in until one is set."""
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ConflictError(f"There is already an account for {email}.")
        user = User.objects.create_user(
            email,
            password,
            full_name=full_name.strip(),
            job_title=job_title.strip(),
            organisation=organisation,
            is_staff=is_staff,
        )
        detail = {"email": email, "organisation": organisation.slug, "job_title": user.job_title}
        record_change(user, "created", detail)
    return user


def create_role(
    *,
    name: str,
    slug: str,
    permissions: Sequence[str],
    requires_mfa: bool = False,
    description: str = "",
) -> Role:
    """Add a role: a named bundle of permission codes, optionally requiring MFA."""
    with transaction.atomic():
        if Role.objects.filter(slug=slug).exists():
            raise ConflictError(f"There is already a role with the short name {slug!r}.")
        role = Role.objects.create(
            name=name,
            slug=slug,
            permissions=sorted(set(permissions)),
            requires_mfa=requires_mfa,
            description=description,
        )
        detail = {"slug": slug, "permissions": role.permissions, "requires_mfa": requires_mfa}
        record_change(role, "created", detail)
    return role


def assign_role(
    user: User, role: Role, *, valid_from: date | None = None, valid_to: date | None = None
) -> RoleAssignment:
    """Give `user` the role (again harmless: the existing assignment is returned)."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, defaults={"valid_from": valid_from, "valid_to": valid_to}
        )
        if created:
            detail = {"user": str(user.pk), "role": role.slug, "requires_mfa": role.requires_mfa}
            record_change(assignment, "created", detail, stream=user)
    return assignment


def add_membership(
    user: User,
    team: Team,
    *,
    position: str = Membership.Position.MEMBER,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Membership:
    """Put `user` in `team` as a member, leader or manager, from and to the dates given."""
    if position not in Membership.Position.values:
        raise InvalidInputError(
            f"A position is one of {', '.join(Membership.Position.values)}.",
            errors=[{"pointer": "#/position", "detail": "Not a position in a team."}],
        )
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidInputError(
            f"A membership cannot end ({valid_to:%d %B %Y}) before it starts "
            f"({valid_from:%d %B %Y}).",
            errors=[{"pointer": "#/valid_to", "detail": "Must be on or after valid_from."}],
        )
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, team=team, position=position, valid_from=valid_from, valid_to=valid_to
        )
        detail = {
            "user": str(user.pk),
            "team": str(team.pk),
            "position": position,
            "valid_from": valid_from.isoformat() if valid_from else None,
            "valid_to": valid_to.isoformat() if valid_to else None,
        }
        record_change(membership, "created", detail, stream=team)
    return membership


def import_organisation_structure(
    *,
    organisations: Sequence[OrganisationRecord],
    teams: Sequence[TeamRecord],
    roles: Sequence[RoleRecord],
    staff: Sequence[StaffRecord],
) -> StructureImportReport:
    """Load organisations, teams (parents before children), roles and staff in one go.

    Organisations, teams and roles already there (same slug) are reused; staff must be new.
    One audit entry records the import's counts.
    """
    with transaction.atomic():
        organisation_by_slug = _ensure_organisations(organisations)
        team_by_key = _ensure_teams(teams, organisation_by_slug)
        role_by_slug = _ensure_roles(roles)
        users, memberships, assignments = _create_staff(
            staff, organisation_by_slug, team_by_key, role_by_slug
        )
        report = StructureImportReport(
            organisations=len(organisation_by_slug),
            teams=len(team_by_key),
            roles=len(role_by_slug),
            users=users,
            memberships=memberships,
            role_assignments=assignments,
        )
        audit.record("identity.organisation_structure_imported", detail=asdict(report))
    return report


def _ensure_organisations(records: Sequence[OrganisationRecord]) -> dict[str, Organisation]:
    existing = {o.slug: o for o in Organisation.objects.filter(slug__in=[r.slug for r in records])}
    new = [
        Organisation(name=r.name, slug=r.slug, kind=r.kind)
        for r in records
        if r.slug not in existing
    ]
    Organisation.objects.bulk_create(new)
    return {**existing, **{o.slug: o for o in new}}


def _ensure_teams(
    records: Sequence[TeamRecord], organisations: dict[str, Organisation]
) -> dict[tuple[str, str], Team]:
    teams = {
        (team.organisation.slug, team.slug): team
        for team in Team.objects.filter(organisation__in=organisations.values()).select_related(
            "organisation"
        )
    }
    pending = [r for r in records if (r.organisation, r.slug) not in teams]
    # Parents go in before their children: each pass adds the teams whose parent is present.
    while pending:
        ready = [r for r in pending if r.parent is None or (r.organisation, r.parent) in teams]
        if not ready:
            missing = sorted({f"{r.organisation}/{r.parent}" for r in pending})
            raise InvalidInputError(f"These parent teams are not known: {', '.join(missing)}.")
        new = [
            Team(
                organisation=organisations[r.organisation],
                slug=r.slug,
                name=r.name,
                kind=r.kind,
                parent=teams[(r.organisation, r.parent)] if r.parent else None,
                description=r.description,
            )
            for r in ready
        ]
        Team.objects.bulk_create(new)
        teams.update({(r.organisation, r.slug): team for r, team in zip(ready, new, strict=True)})
        pending = [r for r in pending if (r.organisation, r.slug) not in teams]
    return teams


def _ensure_roles(records: Sequence[RoleRecord]) -> dict[str, Role]:
    existing = {role.slug: role for role in Role.objects.filter(slug__in=[r.slug for r in records])}
    new = [
        Role(
            name=r.name,
            slug=r.slug,
            permissions=sorted(set(r.permissions)),
            requires_mfa=r.requires_mfa,
            description=r.description,
        )
        for r in records
        if r.slug not in existing
    ]
    Role.objects.bulk_create(new)
    return {**existing, **{role.slug: role for role in new}}


def _create_staff(
    records: Sequence[StaffRecord],
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
    roles: dict[str, Role],
) -> tuple[int, int, int]:
    emails = [r.email.strip().lower() for r in records]
    if len(set(emails)) != len(emails):
        raise InvalidInputError("The same email address appears twice in the staff to import.")
    taken = [
        email
        for start in range(0, len(emails), BATCH_SIZE)
        for email in User.objects.filter(email__in=emails[start : start + BATCH_SIZE]).values_list(
            "email", flat=True
        )
    ]
    if taken:
        raise ConflictError(f"These staff already have accounts: {', '.join(sorted(taken)[:10])}.")
    users = [
        User(
            email=email,
            full_name=r.full_name,
            job_title=r.job_title,
            organisation=organisations[r.organisation],
            is_staff=r.is_staff,
            is_superuser=r.is_superuser,
            password=r.password_hash or make_password(None),
        )
        for email, r in zip(emails, records, strict=True)
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    memberships = [
        Membership(user=user, team=teams[(r.organisation, r.team)], position=r.position)
        for user, r in zip(users, records, strict=True)
        if r.team
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    assignments = [
        RoleAssignment(user=user, role=roles[slug])
        for user, r in zip(users, records, strict=True)
        for slug in dict.fromkeys(r.roles)
    ]
    RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    return len(users), len(memberships), len(assignments)
