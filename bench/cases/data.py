"""The cases benchmark's council: teams, staff and nine case types through the services, then
people, properties and a million cases with their allocations, parties and chronologies
written in bulk SQL (INSERT ... SELECT generate_series) on PostgreSQL.

Nothing bulk goes through the services: intake audits and announces every case, which is right
for a council and far too slow for a million rows. The rows are the ones the services write:
each case's status is one of its type's statuses and its stage that status's stage; its SLA
columns are a clock started at `received_at` (calendar spans standing in for working days),
stopped where the case paused or closed; every case has its routing allocation, an allocated
one a second; a subject has a party row; the chronology opens with `created` and a closed case
ends with `closed`. The case number sequence is moved past the last reference filled.
"""

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

ORGANISATION = "kinloch"
WORKERS_PER_TEAM = 20
PROPERTIES_PER_STREET = 40
UPRN_BASE = 134_000_000_000
# Shares of the cases, over three years; the rest of a kind's shape is in `KINDS`.
CLOSED_SHARE = 0.8
PAUSED_SHARE = 0.12
ALLOCATED_SHARE = 0.6
# Cases whose page the benchmark reads, each given a chronology this long.
LONG_CHRONOLOGY = 500

# Roles as the case tests' council has them (tests/cases/setting.py).
SEARCH = ("people.search", "people.view_person", "places.search")
WORKER = ("cases.view_case", "cases.update_case", "cases.take_next", *SEARCH)
LEADER = (
    *("cases.view_case", "cases.update_case", "cases.allocate", "cases.authorise_decisions"),
    *("cases.export_cases", "cases.create_request", *SEARCH),
)
# The contact centre's integration account: what an Open311 or CRM feed logs cases as.
INTEGRATION = ("cases.create_request", "cases.view_request", "people.search", "places.search")


@dataclass(frozen=True)
class Kind:
    """A case type of the bench council, and how its cases are spread."""

    code: str
    name: str
    service: str
    team: str
    share: float
    sla: tuple[str, int, int]  # unit, target, warning
    open: tuple[str, ...]
    paused: tuple[str, ...]
    closed: tuple[str, ...]
    outcomes: tuple[str, ...]
    field: str
    answers: tuple[str, ...]  # choices of a radios field; empty: a required textarea
    location: bool = False
    subject: bool = False
    sensitive: bool = False
    allocation: str = "manual"
    radius: int = 0


