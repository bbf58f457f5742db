"""Organisation structure: teams a person is in, line management, skills and capacity."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from burgh.core.changes import record_change
from burgh.core.concurrency import save_if_version
from burgh.core.errors import ConflictError, InvalidInputError
from burgh.identity.models import Membership, Team, User
from burgh.identity.models.accounts import in_force_on
from burgh.identity.permissions import current_memberships
from burgh.staff.models import LineManagement, Skill, SkillLevel, StaffCapacity, StaffSkill

# A full-time week at the council, for turning contracted hours into a full-time equivalent.
FULL_TIME_HOURS = Decimal("35")


class InvalidDatesError(InvalidInputError):
    slug = "invalid-dates"
    title = "The dates are not in order"


class LineManagementCycleError(InvalidInputError):
    slug = "line-management-cycle"
    title = "Nobody can be their own manager, however far up"


@dataclass(frozen=True)
class Capacity:
    contracted_hours: Decimal
    caseload_capacity: int

    @property
    def hours(self) -> str:
        """Contracted hours as people write them: 35, 22.5."""
        return f"{self.contracted_hours.normalize():f}"

    @property
    def full_time_equivalent(self) -> Decimal:
        return (self.contracted_hours / FULL_TIME_HOURS).quantize(Decimal("0.01"))


def _day(on: date | None) -> date:
    return on or timezone.localdate()


def current_teams(user: User, *, on: date | None = None) -> list[Team]:
    """The teams `user` is in on `on` (today): memberships and teams both in force that day."""
    if not user.is_active:
        return []
    return [membership.team for membership in current_memberships(user, on=_day(on))]


def line_manager(user: User, *, on: date | None = None) -> User | None:
    """Who line-manages `user` on `on` (today), if anyone."""
    found = (
        LineManagement.objects.filter(in_force_on(_day(on)), staff=user)
        .select_related("manager")
        .order_by("-valid_from")
        .first()
    )
    return found.manager if found is not None else None


def reports(manager: User, *, on: date | None = None) -> list[User]:
    """The people `manager` line-manages on `on` (today)."""
    return list(
        User.objects.filter(
            pk__in=LineManagement.objects.filter(in_force_on(_day(on)), manager=manager).values(
                "staff_id"
            )
        ).order_by("full_name")
    )


def capacity(user: User) -> Capacity | None:
    """Contracted hours and caseload ceiling of `user`; None when nobody recorded them."""
    found = StaffCapacity.objects.filter(user=user).first()
    if found is None:
        return None
    return Capacity(found.contracted_hours, found.caseload_capacity)


def caseload_capacities(users: Iterable[User | UUID]) -> dict[UUID, int]:
    """The caseload ceiling of each of `users` who has one recorded, in one query."""
    ids = [user.pk if isinstance(user, User) else user for user in users]
    rows = StaffCapacity.objects.filter(user_id__in=ids).values_list("user_id", "caseload_capacity")
    return dict(rows)


def members_with_skill(team: Team, skill_slug: str, *, on: date | None = None) -> list[User]:
    """Active members of `team` on `on` holding the skill `skill_slug` at any level."""
    skill = Skill.objects.filter(slug=skill_slug).first()
    return [] if skill is None else staff_with_skill(skill, team, on=on)


def staff_with_skill(
    skill: Skill,
    team: Team | None = None,
    *,
    on: date | None = None,
    min_level: int = SkillLevel.AWARENESS,
) -> list[User]:
    """Active staff holding `skill` (at `min_level` or above) on `on`, in `team` if given."""
    day = _day(on)
    holders = StaffSkill.objects.filter(in_force_on(day), skill=skill, level__gte=min_level)
    found = User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
    if team is not None:
        members = Membership.objects.in_force(day).filter(team=team)
        found = found.filter(pk__in=members.values("user_id"))
    return list(found.order_by("full_name"))


def set_line_manager(
    staff: User, manager: User | None, *, on: date | None = None, by: User | None = None
) -> LineManagement | None:
    """From `on` (today), `manager` line-manages `staff`; None ends their line management.

    The current arrangement ends the day before. Refuses a manager who is `staff` or is
    managed by `staff`, however far up the line.
    """
    day = _day(on)
    if manager is not None:
        _refuse_cycle(staff, manager, day)
    with transaction.atomic():
        current = list(
            LineManagement.objects.select_for_update().filter(in_force_on(day), staff=staff)
        )
        if manager is not None and [c.manager_id for c in current] == [manager.pk]:
            return current[0]
        _end(current, day - timedelta(days=1), by)
        if manager is None:
            return None
        arrangement = LineManagement.objects.create(staff=staff, manager=manager, valid_from=day)
        detail = {"staff": str(staff.pk), "manager": str(manager.pk), "valid_from": str(day)}
        record_change(arrangement, "created", detail, actor=by, stream=staff)
    return arrangement


def end_line_management(user: User, *, last_day: date | None = None, by: User | None = None) -> int:
    """End every arrangement in which `user` manages or is managed after `last_day` (yesterday).

    For someone leaving: their manager no longer manages them, and they no longer manage anyone.
    """
    last = last_day or _day(None) - timedelta(days=1)
    with transaction.atomic():
        open_ = list(
            LineManagement.objects.select_for_update().filter(Q(staff=user) | Q(manager=user))
        )
        ending = [a for a in open_ if a.valid_to is None or a.valid_to > last]
        _end(ending, last, by)
    return len(ending)


def _end(arrangements: list[LineManagement], last_day: date, by: User | None) -> None:
    for arrangement in arrangements:
        detail = {"staff": str(arrangement.staff_id), "manager": str(arrangement.manager_id)}
        if arrangement.valid_from is not None and arrangement.valid_from > last_day:
            # It had not started yet: it never was, so it goes (the audit keeps it).
            record_change(arrangement, "withdrawn", detail, actor=by, stream=arrangement.staff)
            arrangement.delete()
            continue
        save_if_version(arrangement, arrangement.version, {"valid_to": last_day})
        detail["valid_to"] = str(last_day)
        record_change(arrangement, "ended", detail, actor=by, stream=arrangement.staff)


def _refuse_cycle(staff: User, manager: User, day: date) -> None:
    seen = {staff.pk}
    current: User | None = manager
    while current is not None:
        if current.pk in seen:
            raise LineManagementCycleError(
                f"{manager} cannot line-manage {staff}: {staff} is {manager}'s own manager, "
                "directly or further up.",
                errors=[{"pointer": "#/manager", "detail": "Would make a loop of managers."}],
            )
        seen.add(current.pk)
        current = line_manager(current, on=day)


def create_skill(
    *, name: str, category: str = "", description: str = "", by: User | None = None
) -> Skill:
    """Add a skill to the catalogue."""
    name = " ".join(name.split())
    if not name or not slugify(name):
        raise InvalidInputError(
            "Give the skill a name.", errors=[{"pointer": "#/name", "detail": "Enter a name."}]
        )
    with transaction.atomic():
        if Skill.objects.filter(name__iexact=name).exists():
            raise ConflictError(f"The catalogue already has a skill called {name!r}.")
        skill = Skill.objects.create(
            name=name,
            slug=_free_slug(name),
            category=category.strip(),
            description=description.strip(),
        )
        detail = {"name": skill.name, "slug": skill.slug, "category": skill.category}
        record_change(skill, "created", detail, actor=by)
    return skill


def _free_slug(name: str) -> str:
    base = slugify(name)[:70]
    slug, number = base, 2
    while Skill.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def give_skill(
    user: User,
    skill: Skill,
    *,
    level: int,
    valid_from: date | None = None,
    valid_to: date | None = None,
    by: User | None = None,
) -> StaffSkill:
    """Record that `user` holds `skill` at `level` (1 awareness to 4 expert) between two dates."""
    if level not in SkillLevel.values:
        raise InvalidInputError(
            "A skill level is 1 (awareness), 2 (working), 3 (practitioner) or 4 (expert).",
            errors=[{"pointer": "#/level", "detail": "Choose a level from 1 to 4."}],
        )
    _dates_in_order(valid_from, valid_to)
    with transaction.atomic():
        held = StaffSkill.objects.create(
            user=user, skill=skill, level=level, valid_from=valid_from, valid_to=valid_to
        )
        detail = {
            "user": str(user.pk),
            "skill": skill.slug,
            "level": level,
            "valid_from": str(valid_from) if valid_from else None,
            "valid_to": str(valid_to) if valid_to else None,
        }
        record_change(held, "created", detail, actor=by, stream=user)
    return held


def set_capacity(
    user: User,
    *,
    contracted_hours: Decimal | float | str,
    caseload_capacity: int,
    by: User | None = None,
) -> StaffCapacity:
    """Record how many hours `user` is contracted for and how many cases they can hold."""
    try:
        hours = Decimal(str(contracted_hours)).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise InvalidInputError(
            "Contracted hours must be a number, such as 35 or 22.5.",
            errors=[{"pointer": "#/contracted_hours", "detail": "Enter a number of hours."}],
        ) from error
    errors = []
    if not Decimal(0) <= hours <= Decimal(60):
        errors.append({"pointer": "#/contracted_hours", "detail": "Between 0 and 60 hours."})
    if caseload_capacity < 0:
        errors.append({"pointer": "#/caseload_capacity", "detail": "Zero or more cases."})
    if errors:
        raise InvalidInputError(
            "The capacity cannot be recorded: " + " ".join(e["detail"] for e in errors),
            errors=errors,
        )
    with transaction.atomic():
        found = StaffCapacity.objects.select_for_update().filter(user=user).first()
        values = {"contracted_hours": hours, "caseload_capacity": caseload_capacity}
        if found is None:
            found = StaffCapacity.objects.create(user=user, **values)
            record_change(found, "created", {"user": str(user.pk), **_plain(values)}, actor=by)
        elif (found.contracted_hours, found.caseload_capacity) != (hours, caseload_capacity):
            before = _plain(
                {
                    "contracted_hours": found.contracted_hours,
                    "caseload_capacity": found.caseload_capacity,
                }
            )
            found = save_if_version(found, found.version, values)
            detail = {"user": str(user.pk), "from": before, "to": _plain(values)}
            record_change(found, "updated", detail, actor=by)
    return found


def _plain(values: dict[str, object]) -> dict[str, object]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _dates_in_order(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidDatesError(
            f"The end date ({valid_to:%d %B %Y}) is before the start date ({valid_from:%d %B %Y}).",
            errors=[{"pointer": "#/valid_to", "detail": "Must be on or after the start date."}],
        )
