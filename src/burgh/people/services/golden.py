"""Golden records: survivorship per attribute, a steward's overrides, the household that follows.

Names, date of birth and sex come from the most trusted source (ties: the most recent record;
a whole date of birth beats a year alone);
address, postcode, UPRN, email and phone from the most recent record; a data steward's
override beats both. Each value keeps the source it came from.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from burgh.core.changes import record_change
from burgh.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from burgh.identity.permissions import has_permission
from burgh.people.models import (
    GOLDEN_FIELDS,
    AttributeOverride,
    Household,
    HouseholdMember,
    Person,
    SourceRecord,
)
from burgh.people.services.sources import (
    MAX_LENGTHS,
    UPRN,
    Actor,
    cleaned,
    parse_date_of_birth,
    records_of,
)
from burgh.places.services import known_uprns

MOST_TRUSTED = ("given_name", "family_name", "date_of_birth", "sex")
MOST_RECENT = ("address", "postcode", "uprn", "email", "phone")
MANAGE_SOURCE_RECORDS = "people.manage_source_records"
# Which field of the access policy shows each golden field: postcode and UPRN are the address.
POLICY_FIELD = {
    "given_name": "given_name",
    "family_name": "family_name",
    "date_of_birth": "date_of_birth",
    "sex": "date_of_birth",
    "address": "address",
    "postcode": "address",
    "uprn": "address",
    "email": "email",
    "phone": "phone",
}


@dataclass(frozen=True)
class GoldenValue:
    """One golden field: its value (None when no source gives one), where it came from, why."""

    field: str
    value: str | None
    # "<system>:<source_id>", "override", or "" when no source gives a value.
    source: str
    # "most_trusted", "most_recent", "override", or "".
    rule: str


def require(actor: Actor, permission: str, what: str) -> None:
    """Staff need `permission`; None is the system itself (a command, a feed)."""
    if actor is not None and not has_permission(actor, permission):
        raise PermissionDeniedError(f"None of your roles lets you {what}.")


def require_current(person: Person) -> None:
    if person.merged_into_id is not None:
        raise ConflictError(
            f"Person {person.pk} was merged into {person.merged_into_id}: use that record.",
            extra={"merged_into": str(person.merged_into_id)},
        )


def survivorship(
    records: Sequence[SourceRecord], overrides: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """The golden value of every field a source or an override gives, with its source and rule."""
    golden: dict[str, dict[str, str]] = {}
    values = [(record, cleaned(record.attributes)) for record in records]
    for name in GOLDEN_FIELDS:
        if name in overrides:
            golden[name] = {"value": overrides[name], "source": "override", "rule": "override"}
            continue
        offered = [(record, attrs[name]) for record, attrs in values if attrs.get(name)]
        if not offered:
            continue
        if name in MOST_TRUSTED:
            # A whole date of birth beats a year alone, whoever gave the year.
            record, value = max(
                offered,
                key=lambda item: (
                    name != "date_of_birth" or len(item[1]) == 10,
                    item[0].system.trust,
                    item[0].received_at,
                    item[0].reference,
                ),
            )
            rule = "most_trusted"
        else:
            record, value = max(offered, key=lambda item: (item[0].received_at, item[0].reference))
            rule = "most_recent"
        golden[name] = {"value": value, "source": record.reference, "rule": rule}
    return golden


def live_overrides(person: Person) -> dict[str, str]:
    # The golden record says whether any override is live: most people have none, and then
    # survivorship costs no query for them.
    if not any(entry.get("rule") == "override" for entry in (person.golden or {}).values()):
        return {}
    return dict(
        AttributeOverride.objects.filter(person=person, cleared_at__isnull=True).values_list(
            "field", "value"
        )
    )


def apply_golden(
    person: Person,
    records: Sequence[SourceRecord],
    overrides: Mapping[str, str] | None = None,
) -> list[str]:
    """Rebuild the person's golden record from `records`; returns the fields whose value changed.

    A person with no source records at all (registered before the index) keeps the values it
    has; with records, a field no record gives is blank. Saves nothing: the caller saves.
    """
    overrides = live_overrides(person) if overrides is None else overrides
    golden = survivorship(records, overrides)
    changed: list[str] = []
    for name in GOLDEN_FIELDS:
        if name in golden:
            text = golden[name]["value"]
        elif records:
            text = ""
        else:
            continue
        new: Any = parse_date_of_birth(text) if name == "date_of_birth" else text
        if getattr(person, name) != new:
            setattr(person, name, new)
            changed.append(name)
        elif (person.golden or {}).get(name) != golden.get(name):
            changed.append(name)
    if not records:
        kept = {
            name: entry
            for name, entry in (person.golden or {}).items()
            if entry.get("rule") != "override"
        }
        golden = {**kept, **golden}
    person.golden = golden
    return changed


def refresh_person(
    person: Person, *, records: Sequence[SourceRecord] | None = None
) -> tuple[list[str], str | None]:
    """Recompute and save the golden record; move the household if the UPRN changed.

    Returns the changed fields and the UPRN of the household joined, if any.
    """
    old_uprn = person.uprn
    rows = records_of([person.pk]) if records is None else records
    changed = apply_golden(person, rows)
    joined = None
    if changed:
        person.version += 1
        person.save()
        if "uprn" in changed and person.uprn and person.uprn != old_uprn:
            joined = follow_uprn(person, person.uprn)
    return changed, joined


def follow_uprn(person: Person, uprn: str) -> str | None:
    """Put the person in a household at `uprn` when the gazetteer knows it; move them out of
    their other current homes. Returns the UPRN joined, or None when nothing changed."""
    today = timezone.localdate()
    current = list(
        HouseholdMember.objects.filter(person=person, moved_out_on__isnull=True).select_related(
            "household"
        )
    )
    if any(member.household.uprn == uprn for member in current):
        return None
    if uprn not in known_uprns([uprn]):
        return None
    for member in current:
        member.moved_out_on = today
        member.version += 1
        member.save(update_fields=["moved_out_on", "version", "updated_at"])
    household = Household.objects.filter(uprn=uprn).order_by("created_at", "id").first()
    if household is None:
        household = Household.objects.create(uprn=uprn)
    member, created = HouseholdMember.objects.get_or_create(
        household=household, person=person, defaults={"moved_in_on": today}
    )
    if not created:
        member.moved_in_on, member.moved_out_on = today, None
        member.version += 1
        member.save(update_fields=["moved_in_on", "moved_out_on", "version", "updated_at"])
    return uprn


def announce_update(
    person: Person,
    changed: Iterable[str],
    *,
    actor: Actor,
    because: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """person.updated: which fields changed and why; never their values."""
    detail = {"fields": sorted(changed), "because": because, **(extra or {})}
    record_change(person, "updated", detail, actor=actor)


def golden_view(person: Person) -> list[GoldenValue]:
    """Every golden field in page order, each with its value, source and rule."""
    golden = person.golden or {}
    view = []
    for name in GOLDEN_FIELDS:
        entry = golden.get(name)
        if entry:
            view.append(GoldenValue(name, entry["value"], entry["source"], entry["rule"]))
        else:
            view.append(GoldenValue(name, None, "", ""))
    return view


def _checked_override(name: str, value: str, reason: str) -> str:
    errors = []
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if name not in GOLDEN_FIELDS:
        errors.append(
            {"pointer": "#/field", "detail": f"Choose one of {', '.join(GOLDEN_FIELDS)}."}
        )
    elif not text:
        errors.append({"pointer": "#/value", "detail": "Enter the value to use."})
    elif len(text) > MAX_LENGTHS[name]:
        errors.append(
            {
                "pointer": "#/value",
                "detail": f"The value must be {MAX_LENGTHS[name]} characters or fewer.",
            }
        )
    elif name == "date_of_birth" and parse_date_of_birth(text) is None:
        errors.append({"pointer": "#/value", "detail": "Enter a date as yyyy-mm-dd."})
    elif name == "date_of_birth" and date.fromisoformat(text) > timezone.localdate():
        errors.append({"pointer": "#/value", "detail": "A date of birth cannot be in the future."})
    elif name == "uprn" and not UPRN.fullmatch(text):
        errors.append({"pointer": "#/value", "detail": "A UPRN is 1 to 12 digits."})
    if not reason.strip():
        errors.append({"pointer": "#/reason", "detail": "Say why the sources are overridden."})
    if errors:
        raise InvalidInputError("The override is not right.", errors=errors)
    return text


def set_override(
    person: Person, field: str, value: str, *, actor: Actor, reason: str
) -> AttributeOverride:
    """A steward's value for one field: it wins over every source until cleared."""
    require(actor, MANAGE_SOURCE_RECORDS, "override a person's details")
    text = _checked_override(field, value, reason)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        require_current(locked)
        now = timezone.now()
        AttributeOverride.objects.filter(
            person=locked, field=field, cleared_at__isnull=True
        ).update(cleared_at=now, cleared_by=actor, updated_at=now)
        override = AttributeOverride.objects.create(
            person=locked, field=field, value=text, set_by=actor, reason=reason.strip()
        )
        overrides = dict(
            AttributeOverride.objects.filter(person=locked, cleared_at__isnull=True).values_list(
                "field", "value"
            )
        )
        changed = _save_golden(locked, overrides)
        announce_update(
            locked, changed or [field], actor=actor, because="override_set", extra={"field": field}
        )
    person.refresh_from_db()
    return override


