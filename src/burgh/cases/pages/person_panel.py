"""People on the case pages: the person page's panels (warnings, and the person's cases), the
warnings shown wherever a person appears, and finding a caller in the person index.

The panels are registered with the person index (`burgh.people.pages.register_person_panel`)
when the app starts, so the person index needs to know nothing of cases.
"""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from burgh.cases import services
from burgh.cases.access import LOG_REQUEST
from burgh.identity import policy
from burgh.identity.models import Purpose
from burgh.people.access import PERSON, PERSON_FIELDS
from burgh.people.models import Person
from burgh.people.pages import PersonPanel, register_person_panel
from burgh.people.services import person_record, rank_people, search_people
from burgh.people.services.records import load_related, person_fields

CALLERS_SHOWN = 10

# The GOV.UK tag for each SLA state (cases.services.SLA_STATES); no tag when there is no SLA.
SLA_TAGS = {
    "on_track": ("On track", "govuk-tag--green"),
    "at_risk": ("At risk", "govuk-tag--yellow"),
    "breached": ("Overdue", "govuk-tag--red"),
    "paused": ("Paused", "govuk-tag--grey"),
    "met": ("Met", "govuk-tag--blue"),
    "missed": ("Missed", "govuk-tag--orange"),
}


def register() -> None:
    register_person_panel("cases.warnings", warnings_panel)
    register_person_panel("cases.cases", cases_panel)


def sees_full_record(viewer: policy.Viewer, person_id: UUID, purpose: Purpose) -> bool:
    """Whether the viewer may see all of the person's record, not just a directory entry or
    what an agreement shares: only they read what a warning says (its kind is for everyone)."""
    decision = policy.why(viewer, PERSON, person_id, purpose=purpose)
    return decision.allowed and set(PERSON_FIELDS) <= decision.fields


def flag_rows(
    viewer: policy.Viewer, person_id: UUID, person_ids: Sequence[UUID], purpose: Purpose
) -> list[dict[str, str]]:
    """The warnings in force on a person (and the ids merged into them), as pages show them."""
    flags = services.live_flags(person_ids)
    if not flags:
        return []
    full = sees_full_record(viewer, person_id, purpose)
    return [{"label": flag.get_kind_display(), "note": flag.note if full else ""} for flag in flags]


def warnings_panel(
    request: HttpRequest,
    viewer: policy.Viewer,
    person_id: UUID,
    merged: Sequence[UUID],
    purpose: Purpose,
) -> PersonPanel | None:
    warnings = flag_rows(viewer, person_id, [person_id, *merged], purpose)
    if not warnings:
        return None
    return PersonPanel("cases/includes/person_flags.html", {"warnings": warnings}, 10, True)


def uk_date(moment: datetime | date) -> str:
    """3 December 2026, in Europe/London."""
    day = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%B %Y}"


def case_url(case_id: Any) -> str:
    """The case page (drawn by another part of these pages), once it is there."""
    try:
        return reverse("cases:case", kwargs={"case_id": case_id})
    except NoReverseMatch:  # the case page is not there yet
        return ""


def cases_panel(
    request: HttpRequest,
    viewer: policy.Viewer,
    person_id: UUID,
    merged: Sequence[UUID],
    purpose: Purpose,
) -> PersonPanel | None:
    may_log = viewer.has(LOG_REQUEST)
    visible, cases = services.cases_of_person(viewer.user, [person_id, *merged], purpose=purpose)
    may_list = bool(visible.grants.for_action(policy.Action.LIST))
    if not may_list and not may_log:
        return None
    rows = []
    for case in cases:
        tag = SLA_TAGS.get(getattr(case, "sla_state", "none"))
        rows.append(
            {
                "reference": case.reference,
                "url": case_url(case.pk),
                "case_type": case.case_type.name,
                "status": case.case_type.status_label(case.status),
                "team": case.team.name,
                "received": uk_date(case.received_at),
                "sla": {"text": tag[0], "class": tag[1]} if tag else None,
            }
        )
    context = {
        "may_list": may_list,
        "cases": rows,
        "count": len(rows),
        "log_url": reverse("cases:new-for-person", kwargs={"person_id": person_id})
        if may_log
        else "",
    }
    return PersonPanel("cases/includes/person_cases.html", context, 20)


# Finding the caller


def _name(values: dict[str, Any]) -> str:
    parts = [values.get("given_name"), values.get("family_name")]
    return " ".join(part for part in parts if part) or "Name not shared with you"


def _details(values: dict[str, Any]) -> str:
    found = []
    if values.get("date_of_birth"):
        found.append(f"Born {uk_date(values['date_of_birth'])}")
    if values.get("address"):
        found.append(str(values["address"]))
    return "; ".join(found)


def caller_of(person: Person, fields: Collection[str]) -> dict[str, str]:
    """A person read through the policy, as the intake pages keep and show a caller."""
    values = person_record(person, fields)
    return {"id": str(person.pk), "name": _name(values), "details": _details(values)}


def find_callers(
    viewer: policy.Viewer, search: dict[str, str], *, purpose: Purpose
) -> list[dict[str, str]]:
    """Who fits a caller search ({"name", "born_on", "postcode"}): the best matches first,
    typos and all, then anyone else whose name starts with what was typed; logged as listed."""
    born_on = date.fromisoformat(search["born_on"]) if search.get("born_on") else None
    name = search.get("name", "")
    ranked = rank_people(
        viewer,
        name=name,
        date_of_birth=born_on,
        postcode=search.get("postcode", ""),
        limit=CALLERS_SHOWN,
        purpose=purpose,
    )
    people = [row.person for row in ranked]
    fields = {row.person.pk: row.fields for row in ranked}
    if name.strip() or born_on is not None:
        visible = search_people(viewer, text=name, born_on=born_on, purpose=purpose)
        for person in visible.queryset.exclude(pk__in=list(fields))[: CALLERS_SHOWN - len(people)]:
            people.append(person)
            fields[person.pk] = visible.fields(person)
    addresses = load_related(people, fields)
    policy.log_listed(viewer, PERSON, people, purpose=purpose)
    found = []
    for person in people:
        values = person_fields(person, fields[person.pk], addresses=addresses)
        found.append({"id": str(person.pk), "name": _name(values), "details": _details(values)})
    return found
