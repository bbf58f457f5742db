"""The authorization matrix: a world of every combination, and an oracle of what to expect.

Every user is one (role, organisation) pair; each user owns one record for every combination of
relationship x consent x restriction x break-glass. For a user, another user's record has no
relationship with them. The oracle below restates the access rules from the issue, written
independently of `identity.policy`, so the matrix checks the policy instead of copying it.

A new record kind joins the matrix by adding a `MatrixKind` to `KINDS` (see
docs/access-control-developers.md); `test_every_kind_is_in_the_matrix` fails until it does.
"""

import itertools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone

from burgh.cases.models import Case, CaseType, Channel, Priority
from burgh.identity.models import (
    BreakGlassGrant,
    ConsentRecord,
    DataSharingAgreement,
    LawfulBasis,
    Membership,
    Organisation,
    Purpose,
    RecordRestriction,
    Role,
    RoleAssignment,
    Team,
    User,
)
from burgh.identity.templatetags.burgh_access import uk_time
from burgh.people.models import Involvement, Person

# What each role may do with a kind; each kind names its permission for each (`permissions`).
ROLES = {
    "none": (),
    "directory": ("directory",),
    "worker": ("view", "break_glass", "export"),
    "all": ("view_all", "export"),
}
# council; partner under a consent-based agreement; under a public-task agreement; with none.
ORGANISATIONS = ("council", "partner_consent", "partner_public_task", "partner_none")
RELATIONSHIPS = ("none", "team", "allocated", "manager")
CONSENTS = ("given", "withdrawn", "not_recorded")
RESTRICTIONS = ("none", "others", "named")
BREAK_GLASS = ("none", "active", "expired")

PARTNER_PURPOSE = Purpose.HEALTH_AND_SOCIAL_CARE
COUNCIL_PURPOSE = Purpose.SERVICE_DELIVERY


@dataclass(frozen=True)
class Scenario:
    relationship: str
    consent: str
    restriction: str
    break_glass: str


@dataclass(frozen=True)
class ListPage:
    """A page listing records (following its "Next" links), and the relationships of the
    user's own records it lists: each of those it must show exactly when the user may see it."""

    path: str
    params: Mapping[str, str]
    relationships: frozenset[str]


@dataclass(frozen=True)
class MatrixKind:
    """What the matrix needs to know about a record kind to build and read its records."""

    name: str
    # The kind's permission for each capability in ROLES: view, view_all, directory, export,
    # break_glass.
    permissions: Mapping[str, str]
    all_fields: frozenset[str]
    directory_fields: frozenset[str]
    # Agreement fields shared with partners (a strict subset, so withholding shows).
    shared_fields: frozenset[str]
    # create(label, team) → a record about one resident, held by a council team until
    # relate(record, team, worker) gives it its relationship.
    create: Callable[[str, Team], Any]
    relate: Callable[[Any, Team, User | None], None]
    person_id: Callable[[Any], Any]
    # The text each field puts in a page, unique to the record: found in a page, it was sent.
    texts: Callable[[Any], Mapping[str, str]]
    # The pages listing a user's own records.
    page_lists: Callable[["World", tuple[str, str]], list[ListPage]]
    api_scope: str
    api_list: str
    api_count: str
    api_export: str
    api_detail: Callable[[Any], str]
    page_export: str
    page_detail: Callable[[Any], str]
    # The field each key of an API answer or column of an export belongs to, where it is not
    # the field's own name; `always` are sent whatever the fields.
    keys: Mapping[str, str] = field(default_factory=dict)
    always: frozenset[str] = frozenset(("id",))
    # Parameters narrowing a list to records whose labels start with a prefix, if it can be.
    narrow: Callable[[str], dict[str, str]] | None = None

    def fields_of(self, keys: Collection[str]) -> frozenset[str]:
        """The fields an answer's keys (or an export row's filled columns) show."""
        return frozenset(self.keys.get(key, key) for key in keys if key not in self.always)


