"""The synthetic demo council from pure functions: the same (residents, seed), the same council."""

import random

from faker import Faker

from burgh.demo.generator.access import build_access
from burgh.demo.generator.model import (
    DEMO_PASSWORD,
    GAZETTEER_COLUMNS,
    DemoAgreement,
    DemoConsent,
    DemoCouncil,
    DemoHousehold,
    DemoInvolvement,
    DemoMember,
    DemoOrganisation,
    DemoPerson,
    DemoProperty,
    DemoRestriction,
    DemoRole,
    DemoSignIn,
    DemoSourceRecord,
    DemoSourceSystem,
    DemoStaff,
    DemoStreet,
    DemoTeam,
)
from burgh.demo.generator.places import build_gazetteer
from burgh.demo.generator.residents import ResidentMaker, place_households
from burgh.demo.generator.sources import SOURCE_SYSTEMS, build_source_records
from burgh.demo.generator.staff import ROLES, build_organisation, sign_ins

__all__ = [
    "DEMO_PASSWORD",
    "GAZETTEER_COLUMNS",
    "DemoAgreement",
    "DemoConsent",
    "DemoCouncil",
    "DemoHousehold",
    "DemoInvolvement",
    "DemoMember",
    "DemoOrganisation",
    "DemoPerson",
    "DemoProperty",
    "DemoRestriction",
    "DemoRole",
    "DemoSignIn",
    "DemoSourceRecord",
    "DemoSourceSystem",
    "DemoStaff",
    "DemoStreet",
    "DemoTeam",
    "build_council",
    "demo_sign_ins",
    "sign_ins",
]

# Homes per household: a few homes stand empty, as in any council area.
SPARE_HOMES = 1.06


def build_council(residents: int, seed: int, *, name: str = "Kinloch Council") -> DemoCouncil:
    """The demo council with `residents` residents; the same arguments give the same council."""
    if residents < 1:
        raise ValueError("A demo council needs at least one resident.")
    # Separate streams, so the staff stay the same whatever the number of residents.
    staff_fake = Faker("en_GB")
    staff_fake.seed_instance(seed)
    organisations, teams, staff = build_organisation(staff_fake, name)

    resident_fake = Faker("en_GB")
    resident_fake.seed_instance(seed + 1_000_003)
    people_rng = random.Random(f"burgh-demo-people-{seed}")
    members = ResidentMaker(people_rng, resident_fake).households(residents)

    place_rng = random.Random(f"burgh-demo-places-{seed}")
    streets, properties = build_gazetteer(place_rng, int(len(members) * SPARE_HOMES) + 1)
    homes = [unit.uprn for unit in properties if unit.residential]
    households = place_households(random.Random(f"burgh-demo-homes-{seed}"), members, homes)
    involvements, agreements, consents, restrictions = build_access(
        random.Random(f"burgh-demo-access-{seed}"), households, staff
    )
    source_records = build_source_records(
        random.Random(f"burgh-demo-sources-{seed}"), households, properties, streets, involvements
    )

    return DemoCouncil(
        name=name,
        residents=residents,
        seed=seed,
        organisations=organisations,
        teams=teams,
        roles=list(ROLES),
        staff=staff,
        streets=streets,
        properties=properties,
        households=households,
        involvements=involvements,
        agreements=agreements,
        consents=consents,
        restrictions=restrictions,
        source_systems=list(SOURCE_SYSTEMS),
        source_records=source_records,
    )


def demo_sign_ins(*, name: str = "Kinloch Council") -> list[DemoSignIn]:
    """The demo sign-ins, which are the same whatever the seed and number of residents."""
    fake = Faker("en_GB")
    fake.seed_instance(0)
    organisations, teams, staff = build_organisation(fake, name)
    council = DemoCouncil(name, 0, 0, organisations, teams, list(ROLES), staff)
    return sign_ins(council)