KINDS = (
    Kind(
        "missed-bin", "Missed bin collection", "Waste Services", "waste-collection", 0.30,
        ("working_days", 2, 1), ("logged", "checking", "return-booked"), (),
        ("completed", "not-returning"), ("collected", "not-presented", "no-access"),
        "bin_type", ("general", "recycling", "food", "garden"), location=True,
    ),
    Kind(
        "pothole", "Pothole", "Roads and Transport", "roads-maintenance", 0.15,
        ("working_days", 5, 1), ("reported", "inspection", "repair-ordered"),
        ("awaiting-utility",), ("repaired", "no-action"), ("repaired", "below-intervention"),
        "depth", ("under-40mm", "over-40mm"), location=True, radius=25,
    ),
    Kind(
        "fly-tipping", "Fly-tipping", "Waste Services", "street-cleansing", 0.10,
        ("working_days", 5, 1), ("reported", "inspection", "clearance-booked"),
        ("awaiting-landowner",), ("cleared", "closed"), ("cleared", "private-land"),
        "size", ("bag", "car-boot", "van-load"), location=True, radius=50,
    ),
    Kind(
        "housing-repair", "Housing repair", "Housing", "housing-repairs", 0.15,
        ("working_hours", 24, 4), ("logged", "inspection", "works-ordered"),
        ("awaiting-access",), ("completed", "cancelled"), ("repaired", "no-fault-found"),
        "trade", ("joiner", "plumber", "electrician", "roofer"), location=True,
        allocation="round_robin",
    ),
    Kind(
        "council-tax-change-of-address", "Council tax change of address", "Revenues",
        "council-tax", 0.12, ("working_days", 10, 2), ("received", "processing"),
        ("awaiting-evidence",), ("completed", "withdrawn"), ("account-updated", "no-change"),
        "reason", ("moving-in", "moving-out", "moving-within"), subject=True,
    ),
    Kind(
        "complaint", "Complaint", "Customer Services", "customer-feedback", 0.08,
        ("working_days", 5, 1), ("stage-1", "stage-2"), ("awaiting-customer",),
        ("responded", "withdrawn"), ("upheld", "not-upheld", "partly-upheld"),
        "about", ("staff", "service", "policy"),
    ),
    Kind(
        "subject-access-request", "Subject access request", "Information Governance",
        "information-governance", 0.02, ("calendar_months", 1, 0),
        ("received", "searching", "redaction"), ("awaiting-id",), ("responded", "closed"),
        ("disclosed", "nothing-held"), "scope", (), subject=True, sensitive=True,
    ),
    Kind(
        "adult-social-care-referral", "Adult social care referral", "Adult Social Work",
        "adult-social-work", 0.04, ("working_days", 20, 5),
        ("received", "screening", "assessment"), ("awaiting-information",), ("closed",),
        ("support-plan", "no-eligible-needs"), "concern", (), subject=True, sensitive=True,
    ),
    Kind(
        "child-protection-referral", "Child protection referral", "Children's Social Work",
        "children-north", 0.04, ("calendar_hours", 24, 4),
        ("received", "screening", "investigation"), ("awaiting-information",), ("closed",),
        ("no-further-action", "child-protection-plan"), "concern", (), subject=True,
        sensitive=True,
    ),
)  # fmt: skip
# Ten teams: one per case type, and the contact centre, which logs cases but holds none.
TEAMS = {kind.team: kind.service for kind in KINDS} | {"contact-centre": "Customer Services"}
# The queue and take-next figures use the busiest team (a third of the council's cases).
BUSY_TEAM = "waste-collection"
# The case pages read belong to the roads team.
PAGE_TEAM = "roads-maintenance"
STREET_NAMES = (
    "High Street", "Main Street", "Station Road", "Church Street", "Mill Road", "Shore Road",
    "Castle Street", "Bridge Street", "Victoria Road", "Burnside", "Loch Road", "Kirk Wynd",
)  # fmt: skip


@dataclass
class BenchCouncil:
    """What the load needs to know about the filled council."""

    organisation: UUID
    teams: dict[str, UUID]
    leaders: dict[str, UUID]
    workers: dict[str, list[UUID]]
    integration: UUID
    people: int
    properties: int
    cases: int
    long_cases: list[UUID] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _label(code: str) -> str:
    return code.replace("-", " ").capitalize()


def definition(kind: Kind, team_path: str) -> dict[str, Any]:
    """The case type as an administrator would write it (docs/case-types.md)."""
    if kind.answers:
        options = [{"value": answer, "label": _label(answer)} for answer in kind.answers]
        question = {"name": kind.field, "label": _label(kind.field), "type": "radios"}
        question |= {"required": True, "options": options}
    else:
        question = {"name": kind.field, "label": _label(kind.field), "type": "textarea"}
        question |= {"required": True}
    statuses = [
        {"code": code, "label": _label(code), "stage": stage}
        for stage, codes in (("open", kind.open), ("paused", kind.paused), ("closed", kind.closed))
        for code in codes
    ]
    moving = (*kind.open, *kind.paused)
    unit, target, warning = kind.sla
    routing = []
    if kind.code == "pothole":
        routing = [{"when": {"depth": "over-40mm"}, "team": team_path, "priority": "high"}]
    return {
        "code": kind.code,
        "name": kind.name,
        "service": kind.service,
        "public": not kind.sensitive,
        "sensitive": kind.sensitive,
        "needs_subject": kind.subject,
        "needs_location": kind.location,
        "duplicate_radius_m": kind.radius,
        "fields": [question],
        "statuses": statuses,
        "transitions": {code: [other for other in moving if other != code] for code in moving},
        "initial_status": kind.open[0],
        "outcomes": [{"code": code, "label": _label(code)} for code in kind.outcomes],
        "sla": {"unit": unit, "target": target, "warning": warning},
        "default_team": team_path,
        "routing": routing,
        "allocation": kind.allocation,
    }


def answers(kind: Kind) -> list[dict[str, Any]]:
    """The `data` a case of `kind` may carry."""
    if kind.answers:
        return [{kind.field: answer} for answer in kind.answers]
    return [
        {kind.field: text}
        for text in (
            "Neighbour reports the person has not been seen for several days.",
            "Referral from the GP practice after a home visit.",
            "School raised a concern about attendance and wellbeing.",
        )
    ]