def role_permissions(kind: MatrixKind, role: str) -> list[str]:
    return [kind.permissions[capability] for capability in ROLES[role]]


def _create_person(label: str, _team: Team) -> Person:
    # Every value is unique, so finding one in a page or response means it was sent.
    return Person.objects.create(
        given_name=f"Given{label}",
        family_name=f"Family{label}",
        email=f"e{label}@matrix.example",
        phone=f"07700 {label}",
    )


def _relate_person(person: Person, team: Team, worker: User | None) -> None:
    Involvement.objects.create(
        person=person,
        team=team,
        worker=worker,
        reason="Matrix",
        started_on=timezone.localdate() - timedelta(days=10),
    )


PERSON_FIELDS = frozenset(
    ("given_name", "family_name", "date_of_birth", "address", "email", "phone", "involvements")
)


def _person_texts(person: Person) -> dict[str, str]:
    values = {name: getattr(person, name, None) for name in PERSON_FIELDS}
    return {name: value for name, value in values.items() if isinstance(value, str) and value}


def _search_lists(world: "World", key: tuple[str, str]) -> list[ListPage]:
    return [ListPage("/people/", {"q": world.prefixes[key]}, frozenset(RELATIONSHIPS))]


# Cases are received a minute apart from here (label 07x012: 7,012 minutes on), so that each
# shows a time no other case does; each is due a month after it was received.
CASES_FROM = datetime(2026, 1, 11, 9, 1, tzinfo=UTC)
CASE_FIELDS = frozenset(
    (
        *("reference", "case_type", "status", "priority", "team", "owner", "received_at"),
        *("sla", "title", "description", "data", "subject", "location", "reporter", "work"),
    )
)
# The API's keys and the export's columns, by the case field that opens them.
CASE_KEYS = {
    key: name
    for name, keys in {
        "status": ("status", "status_label", "stage", "outcome", "closed_at"),
        "sla": ("sla_state", "sla_due_at", "sla_at_risk_at"),
        "subject": ("subject_person_id",),
        "location": ("uprn", "address", "latitude", "longitude"),
        "work": (
            *("channel", "external_ref", "outcome_note", "parent_id", "merged_into_id"),
            *("parties", "links", "tasks", "decisions"),
        ),
    }.items()
    for key in keys
}


def _create_case(label: str, team: Team) -> Case:
    """A case about a resident made for it, of a type of its own, every value its own."""
    person = Person.objects.create(given_name=f"Given{label}", family_name=f"Subject{label}")
    case_type = CaseType.objects.create(
        code=f"matrix-{label}",
        name=f"Type{label}",
        service="Matrix",
        fields=[{"name": "answer", "label": "Answer", "type": "text"}],
        statuses=[{"code": "open", "label": f"Status{label}", "stage": "open"}],
        initial_status="open",
        default_team=team,
    )
    received = CASES_FROM + timedelta(minutes=int(label.replace("x", "")))
    return Case.objects.create(
        reference=f"MX{label}",
        case_type=case_type,
        status="open",
        priority=Priority.HIGH,
        title=f"Title{label}",
        description=f"Description{label}",
        data={"answer": f"Data{label}"},
        channel=Channel.STAFF,
        team=team,
        subject_person_id=person.pk,
        address_text=f"Address{label}",
        reporter={"name": f"Reporter{label}"},
        external_ref=f"Ext{label}",
        received_at=received,
        sla_due_at=received + timedelta(days=30),
        sla_warn_at=received + timedelta(days=29),
    )


def _relate_case(case: Case, team: Team, worker: User | None) -> None:
    case.team, case.owner = team, worker
    case.save(update_fields=["team", "owner"])


