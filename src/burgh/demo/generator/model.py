"""The synthetic council as plain dataclasses: what the generator makes and the loader loads."""

from dataclasses import dataclass, field
from datetime import date

from burgh.places.gazetteer_files import CSV_COLUMNS, OPTIONAL_COLUMNS

# The documented password of every demo sign-in; it passes the password validators.
DEMO_PASSWORD = "Kinloch-demo-2026"  # noqa: S105

# Columns of a gazetteer row, in the order `burgh demo --export-gazetteer` writes them: the
# gazetteer CSV's, with the optional ones.
GAZETTEER_COLUMNS = (*CSV_COLUMNS, *OPTIONAL_COLUMNS)


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    email_domain: str


@dataclass(frozen=True)
class DemoTeam:
    """A directorate, service or team; `parent` is the slug of the team above it."""

    organisation: str
    slug: str
    name: str
    kind: str
    parent: str | None = None
    description: str = ""


@dataclass(frozen=True)
class DemoRole:
    slug: str
    name: str
    description: str
    permissions: tuple[str, ...]
    requires_mfa: bool = False


@dataclass(frozen=True)
class DemoStaff:
    """A member of staff and their place: one team, a position in it and their roles."""

    email: str
    full_name: str
    job_title: str
    organisation: str
    team: str
    position: str
    roles: tuple[str, ...]
    # Demo sign-ins get the documented password; everyone else an unusable one.
    demo_sign_in: bool = False
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class DemoStreet:
    usrn: str
    name: str
    locality: str
    town: str


@dataclass(frozen=True)
class DemoProperty:
    uprn: str
    usrn: str
    organisation: str
    sub_building: str
    building_name: str
    building_number: str
    postcode: str
    easting: int
    northing: int
    # Whether people live here (businesses have no household).
    residential: bool = True


@dataclass(frozen=True)
class DemoPerson:
    given_name: str
    family_name: str
    date_of_birth: date
    email: str = ""
    phone: str = ""
    # "female" or "male", as the generator chose the given name.
    sex: str = ""


@dataclass(frozen=True)
class DemoMember:
    person: DemoPerson
    relationship: str


@dataclass(frozen=True)
class DemoHousehold:
    uprn: str
    moved_in_on: date
    members: tuple[DemoMember, ...]


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    role: str
    note: str


@dataclass(frozen=True)
class DemoInvolvement:
    """A team's work with a resident: `person` indexes `DemoCouncil.people`; `worker`, an email."""

    person: int
    organisation: str
    team: str
    worker: str | None
    reason: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class DemoAgreement:
    """A data-sharing agreement; `partners` are organisation slugs, the officer an email."""

    reference: str
    title: str
    description: str
    partners: tuple[str, ...]
    purpose: str
    lawful_basis: str
    shared_fields: tuple[str, ...]
    starts_on: date
    review_on: date
    responsible_officer: str


@dataclass(frozen=True)
class DemoConsent:
    person: int
    agreement: str
    given_by: str
    given_on: date
    recorded_by: str
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class DemoRestriction:
    """A person record only the `named` staff (emails) may see."""

    person: int
    category: str
    reason: str
    named: tuple[str, ...]
    restricted_by: str
    review_every_months: int = 6


@dataclass(frozen=True)
class DemoSourceSystem:
    """A council system or partner feed that sends person records; higher trust wins names."""

    slug: str
    name: str
    trust: int


@dataclass(frozen=True)
class DemoSourceRecord:
    """One system's record of a resident: `person` indexes `DemoCouncil.people`.

    `attributes` are (field, value) pairs as the system holds them, blanks left out.
    """

    system: str
    source_id: str
    person: int
    attributes: tuple[tuple[str, str], ...]
    received_on: date

    def attribute_map(self) -> dict[str, str]:
        return dict(self.attributes)


@dataclass
class DemoCouncil:
    name: str
    residents: int
    seed: int
    organisations: list[DemoOrganisation] = field(default_factory=list)
    teams: list[DemoTeam] = field(default_factory=list)
    roles: list[DemoRole] = field(default_factory=list)
    staff: list[DemoStaff] = field(default_factory=list)
    streets: list[DemoStreet] = field(default_factory=list)
    properties: list[DemoProperty] = field(default_factory=list)
    households: list[DemoHousehold] = field(default_factory=list)
    involvements: list[DemoInvolvement] = field(default_factory=list)
    agreements: list[DemoAgreement] = field(default_factory=list)
    consents: list[DemoConsent] = field(default_factory=list)
    restrictions: list[DemoRestriction] = field(default_factory=list)
    source_systems: list[DemoSourceSystem] = field(default_factory=list)
    source_records: list[DemoSourceRecord] = field(default_factory=list)

    @property
    def people(self) -> list[DemoPerson]:
        return [member.person for household in self.households for member in household.members]

    def unsettled_addresses(self) -> list[tuple[str, str]]:
        """Addresses from the old council tax system, with their references, of the kinds a
        matcher must not settle alone: a tenement close without its flat, a flat with its
        floor and door swapped, a new build not yet in the gazetteer."""
        streets = {street.usrn: street for street in self.streets}
        flats = [unit for unit in self.properties if unit.sub_building.startswith("Flat ")]
        texts: list[str] = []
        for unit in flats[:2]:
            street = streets[unit.usrn]
            texts.append(f"{unit.building_number} {street.name}, {street.town}")
        if flats:
            unit, street = flats[-1], streets[flats[-1].usrn]
            texts.append(f"{unit.building_number} {street.name} flat {unit.sub_building[5:]}")
        if self.streets:
            street = self.streets[0]
            texts.append(f"Plot 7, new development off {street.name}, {street.town}")
        return [(text, f"CTAX-{9000 + number}") for number, text in enumerate(texts, start=1)]

    def waste_collection_rows(self) -> list[dict[str, str]]:
        """Each home's bin collection day and round, as the waste service would load them.

        Rounds follow streets, as they do on the ground: a street's USRN picks its day, and a
        town's streets are shared out over four rounds a day. Derived, not drawn from the
        random generator, so adding it changes nothing else a seed makes.
        """
        days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
        streets = {street.usrn: street for street in self.streets}
        rows = []
        for unit in self.properties:
            number = int(unit.usrn)
            town = streets[unit.usrn].town
            day = days[number % len(days)]
            round_name = f"{town} {day} round {number // len(days) % 4 + 1}"
            rows.append({"uprn": unit.uprn, "name": "collection_day", "value": day})
            rows.append({"uprn": unit.uprn, "name": "collection_round", "value": round_name})
        return rows

    def gazetteer_rows(self) -> list[dict[str, str]]:
        """The gazetteer as rows for `places.services.import_gazetteer` or a CSV export."""
        streets = {street.usrn: street for street in self.streets}
        return [gazetteer_row(streets[unit.usrn], unit) for unit in self.properties]


def gazetteer_row(street: DemoStreet, unit: DemoProperty) -> dict[str, str]:
    """One property as a gazetteer row (GAZETTEER_COLUMNS)."""
    return {
        "uprn": unit.uprn,
        "organisation": unit.organisation,
        "sub_building": unit.sub_building,
        "building_name": unit.building_name,
        "building_number": unit.building_number,
        "street": street.name,
        "locality": street.locality,
        "town": street.town,
        "postcode": unit.postcode,
        "usrn": street.usrn,
        "easting": str(unit.easting),
        "northing": str(unit.northing),
    }