def spans(kind: Kind) -> tuple[timedelta, timedelta]:
    """The SLA target and the at-risk point after receipt, as calendar time (near enough:
    a working day is 7/5 of a day, a working hour 7/5 of an eighth of one)."""
    unit, target, warning = kind.sla
    per = {
        "working_days": timedelta(days=1.4),
        "working_hours": timedelta(hours=1.4 * 3),
        "calendar_hours": timedelta(hours=1),
        "calendar_days": timedelta(days=1),
        "calendar_months": timedelta(days=30),
    }[unit]
    return per * target, per * (target - warning)


def fill(cases: int, people: int, properties: int, long_cases: int) -> BenchCouncil:
    """Fill the empty, migrated database; each step's time is kept in `seconds`."""
    started = time.perf_counter()
    council = _structure(properties=properties, people=people, cases=cases)
    council.seconds["staff and case types"] = time.perf_counter() - started
    _execute("SET maintenance_work_mem = '1GB'")
    _execute("SET work_mem = '256MB'")
    _execute("SELECT setseed(0.42)")
    # Foreign keys are not checked row by row while filling (every row takes its ids from
    # the table it points at): `check_references` checks them all at the end.
    _execute("SET session_replication_role = replica")
    now = timezone.now()
    for name, step in (
        ("properties", lambda: _properties(properties, now)),
        ("people", lambda: _people(people, properties, now)),
        ("cases", lambda: _cases(council, now)),
        ("allocations", _allocations),
        ("parties", _parties),
        ("chronology", lambda: _chronology(now)),
    ):
        began = time.perf_counter()
        with transaction.atomic():
            step()
        council.seconds[name] = time.perf_counter() - began
    began = time.perf_counter()
    council.long_cases = _long_chronologies(council, long_cases, now)
    # Intake numbers new cases from this sequence: past the last reference filled.
    _execute(
        "SELECT setval(pg_get_serial_sequence('cases_casenumber', 'id'), %(last)s)",
        {"last": max(cases, 1)},
    )
    _execute("DROP TABLE bench_kind")
    _execute("SET session_replication_role = DEFAULT")
    check_references()
    _execute("ANALYZE")
    council.seconds["checks, ANALYZE"] = time.perf_counter() - began
    return council


def _structure(*, properties: int, people: int, cases: int) -> BenchCouncil:
    """The council, its ten teams (a leader and twenty workers each), and the case types."""
    from burgh.cases.services import save_case_type
    from burgh.identity.models import Membership, Organisation, Role, RoleAssignment, Team, User

    password = make_password(None)
    with transaction.atomic():
        council = Organisation.objects.create(
            name="Kinloch Council", slug=ORGANISATION, kind="council"
        )
        roles = {
            slug: Role.objects.create(name=slug, slug=slug, permissions=list(codes))
            for slug, codes in (
                ("caseworker", WORKER),
                ("team-leader", LEADER),
                ("integration", INTEGRATION),
            )
        }
        teams = {
            slug: Team.objects.create(
                organisation=council, name=_label(slug), slug=slug, description=service
            )
            for slug, service in TEAMS.items()
        }
        users, memberships, assignments = [], [], []
        leaders: dict[str, UUID] = {}
        workers: dict[str, list[UUID]] = {}

        def add(user: User, team: Team, position: str, role: str) -> None:
            users.append(user)
            memberships.append(Membership(user=user, team=team, position=position))
            assignments.append(RoleAssignment(user=user, role=roles[role]))

        for slug, team in teams.items():
            leader = User(
                email=f"{slug}.leader@bench.example",
                full_name=f"{_label(slug)} Leader",
                organisation=council,
                password=password,
            )
            add(leader, team, Membership.Position.LEADER, "team-leader")
            leaders[slug] = leader.pk
            for n in range(1, WORKERS_PER_TEAM + 1):
                worker = User(
                    email=f"{slug}.worker{n}@bench.example",
                    full_name=f"{_label(slug)} Worker {n}",
                    organisation=council,
                    password=password,
                )
                add(worker, team, Membership.Position.MEMBER, "caseworker")
                workers.setdefault(slug, []).append(worker.pk)
        integration = User(
            email="crm-feed@bench.example",
            full_name="CRM feed",
            organisation=council,
            password=password,
        )
        add(integration, teams["contact-centre"], Membership.Position.MEMBER, "integration")
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(memberships)
        RoleAssignment.objects.bulk_create(assignments)
        for kind in KINDS:
            save_case_type(None, definition(kind, f"{ORGANISATION}/{kind.team}"))
    return BenchCouncil(
        organisation=council.pk,
        teams={slug: team.pk for slug, team in teams.items()},
        leaders=leaders,
        workers=workers,
        integration=integration.pk,
        people=people,
        properties=properties,
        cases=cases,
    )