def _case_texts(case: Case) -> dict[str, str]:
    # Team, worker and priority read the same on many cases: only the API shows them withheld.
    return {
        "reference": case.reference,
        "case_type": case.case_type.name,
        "status": case.case_type.status_label(case.status),
        "received_at": uk_time(case.received_at),
        "sla": uk_time(case.sla_due_at),
        "title": case.title,
        "description": case.description,
        "data": case.data["answer"],
        "subject": str(case.subject_person_id),
        "location": case.address_text,
        "reporter": case.reporter["name"],
    }


def _queue_lists(world: "World", key: tuple[str, str]) -> list[ListPage]:
    """My cases (the allocated ones), the user's team's queue and the queue of the team they
    manage: between them, every own record with a relationship."""
    teams = world.teams[key]
    return [
        ListPage("/cases/", {}, frozenset(("allocated",))),
        ListPage(f"/cases/teams/{teams['team'].pk}/", {}, frozenset(("team",))),
        ListPage(f"/cases/teams/{teams['manager'].pk}/", {}, frozenset(("manager",))),
    ]


KINDS = {
    "cases.case": MatrixKind(
        name="cases.case",
        permissions={
            "view": "cases.view_case",
            "view_all": "cases.view_all_cases",
            "directory": "cases.view_request",
            "export": "cases.export_cases",
            "break_glass": "cases.break_glass",
        },
        all_fields=CASE_FIELDS,
        directory_fields=frozenset(
            ("reference", "case_type", "status", "team", "received_at", "sla")
        ),
        # What a health partner follows: no type, team, worker, dates or the work on it.
        shared_fields=frozenset(("reference", "status", "title", "subject")),
        create=_create_case,
        relate=_relate_case,
        person_id=lambda case: case.subject_person_id,
        texts=_case_texts,
        page_lists=_queue_lists,
        api_scope="cases:read",
        api_list="/api/v1/cases?scope=all",
        api_count="/api/v1/cases/count?scope=all",
        api_export="/api/v1/cases/export?scope=all",
        api_detail=lambda case: f"/api/v1/cases/{case.pk}",
        page_export="/cases/export?scope=all",
        page_detail=lambda case: f"/cases/{case.pk}/",
        keys=CASE_KEYS,
        always=frozenset(("id", "version")),
    ),
    "people.person": MatrixKind(
        name="people.person",
        permissions={
            "view": "people.view_person",
            "view_all": "people.view_all_people",
            "directory": "people.search",
            "export": "people.export_people",
            "break_glass": "people.break_glass",
        },
        all_fields=PERSON_FIELDS,
        directory_fields=frozenset(("given_name", "family_name", "date_of_birth", "address")),
        shared_fields=frozenset(("given_name", "family_name", "phone")),
        create=_create_person,
        relate=_relate_person,
        person_id=lambda person: person.pk,
        texts=_person_texts,
        page_lists=_search_lists,
        api_scope="people:read",
        api_list="/api/v1/people",
        api_count="/api/v1/people/count",
        api_export="/api/v1/people/export",
        api_detail=lambda person: f"/api/v1/people/{person.pk}",
        page_export="/people/export",
        page_detail=lambda person: f"/people/{person.pk}/",
        narrow=lambda prefix: {"q": prefix},
    ),
}


@dataclass
class World:
    kind: MatrixKind
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    # (owner role, owner organisation, scenario) → record
    records: dict[tuple[str, str, Scenario], Any] = field(default_factory=dict)
    agreements: dict[str, DataSharingAgreement] = field(default_factory=dict)
    # The label prefix of each user's own records ("Family3x…"), for narrowing a search.
    prefixes: dict[tuple[str, str], str] = field(default_factory=dict)
    # Each user's team and the team they manage, by the relationship it gives their records.
    teams: dict[tuple[str, str], dict[str, Team]] = field(default_factory=dict)

    def owner_of(self, record: Any) -> tuple[str, str]:
        return self.owners[record.pk]

    @property
    def owners(self) -> dict[Any, tuple[str, str]]:
        return {record.pk: (role, org) for (role, org, _), record in self.records.items()}

    def pairs_for(self, key: tuple[str, str]) -> list[tuple[tuple[str, str], User, Any, Scenario]]:
        """Every record paired with one user, with the scenario as it applies to that user."""
        user = self.users[key]
        return [
            (key, user, record, applies_to(scenario, (role, org) == key))
            for (role, org, scenario), record in self.records.items()
        ]


