"""The policy benchmark's council: staff and teams once, then people grown to a size in bulk SQL.

Nothing here goes through the services: they audit and check every write, which is right for a
council and far too slow for a million rows. The shapes match what the services write.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from faker.providers.person.en_GB import Provider as FakerNames

from burgh.demo.generator.residents import SCOTTISH_FAMILY_NAMES, SCOTTISH_GIVEN_NAMES
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
from burgh.people.models import Involvement, Person

COUNCIL_TEAMS = 40
TEAMS_PER_SERVICE = 10
WORKERS_PER_TEAM = 3
# Shares of the residents: worked with by a council team, by the partner's team, restricted.
COUNCIL_INVOLVED = 0.03
ALLOCATED = 0.7
PARTNER_INVOLVED = 0.003
CONSENTED = 0.6
WITHDRAWN = 0.05
RESTRICTED = 0.001
ENDED = 0.1

ROLES = {
    "adviser": ("people.search",),
    "caseworker": (
        "people.search",
        "people.view_person",
        "people.record_consent",
        "people.break_glass",
    ),
    "social-worker": (
        "people.search",
        "people.view_person",
        "people.record_consent",
        "people.break_glass",
        "people.export_people",
    ),
    "team-leader": ("people.search", "people.view_person"),
    "partner": ("people.view_person",),
}
SHARED_WITH_PARTNER = ["given_name", "family_name", "date_of_birth", "address", "phone"]


@dataclass
class BenchCouncil:
    """The viewers the benchmark measures, and the records each of them reads."""

    viewers: dict[str, UUID]
    purposes: dict[str, Purpose]
    teams: list[UUID]
    workers: list[UUID]
    partner_team: UUID
    agreement: UUID
    officer: UUID
    batches: int = 0


def build_structure() -> BenchCouncil:
    """Organisations, roles, 40 teams under 4 services, their workers, and the five viewers."""
    password = make_password(None)
    with transaction.atomic():
        council = Organisation.objects.create(name="Bench Council", slug="bench", kind="council")
        nhs = Organisation.objects.create(name="Bench Health Board", slug="nhs", kind="health")
        roles = {
            slug: Role.objects.create(name=slug, slug=slug, permissions=list(codes))
            for slug, codes in ROLES.items()
        }
        directorate = Team.objects.create(
            organisation=council, name="Directorate", slug="directorate", kind="directorate"
        )
        services = [
            Team.objects.create(
                organisation=council,
                parent=directorate,
                name=f"Service {n}",
                slug=f"service-{n}",
                kind="service",
            )
            for n in range(COUNCIL_TEAMS // TEAMS_PER_SERVICE)
        ]
        teams = Team.objects.bulk_create(
            Team(
                organisation=council,
                parent=services[n // TEAMS_PER_SERVICE],
                name=f"Team {n}",
                slug=f"team-{n}",
            )
            for n in range(COUNCIL_TEAMS)
        )
        partner_team = Team.objects.create(organisation=nhs, name="Community Health", slug="ch")

        def user(email: str, organisation: Organisation, role: str) -> User:
            made = User.objects.create(
                email=email, full_name=email, organisation=organisation, password=password
            )
            RoleAssignment.objects.create(user=made, role=roles[role])
            return made

        workers = User.objects.bulk_create(
            User(
                email=f"worker{n}@bench.example",
                full_name=f"Worker {n}",
                organisation=council,
                password=password,
            )
            for n in range(COUNCIL_TEAMS * WORKERS_PER_TEAM)
        )
        # The first worker of team 0 is the social worker the benchmark measures.
        social_worker = workers[0]
        social_worker.email = "socialworker@bench.example"
        social_worker.save(update_fields=["email"])
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=w, role=roles["social-worker"]) for w in workers
        )
        Membership.objects.bulk_create(
            Membership(user=w, team=teams[n // WORKERS_PER_TEAM]) for n, w in enumerate(workers)
        )
        adviser = user("adviser@bench.example", council, "adviser")
        leader = user("teamleader@bench.example", council, "team-leader")
        Membership.objects.create(user=leader, team=services[0], position="manager")
        caseworker = user("breakglass@bench.example", council, "caseworker")
        Membership.objects.create(user=caseworker, team=teams[-1])
        officer = user("ig@bench.example", council, "adviser")
        partner = user("partner@bench.example", nhs, "partner")
        Membership.objects.create(user=partner, team=partner_team)
        agreement = DataSharingAgreement.objects.create(
            reference="DSA-BENCH-1",
            title="Integrated health and social care",
            purpose=Purpose.HEALTH_AND_SOCIAL_CARE,
            lawful_basis=LawfulBasis.CONSENT,
            shared_fields={"people.person": SHARED_WITH_PARTNER},
            starts_on=dt.date(2024, 1, 1),
            review_on=dt.date(2030, 1, 1),
            responsible_officer=officer,
        )
        agreement.partners.add(nhs)
    viewers = {
        "adviser": adviser.pk,
        "social worker": social_worker.pk,
        "team leader": leader.pk,
        "partner": partner.pk,
        "break-glass": caseworker.pk,
    }
    purposes = dict.fromkeys(viewers, Purpose.SERVICE_DELIVERY)
    purposes["partner"] = Purpose.HEALTH_AND_SOCIAL_CARE
    return BenchCouncil(
        viewers=viewers,
        purposes=purposes,
        teams=[t.pk for t in teams],
        workers=[w.pk for w in workers],
        partner_team=partner_team.pk,
        agreement=agreement.pk,
        officer=officer.pk,
    )


def _names() -> tuple[list[str], list[str]]:
    """Family names weighted as common and rare ones are in Scotland; given names evenly."""
    family: list[str] = []
    for name, weight in FakerNames.last_names.items():
        family += [name] * max(1, round(weight * 20))
    for name in SCOTTISH_FAMILY_NAMES:
        family += [name] * 30
    given = list(FakerNames.first_names_female) + list(FakerNames.first_names_male)
    given += [name for names in SCOTTISH_GIVEN_NAMES.values() for name in names]
    return family, given


def grow(bench: BenchCouncil, people: int, seed: int = 1) -> None:
    """Add residents until there are `people`, with their involvements, consents, restrictions."""
    adding = people - Person.objects.count()
    if adding <= 0:
        return
    bench.batches += 1
    # Each batch's rows share a creation time, so the later statements pick out the new people.
    batch = dt.datetime(2025, 1, bench.batches, tzinfo=dt.UTC)
    family, given = _names()
    tables = {
        "person": Person._meta.db_table,
        "involvement": Involvement._meta.db_table,
        "consent": ConsentRecord._meta.db_table,
        "restriction": RecordRestriction._meta.db_table,
        "named": RecordRestriction.named_users.through._meta.db_table,
    }
    params: dict[str, Any] = {
        "batch": batch,
        "n": adding,
        "family": family,
        "given": given,
        "teams": bench.teams,
        "workers": bench.workers,
        "per_team": WORKERS_PER_TEAM,
        "partner_team": bench.partner_team,
        "agreement": bench.agreement,
        "officer": bench.officer,
        "social_worker": bench.viewers["social worker"],
        "council_share": COUNCIL_INVOLVED,
        "allocated": ALLOCATED,
        "partner_share": PARTNER_INVOLVED,
        "partner": bench.viewers["partner"],
        "consented": CONSENTED,
        "withdrawn": WITHDRAWN,
        "restricted": RESTRICTED,
        "ended": ENDED,
    }
    statements = [
        """
        INSERT INTO {person} (id, created_at, updated_at, version, given_name, family_name,
                              date_of_birth, email, phone, sex, address, postcode, uprn,
                              golden)
        SELECT gen_random_uuid(), %(batch)s, %(batch)s, 1,
               (%(given)s::text[])[1 + floor(random() * cardinality(%(given)s::text[]))::int],
               (%(family)s::text[])[1 + floor(random() * cardinality(%(family)s::text[]))::int],
               date '1925-01-01' + floor(random() * 36000)::int,
               '', '07700 900' || lpad(floor(random() * 1000)::int::text, 3, '0'),
               '', '', '', '', '{{}}'::jsonb
        FROM generate_series(1, %(n)s)
        """,
        # A council team works with 3% of residents; 70% of those have an allocated worker from
        # the team, and one in ten involvements has ended.
        """
        INSERT INTO {involvement} (id, created_at, updated_at, version, person_id, team_id,
                                   worker_id, reason, started_on, ended_on)
        SELECT gen_random_uuid(), now(), now(), 1, s.id, (%(teams)s::uuid[])[s.t + 1],
               CASE WHEN s.r < %(allocated)s THEN
                 (%(workers)s::uuid[])[s.t * %(per_team)s + 1
                                       + floor(s.r / %(allocated)s * %(per_team)s)::int]
               END,
               'Assessment', date '2024-01-01' + floor(s.r * 500)::int,
               CASE WHEN s.e < %(ended)s THEN date '2025-06-01' END
        FROM (SELECT id, floor(random() * cardinality(%(teams)s::uuid[]))::int AS t,
                     random() AS r, random() AS e
              FROM {person} WHERE created_at = %(batch)s AND random() < %(council_share)s) s
        """,
        # The partner's community health team works with a few; some are the partner's own.
        """
        INSERT INTO {involvement} (id, created_at, updated_at, version, person_id, team_id,
                                   worker_id, reason, started_on)
        SELECT gen_random_uuid(), now(), now(), 1, id, %(partner_team)s,
               CASE WHEN random() < 0.3 THEN %(partner)s::uuid END,
               'District nursing', date '2024-06-01'
        FROM {person} WHERE created_at = %(batch)s AND random() < %(partner_share)s
        """,
        """
        INSERT INTO {consent} (id, created_at, updated_at, version, person_id, agreement_id,
                               basis, purpose, given_by, given_at, recorded_by_id, notes,
                               ended_at, ended_by)
        SELECT gen_random_uuid(), now(), now(), 1, i.person_id, %(agreement)s, 'consent',
               'health_and_social_care', 'the resident', now(), %(officer)s, '',
               CASE WHEN random() < %(withdrawn)s THEN now() END, ''
        FROM {involvement} i JOIN {person} p ON p.id = i.person_id
        WHERE i.team_id = %(partner_team)s AND p.created_at = %(batch)s
          AND random() < %(consented)s
        """,
        """
        INSERT INTO {restriction} (id, created_at, updated_at, version, kind, record_id, category,
                                   reason, restricted_by_id, review_every_months, review_on,
                                   lift_reason)
        SELECT gen_random_uuid(), now(), now(), 1, 'people.person', id, 'staff_or_relative',
               'A member of staff', %(officer)s, 6, date '2030-01-01', ''
        FROM {person} WHERE created_at = %(batch)s AND random() < %(restricted)s
        """,
        # One restriction in ten names the social worker (a relative on their own caseload).
        """
        INSERT INTO {named} (recordrestriction_id, user_id)
        SELECT r.id, %(social_worker)s FROM {restriction} r JOIN {person} p ON p.id = r.record_id
        WHERE p.created_at = %(batch)s AND random() < 0.1
        """,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [1 / (seed + bench.batches + 1)])
        for statement in statements:
            cursor.execute(statement.format(**tables), params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def take_break_glass(bench: BenchCouncil) -> UUID:
    """The caseworker's running emergency access to a resident no team of theirs works with."""
    person = _unrestricted(Person.objects.exclude(involvements__isnull=False))
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user_id=bench.viewers["break-glass"],
        kind="people.person",
        record_id=person,
        person_id=person,
        record_label="bench",
        purpose=Purpose.SERVICE_DELIVERY,
        reason="A fall at home reported by a neighbour",
        starts_at=now,
        expires_at=now + dt.timedelta(days=1),
    )
    return person