def clear_override(person: Person, field: str, *, actor: Actor, reason: str = "") -> None:
    """Stop overriding `field`: the sources decide it again."""
    require(actor, MANAGE_SOURCE_RECORDS, "override a person's details")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        require_current(locked)
        now = timezone.now()
        cleared = AttributeOverride.objects.filter(
            person=locked, field=field, cleared_at__isnull=True
        ).update(cleared_at=now, cleared_by=actor, updated_at=now)
        if not cleared:
            raise ConflictError(f"The person's {field.replace('_', ' ')} is not overridden.")
        overrides = dict(
            AttributeOverride.objects.filter(person=locked, cleared_at__isnull=True).values_list(
                "field", "value"
            )
        )
        changed = _save_golden(locked, overrides)
        announce_update(
            locked,
            changed or [field],
            actor=actor,
            because="override_cleared",
            extra={"field": field, "reason": reason.strip()},
        )
    person.refresh_from_db()


def _save_golden(person: Person, overrides: Mapping[str, str]) -> list[str]:
    old_uprn = person.uprn
    changed = apply_golden(person, records_of([person.pk]), overrides)
    person.version += 1
    person.save()
    if "uprn" in changed and person.uprn and person.uprn != old_uprn:
        follow_uprn(person, person.uprn)
    return changed