def applies_to(scenario: Scenario, own: bool) -> Scenario:
    """Another user's record has no relationship, break-glass or naming for this user."""
    if own:
        return scenario
    return Scenario(
        relationship="none",
        consent=scenario.consent,
        restriction="none" if scenario.restriction == "none" else "others",
        break_glass="none",
    )


def scenarios() -> list[Scenario]:
    return [
        Scenario(*combo)
        for combo in itertools.product(RELATIONSHIPS, CONSENTS, RESTRICTIONS, BREAK_GLASS)
    ]


def build_world(kind: MatrixKind) -> World:
    """Create the organisations, users, teams, agreements and every scenario's record."""
    world = World(kind)
    today = timezone.localdate()
    council = Organisation.objects.create(
        name="Matrix Council", slug="matrix-council", kind="council"
    )
    orgs = {"council": council}
    for name in ORGANISATIONS[1:]:
        orgs[name] = Organisation.objects.create(
            name=name, slug=name.replace("_", "-"), kind="health"
        )
    officer = User.objects.create(
        email="officer@matrix.example", full_name="Officer", organisation=council
    )
    shared = {kind.name: sorted(kind.shared_fields)}
    for org_name, basis in (
        ("partner_consent", LawfulBasis.CONSENT),
        ("partner_public_task", LawfulBasis.PUBLIC_TASK),
    ):
        agreement = DataSharingAgreement.objects.create(
            reference=f"DSA-{org_name}",
            title=org_name,
            purpose=PARTNER_PURPOSE,
            lawful_basis=basis,
            shared_fields=shared,
            starts_on=today - timedelta(days=30),
            review_on=today + timedelta(days=300),
            responsible_officer=officer,
        )
        agreement.partners.set([orgs[org_name]])
        world.agreements[org_name] = agreement
    unrelated_team = Team.objects.create(organisation=council, name="Unrelated", slug="unrelated")
    for index, (role_name, org_name) in enumerate(itertools.product(ROLES, ORGANISATIONS)):
        org = orgs[org_name]
        user = User.objects.create(
            email=f"{role_name}.{org_name}@matrix.example".replace("_", "-"),
            full_name=f"{role_name} {org_name}",
            organisation=org,
        )
        role = Role.objects.create(
            name=f"Matrix {index}",
            slug=f"matrix-{index}",
            permissions=role_permissions(kind, role_name),
        )
        RoleAssignment.objects.create(user=user, role=role)
        world.users[(role_name, org_name)] = user
        world.prefixes[(role_name, org_name)] = f"Family{index:02d}x"
        own_team = Team.objects.create(organisation=org, name=f"Team {index}", slug=f"team-{index}")
        service = Team.objects.create(
            organisation=org, name=f"Service {index}", slug=f"service-{index}", kind="service"
        )
        managed = Team.objects.create(
            organisation=org, name=f"Managed {index}", slug=f"managed-{index}", parent=service
        )
        Membership.objects.create(user=user, team=own_team)
        Membership.objects.create(user=user, team=service, position=Membership.Position.MANAGER)
        world.teams[(role_name, org_name)] = {"team": own_team, "manager": managed}
        for number, scenario in enumerate(scenarios()):
            record = kind.create(f"{index:02d}x{number:03d}", unrelated_team)
            world.records[(role_name, org_name, scenario)] = record
            team, worker = {
                "none": (unrelated_team, None),
                "team": (own_team, None),
                "allocated": (unrelated_team, user),
                "manager": (managed, None),
            }[scenario.relationship]
            kind.relate(record, team, worker)
            _set_consent(world, kind, record, scenario.consent, officer)
            _set_restriction(kind, record, scenario.restriction, user, officer, today)
            _set_break_glass(kind, record, scenario.break_glass, user)
    return world


