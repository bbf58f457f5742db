"""Builders for the governance page tests: officers, partners, residents, agreements."""

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from burgh.identity.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    Purpose,
    Team,
    User,
)
from burgh.people.models import Involvement, Person
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)

GOVERNANCE = [
    "governance.manage_sharing_agreements",
    "governance.manage_restrictions",
    "governance.review_break_glass",
    "governance.view_access_log",
]
PERSON = "people.person"


def staff(organisation: Organisation, permissions: list[str], **fields: Any) -> User:
    """A user of `organisation` holding one role with exactly these permissions."""
    user = UserFactory(organisation=organisation, **fields)
    slug = "role-" + "-".join(sorted(p.replace(".", "-") for p in permissions)) or "role-none"
    RoleAssignmentFactory(
        user=user, role=RoleFactory(slug=slug[:80], name=slug[:120], permissions=permissions)
    )
    return user


def officer(council: Organisation, **fields: Any) -> User:
    """An information-governance officer: every governance permission."""
    fields.setdefault("full_name", "Morag Campbell")
    fields.setdefault("email", "morag.campbell@kinloch.example")
    return staff(council, GOVERNANCE, **fields)


def partner(name: str = "NHS Kinloch") -> Organisation:
    return OrganisationFactory(
        name=name, slug=re.sub(r"[^a-z0-9]+", "-", name.lower()), kind=Organisation.Kind.HEALTH
    )


def resident(given_name: str = "Eilidh", family_name: str = "Fraser", **fields: Any) -> Person:
    return Person.objects.create(given_name=given_name, family_name=family_name, **fields)


def team_working_with(person: Person, organisation: Organisation, **fields: Any) -> Team:
    team = TeamFactory(organisation=organisation, **fields)
    Involvement.objects.create(
        person=person,
        team=team,
        reason="Support at home",
        started_on=timezone.localdate() - timedelta(days=30),
    )
    return team


def member(user: User, team: Team) -> User:
    MembershipFactory(user=user, team=team)
    return user


def agreement(
    responsible: User, partners: list[Organisation], **fields: Any
) -> DataSharingAgreement:
    """An agreement in force since last month (made directly: tests of other pages need one)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "reference": "DSA-2026-001",
        "title": "Hospital discharge support",
        "purpose": Purpose.HEALTH_AND_SOCIAL_CARE,
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "shared_fields": {PERSON: ["given_name", "family_name", "date_of_birth"]},
        "starts_on": today - timedelta(days=30),
        "review_on": today + timedelta(days=300),
        "responsible_officer": responsible,
    }
    values.update(fields)
    found = DataSharingAgreement.objects.create(**values)
    found.partners.set(partners)
    return found


def date_fields(name: str, day: date | None) -> dict[str, str]:
    """A GOV.UK date input's three boxes as a form posts them."""
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def page_text(response: Any) -> str:
    """The page's visible words, tags stripped and spaces collapsed, for plain assertions."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = (
        text.replace("&#x27;", "'")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
        .replace("\N{LEFT SINGLE QUOTATION MARK}", "'")
    )
    return re.sub(r"\s+", " ", text)