def _execute(statement: str, params: dict[str, Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _insert(
    model: type[Model], values: dict[str, str], source: str, params: dict[str, Any]
) -> None:
    """INSERT INTO model's table SELECT `values` (column: SQL expression) FROM `source`; a
    column not named gets its field's default, so a field added to the model later fills as
    the ORM would fill it."""
    columns, expressions = list(values), list(values.values())
    for model_field in model._meta.concrete_fields:
        if model_field.column in values or isinstance(model_field, AutoFieldMixin):
            continue
        name = f"default_{model_field.column}"
        params[name] = model_field.get_db_prep_save(model_field.get_default(), connection)
        columns.append(model_field.column)
        expressions.append(f"%({name})s")
    _execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (ours)
        f"SELECT {', '.join(expressions)} FROM {source}",
        params,
    )


def _properties(count: int, now: datetime) -> None:
    from burgh.places.models import Property, Street

    streets = (count + PROPERTIES_PER_STREET - 1) // PROPERTIES_PER_STREET
    common = {"now": now, "per": PROPERTIES_PER_STREET, "base": UPRN_BASE}
    _insert(
        Street,
        {
            "id": "md5('bench-street-' || s)::uuid",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "usrn": "(99000000 + s)::text",
            "name": "(%(names)s::text[])[1 + s %% cardinality(%(names)s::text[])]",
            "town": "'Kinloch'",
        },
        "generate_series(0, %(streets)s - 1) s",
        {**common, "names": list(STREET_NAMES), "streets": streets},
    )
    _insert(
        Property,
        {
            "id": "md5('bench-property-' || n)::uuid",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "uprn": "(%(base)s + n)::text",
            "building_number": "(1 + n %% %(per)s)::text",
            "street_id": "md5('bench-street-' || ((n - 1) / %(per)s))::uuid",
            "postcode": "'KL' || (1 + n %% 9) || ' ' || (1 + n %% 7) || 'AB'",
            "easting": "280000 + (n * 37) %% 20000",
            "northing": "770000 + (n * 91) %% 20000",
        },
        "generate_series(1, %(count)s::bigint) n",
        {**common, "count": count},
    )


def _address(place: str) -> str:
    """The single line of property number `place` (an SQL expression), as the fill names it."""
    return (
        f"(1 + {place} %% %(per)s) || ' ' || (%(streets)s::text[])[1 + (({place} - 1) / %(per)s)"
        f" %% cardinality(%(streets)s::text[])] || ', Kinloch'"
    )


def _people(count: int, properties: int, now: datetime) -> None:
    from burgh.demo.generator.residents import SCOTTISH_FAMILY_NAMES, SCOTTISH_GIVEN_NAMES
    from burgh.people.models import Person

    _insert(
        Person,
        {
            "id": "md5('bench-person-' || g)::uuid",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "given_name": "(%(given)s::text[])[1 + (g * 31) %% cardinality(%(given)s::text[])]",
            "family_name": "(%(family)s::text[])"
            "[1 + (g * 7919) %% cardinality(%(family)s::text[])]",
            "date_of_birth": "date '1935-01-01' + ((g * 2654435761) %% 31000)::int",
            "sex": "CASE g %% 2 WHEN 0 THEN 'female' ELSE 'male' END",
            "address": _address("p"),
            "postcode": "'KL' || (1 + p %% 9) || ' ' || (1 + p %% 7) || 'AB'",
            "uprn": "(%(base)s + p)::text",
        },
        "(SELECT g, 1 + (g * 13) %% %(properties)s AS p"
        " FROM generate_series(1, %(count)s::bigint) g) AS numbered",
        {
            "now": now,
            "given": [name for names in SCOTTISH_GIVEN_NAMES.values() for name in names],
            "family": list(SCOTTISH_FAMILY_NAMES),
            "streets": list(STREET_NAMES),
            "per": PROPERTIES_PER_STREET,
            "base": UPRN_BASE,
            "properties": properties,
            "count": count,
        },
    )


def _kinds_table(council: BenchCouncil) -> None:
    """A temporary table of the case types, their spread and their teams' staff."""
    from burgh.cases.models import CaseType
    from burgh.identity.models import User

    type_ids = dict(CaseType.objects.values_list("code", "id"))
    names = dict(User.objects.values_list("id", "full_name"))
    _execute(
        """
        CREATE TEMP TABLE bench_kind (
            idx int, id uuid, code text, name text, team uuid, team_name text, lo float8,
            hi float8, open text[], paused text[], closed text[], outcomes text[],
            answers text[], span interval, warn interval, subject bool, location bool,
            sensitive bool, workers uuid[], worker_names text[], leader uuid
        )
        """
    )
    rows, low = [], 0.0
    for idx, kind in enumerate(KINDS):
        # The last kind runs to 1.0 whatever the rounding of the shares.
        high = 1.0 if idx == len(KINDS) - 1 else low + kind.share
        crew = council.workers[kind.team]
        rows.append(
            (
                *(idx, type_ids[kind.code], kind.code, kind.name, council.teams[kind.team]),
                *(_label(kind.team), low, high, list(kind.open), list(kind.paused or kind.open)),
                *(list(kind.closed), list(kind.outcomes), [json.dumps(a) for a in answers(kind)]),
                *(*spans(kind), kind.subject, kind.location, kind.sensitive, crew),
                *([names[worker] for worker in crew], council.leaders[kind.team]),
            )
        )
        low = high
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO bench_kind VALUES ({marks})", rows)  # noqa: S608


def _cases(council: BenchCouncil, now: datetime) -> None:
    """Closed cases over the last three years; open ones mostly inside their SLA, a sixth past
    it and a few long overdue; a paused or closed case's clock stopped where it stopped."""
    from burgh.cases.models import Case

    _kinds_table(council)
    _execute(
        """
        CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
        SELECT k.idx, s.*, s.r_closed < %(closed)s AS closed,
               s.r_closed >= %(closed)s AND s.r_paused < %(paused)s
                   AND k.paused <> k.open AS paused
        FROM (
            SELECT g AS n, random() AS r_kind, random() AS r_closed, random() AS r_paused,
                   random() AS r_status, random() AS r_owner, random() AS r_age,
                   random() AS r_close, random() AS r_prio, random() AS r_chan,
                   random() AS r_data, random() AS r_person, random() AS r_place,
                   random() AS r_outcome
            FROM generate_series(1, %(cases)s) g OFFSET 0
        ) s
        JOIN bench_kind k ON s.r_kind >= k.lo AND s.r_kind < k.hi
        """,
        {"cases": council.cases, "closed": CLOSED_SHARE, "paused": PAUSED_SHARE},
    )
    _execute(
        """
        CREATE TEMP TABLE bench_case ON COMMIT DROP AS
        SELECT t.*, row_number() OVER (ORDER BY t.received_at, t.n) AS number,
               t.received_at + k.span AS due_at, t.received_at + k.warn AS warn_at,
               CASE WHEN t.closed THEN k.closed[1 + floor(t.r_status * cardinality(k.closed))]
                    WHEN t.paused THEN k.paused[1 + floor(t.r_status * cardinality(k.paused))]
                    ELSE k.open[1 + floor(t.r_status ^ 2 * cardinality(k.open))]
               END AS status,
               CASE WHEN t.closed OR t.r_owner < %(allocated)s
                    THEN k.workers[1 + floor(t.r_owner * cardinality(k.workers))]
               END AS owner,
               CASE WHEN t.closed OR t.r_owner < %(allocated)s
                    THEN t.received_at + (coalesce(t.closed_at, %(now)s) - t.received_at) * 0.1
               END AS allocated_at,
               CASE WHEN t.closed THEN t.closed_at
                    WHEN t.paused THEN t.received_at + (%(now)s - t.received_at) * t.r_close
               END AS stopped_at,
               CASE WHEN k.location OR t.r_place < 0.3
                    THEN 1 + floor(t.r_place * %(properties)s)::bigint
               END AS place
        FROM (
            SELECT d.*, r.received_at,
                   CASE WHEN d.closed
                        THEN least(r.received_at + k.span * (1.6 * d.r_close ^ 1.5),
                                   %(now)s - interval '1 hour')
                   END AS closed_at
            FROM bench_draw d JOIN bench_kind k ON k.idx = d.idx
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN d.closed THEN %(now)s - interval '30 days' - d.r_age * interval '1065 days'
                    WHEN d.r_age < 0.97 THEN %(now)s - k.span * (d.r_age * 1.2)
                    ELSE %(now)s - k.span * (1.2 + (d.r_age - 0.97) * 100)
                END AS received_at
            ) r
        ) t
        JOIN bench_kind k ON k.idx = t.idx
        """,
        {
            "now": now,
            "allocated": ALLOCATED_SHARE,
            "properties": council.properties,
        },
    )
    # What the SLA sweep has announced by now, by the clock (stopped where it stopped).
    clock_at = "coalesce(c.stopped_at, %(now)s)"
    with IndexesSetAside(Case._meta.db_table):
        _insert(
            Case,
            {
                "id": "gen_random_uuid()",
                "created_at": "c.received_at",
                "updated_at": "coalesce(c.closed_at, c.allocated_at, c.received_at)",
                "version": "1 + (c.owner IS NOT NULL)::int + 2 * c.closed::int",
                "reference": "'C' || lpad(c.number::text, 7, '0')",
                "case_type_id": "k.id",
                "status": "c.status",
                "stage": "CASE WHEN c.closed THEN 'closed' WHEN c.paused THEN 'paused'"
                " ELSE 'open' END",
                "priority": "CASE WHEN c.r_prio < 0.02 THEN 1 WHEN c.r_prio < 0.15 THEN 2"
                " WHEN c.r_prio < 0.95 THEN 3 ELSE 4 END",
                "title": "k.name",
                "data": "(k.answers[1 + floor(c.r_data * cardinality(k.answers))])::jsonb",
                "channel": "CASE WHEN c.r_chan < 0.4 THEN 'staff' WHEN c.r_chan < 0.65"
                " THEN 'portal' WHEN c.r_chan < 0.85 OR k.sensitive THEN 'api' ELSE 'open311' END",
                "team_id": "k.team",
                "owner_id": "c.owner",
                "allocated_at": "c.allocated_at",
                "subject_person_id": "CASE WHEN k.subject OR c.r_person < 0.2 THEN"
                " md5('bench-person-' || (1 + floor(c.r_person / CASE WHEN k.subject THEN 1"
                " ELSE 0.2 END * %(people)s)))::uuid END",
                "uprn": "coalesce((%(base)s + c.place)::text, '')",
                "address_text": f"coalesce({_address('c.place')}, '')",
                "latitude": "CASE WHEN k.location AND c.r_place < 0.5"
                " THEN round(57.0 + ((c.place * 91) %% 20000) / 111320.0, 6) END",
                "longitude": "CASE WHEN k.location AND c.r_place < 0.5"
                " THEN round(-3.0 + ((c.place * 37) %% 20000) / 62000.0, 6) END",
                "easting": "280000 + (c.place * 37) %% 20000",
                "northing": "770000 + (c.place * 91) %% 20000",
                "received_at": "c.received_at",
                "sla_due_at": "c.due_at",
                "sla_warn_at": "c.warn_at",
                "sla_paused_at": "c.stopped_at",
                "sla_remaining_seconds": "CASE WHEN c.stopped_at IS NOT NULL THEN"
                " greatest(0, extract(epoch FROM c.due_at - c.stopped_at))::bigint END",
                "sla_announced": f"CASE WHEN c.due_at <= {clock_at} THEN 'breached'"
                f" WHEN c.warn_at <= {clock_at} THEN 'at_risk' ELSE '' END",
                "closed_at": "c.closed_at",
                "outcome": "CASE WHEN c.closed THEN"
                " k.outcomes[1 + floor(c.r_outcome * cardinality(k.outcomes))] ELSE '' END",
                "sensitive": "k.sensitive",
            },
            "bench_case c JOIN bench_kind k ON k.idx = c.idx ORDER BY c.received_at",
            {
                "now": now,
                "people": council.people,
                "base": UPRN_BASE,
                "per": PROPERTIES_PER_STREET,
                "streets": list(STREET_NAMES),
            },
        )


def _allocations() -> None:
    """Every case's routing to its team; an allocated case's allocation to its worker (by the
    team leader, the worker taking it, or round robin)."""
    from burgh.cases.models import CaseAllocation

    how = "CASE WHEN k.code = 'housing-repair' THEN 'round_robin'"
    how += " WHEN hashtext(c.reference) %% 3 = 0 THEN 'take_next' ELSE 'manual' END"
    with IndexesSetAside(CaseAllocation._meta.db_table):
        _insert(
            CaseAllocation,
            {"case_id": "c.id", "at": "c.received_at", "team_id": "c.team_id", "how": "'routing'"},
            "cases_case c ORDER BY c.received_at",
            {},
        )
        _insert(
            CaseAllocation,
            {
                "case_id": "c.id",
                "at": "c.allocated_at",
                "team_id": "c.team_id",
                "owner_id": "c.owner_id",
                "by_id": f"CASE {how} WHEN 'round_robin' THEN NULL WHEN 'take_next'"
                " THEN c.owner_id ELSE k.leader END",
                "how": how,
            },
            "cases_case c JOIN bench_kind k ON k.id = c.case_type_id"
            " WHERE c.owner_id IS NOT NULL ORDER BY c.allocated_at",
            {},
        )


def _parties() -> None:
    from burgh.cases.models import CaseParty

    with IndexesSetAside(CaseParty._meta.db_table):
        _insert(
            CaseParty,
            {
                "id": "gen_random_uuid()",
                "created_at": "c.received_at",
                "updated_at": "c.received_at",
                "case_id": "c.id",
                "role": "'subject'",
                "person_id": "c.subject_person_id",
            },
            "cases_case c WHERE c.subject_person_id IS NOT NULL",
            {},
        )


# Entries per case: 2 to 7 for most, 20 to 100 for one case in a hundred (about 5 on average).
ENTRIES = (
    "CASE WHEN abs(hashtext(c.reference)) %% 100 = 0"
    " THEN 20 + abs(hashtext(c.reference || 'long')) %% 81"
    " ELSE 2 + abs(hashtext(c.reference)) %% 6 END"
)
KIND = (
    "CASE WHEN i = 1 THEN 'created' WHEN c.closed_at IS NOT NULL AND i = n THEN 'closed'"
    " WHEN c.owner_id IS NOT NULL AND i = 2 THEN 'allocated'"
    " ELSE (ARRAY['note', 'status', 'contact', 'task', 'note', 'document'])"
    "[1 + abs(hashtext(c.reference || i)) %% 6] END"
)
SUMMARY = """CASE e.kind
    WHEN 'created' THEN e.type_name || ' logged by ' || e.channel || '; sent to ' || e.team_name
    WHEN 'closed' THEN 'Closed: ' || replace(e.outcome, '-', ' ')
    WHEN 'allocated' THEN 'Allocated to ' || e.actor_label
    WHEN 'status' THEN 'Status changed to ' || replace(e.status, '-', ' ')
    WHEN 'contact' THEN 'Phone call with the customer: update given'
    WHEN 'task' THEN 'Task added: follow up with the customer'
    WHEN 'document' THEN 'Photograph added'
    ELSE 'Case note: visited and spoke to the resident about the request' END"""


def _chronology(now: datetime) -> None:
    """Each case's timeline: created, allocated, the work, closed; in time order on disk."""
    from burgh.cases.models import ChronologyEntry

    with IndexesSetAside(ChronologyEntry._meta.db_table):
        _insert(
            ChronologyEntry,
            {
                "case_id": "e.id",
                "at": "e.at",
                "kind": "e.kind",
                "summary": SUMMARY,
                "actor_id": "e.actor_id",
                "actor_label": "coalesce(e.actor_label, 'Burgh')",
                "significant": "e.kind = 'closed' OR e.i %% 7 = 0",
            },
            f"""(
                SELECT c.id, i, c.status, c.outcome, c.channel, k.name AS type_name, k.team_name,
                       {KIND} AS kind,
                       CASE WHEN i = 1 THEN c.received_at
                            WHEN c.closed_at IS NOT NULL AND i = n THEN c.closed_at
                            ELSE c.received_at
                                 + (coalesce(c.closed_at, %(now)s) - c.received_at) * (i - 1) / n
                       END AS at,
                       CASE WHEN i > 1 THEN c.owner_id END AS actor_id,
                       CASE WHEN i > 1 THEN k.worker_names[array_position(k.workers, c.owner_id)]
                       END AS actor_label
                FROM (SELECT c.*, {ENTRIES} AS n FROM cases_case c) c
                JOIN bench_kind k ON k.id = c.case_type_id
                CROSS JOIN LATERAL generate_series(1, c.n) i
            ) e ORDER BY e.at""",  # noqa: S608 (the module's own SQL)
            {"now": now},
        )


def _long_chronologies(council: BenchCouncil, count: int, now: datetime) -> list[UUID]:
    """Open, allocated cases of the roads team, each given LONG_CHRONOLOGY entries."""
    from burgh.cases.models import Case, ChronologyEntry

    picked = list(
        Case.objects.filter(
            team_id=council.teams[PAGE_TEAM], stage="open", owner__isnull=False
        ).values_list("pk", flat=True)[:count]
    )
    with transaction.atomic():
        for case_id in picked:
            have = ChronologyEntry.objects.filter(case_id=case_id).count()
            _insert(
                ChronologyEntry,
                {
                    "case_id": "c.id",
                    "at": "c.received_at + (%(now)s - c.received_at) * i / (%(more)s + 1)",
                    "kind": "(ARRAY['note', 'contact', 'task', 'document'])[1 + i %% 4]",
                    "summary": "'Entry ' || i || ': inspection notes and a call with the resident'",
                    "actor_id": "c.owner_id",
                    "actor_label": "u.full_name",
                    "significant": "i %% 25 = 0",
                },
                "cases_case c JOIN identity_user u ON u.id = c.owner_id,"
                " generate_series(1, %(more)s) i WHERE c.id = %(case)s",
                {"now": now, "more": max(0, LONG_CHRONOLOGY - have), "case": case_id},
            )
    return picked


class IndexesSetAside:
    """Drop a table's plain indexes (not its primary key or unique constraints) while it is
    filled, and build them again afterwards: one sort per index instead of a million inserts."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.definitions: list[str] = []

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
                [self.table],
            )
            for name, definition_sql in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                self.definitions.append(definition_sql)

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            for definition_sql in self.definitions:
                _execute(definition_sql)


# Each bulk table's references, checked once the fill is done: (table, column, target).
REFERENCES = (
    ("cases_case", "case_type_id", "cases_casetype"),
    ("cases_case", "team_id", "identity_team"),
    ("cases_case", "owner_id", "identity_user"),
    ("cases_case", "subject_person_id", "people_person"),
    ("cases_caseallocation", "case_id", "cases_case"),
    ("cases_caseallocation", "owner_id", "identity_user"),
    ("cases_caseallocation", "by_id", "identity_user"),
    ("cases_caseparty", "case_id", "cases_case"),
    ("cases_chronologyentry", "case_id", "cases_case"),
    ("cases_chronologyentry", "actor_id", "identity_user"),
    ("people_person", "uprn", "places_property"),
    ("places_property", "street_id", "places_street"),
)


def check_references() -> None:
    """Every id a filled row holds names a row that exists; every case's UPRN is a property,
    its stage its status's stage."""
    problems = []
    with connection.cursor() as cursor:
        for table, column, target in (*REFERENCES, ("cases_case", "uprn", "places_property")):
            key = "uprn" if column == "uprn" else "id"
            cursor.execute(
                f"SELECT count(*) FROM {table} a WHERE a.{column} IS NOT NULL"  # noqa: S608
                f" AND a.{column} <> '' AND NOT EXISTS"
                f" (SELECT 1 FROM {target} b WHERE b.{key} = a.{column})"
                if key == "uprn"
                else f"SELECT count(*) FROM {table} a WHERE a.{column} IS NOT NULL"  # noqa: S608
                f" AND NOT EXISTS (SELECT 1 FROM {target} b WHERE b.{key} = a.{column})"
            )
            missing = cursor.fetchone()[0]
            if missing:
                problems.append(f"{table}.{column}: {missing} point at no {target} row")
        cursor.execute(
            "SELECT count(*) FROM cases_case c JOIN cases_casetype t ON t.id = c.case_type_id"
            " WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(t.statuses) s"
            " WHERE s->>'code' = c.status AND s->>'stage' = c.stage)"
        )
        if mismatched := cursor.fetchone()[0]:
            problems.append(f"{mismatched} cases whose stage is not their status's")
    if problems:
        raise AssertionError("The fill is not consistent: " + "; ".join(problems))