def _set_consent(world: World, kind: MatrixKind, record: Any, consent: str, officer: User) -> None:
    if consent == "not_recorded":
        return
    ConsentRecord.objects.create(
        person_id=kind.person_id(record),
        agreement=world.agreements["partner_consent"],
        basis=LawfulBasis.CONSENT,
        purpose=PARTNER_PURPOSE,
        given_by="the resident",
        recorded_by=officer,
        ended_at=timezone.now() - timedelta(days=1) if consent == "withdrawn" else None,
    )


def _set_restriction(
    kind: MatrixKind, record: Any, restriction: str, owner: User, officer: User, today: date
) -> None:
    if restriction == "none":
        return
    live = RecordRestriction.objects.create(
        kind=kind.name,
        record_id=record.pk,
        category=RecordRestriction.Category.HIGH_PROFILE,
        reason="Matrix",
        restricted_by=officer,
        review_on=today + timedelta(days=180),
    )
    live.named_users.set([officer, owner] if restriction == "named" else [officer])


def _set_break_glass(kind: MatrixKind, record: Any, state: str, owner: User) -> None:
    if state == "none":
        return
    now = timezone.now()
    # Written directly, even for users the service would refuse, so the matrix also proves a
    # grant that should not exist opens nothing.
    BreakGlassGrant.objects.create(
        user=owner,
        kind=kind.name,
        record_id=record.pk,
        record_label="Matrix",
        purpose=Purpose.SAFEGUARDING,
        reason="Matrix emergency access",
        starts_at=now - timedelta(hours=3),
        expires_at=now + timedelta(hours=1) if state == "active" else now - timedelta(hours=1),
    )


@dataclass(frozen=True)
class Expected:
    """What a user may do with one record: the fields per action, and the refusal if none."""

    view: frozenset[str]
    export: frozenset[str]
    # The record's existence may be disclosed (403 rather than 404) when refused.
    disclosed: bool
    refusal: str


def expect(kind: MatrixKind, role: str, org: str, scenario: Scenario) -> Expected:
    """The oracle: the issue's rules, stated plainly (`perms` are what the role may do)."""
    perms = set(ROLES[role])
    hidden = scenario.restriction == "others"
    named = scenario.restriction == "named"
    relationship = scenario.relationship != "none"
    view: set[str] = set()
    export: set[str] = set()
    exports = "export" in perms
    if hidden:
        return Expected(frozenset(), frozenset(), False, "restricted")
    if org == "council":
        if "view_all" in perms:
            view |= kind.all_fields
            export |= kind.all_fields if exports else set()
        if "view" in perms and (relationship or named):
            view |= kind.all_fields
            export |= kind.all_fields if exports else set()
        if "directory" in perms:
            view |= kind.directory_fields
        if "break_glass" in perms and scenario.break_glass == "active":
            view |= kind.all_fields
        if view:
            return Expected(frozenset(view), frozenset(export), True, "")
        if not perms:
            return Expected(frozenset(), frozenset(), False, "no_permission")
        can_break_glass = "break_glass" in perms
        return Expected(frozenset(), frozenset(), can_break_glass, "no_relationship")
    if "view" not in perms:
        return Expected(frozenset(), frozenset(), False, "no_permission")
    if org == "partner_none":
        return Expected(frozenset(), frozenset(), False, "no_agreement")
    consented = org == "partner_public_task" or scenario.consent == "given"
    if relationship and consented:
        return Expected(
            kind.shared_fields, kind.shared_fields if exports else frozenset(), True, ""
        )
    return Expected(
        frozenset(), frozenset(), False, "no_consent" if relationship else "no_relationship"
    )


def purpose_for(org: str) -> Purpose:
    return COUNCIL_PURPOSE if org == "council" else PARTNER_PURPOSE