def records_to_read(bench: BenchCouncil, break_glass_record: UUID) -> dict[str, UUID]:
    """For each viewer, a resident they may see in full (the adviser, in the directory)."""
    today = timezone.localdate()
    open_involvements = Involvement.objects.filter(started_on__lte=today, ended_on__isnull=True)
    consented = ConsentRecord.objects.filter(
        agreement_id=bench.agreement, ended_at__isnull=True
    ).values("person_id")
    return {
        "adviser": _unrestricted(Person.objects.order_by("family_name")),
        "social worker": _unrestricted(
            Person.objects.filter(
                involvements__in=open_involvements.filter(worker_id=bench.viewers["social worker"])
            )
        ),
        "team leader": _unrestricted(
            Person.objects.filter(involvements__in=open_involvements.filter(team_id=bench.teams[5]))
        ),
        "partner": _unrestricted(
            Person.objects.filter(
                involvements__in=open_involvements.filter(team_id=bench.partner_team),
                id__in=consented,
            )
        ),
        "break-glass": break_glass_record,
    }


def _unrestricted(people: "QuerySet[Person]") -> UUID:
    restricted = RecordRestriction.objects.values("record_id")
    candidates = list(people.exclude(id__in=restricted).values_list("id", flat=True)[:100])
    return random.Random(7).choice(candidates)
