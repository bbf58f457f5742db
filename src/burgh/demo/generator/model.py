"""The invented council as plain data: what the generator builds and the loader writes."""

from dataclasses import dataclass, field
from datetime import date

# Every age and date in the demo is reckoned from this day, never from today, so that one seed
# builds the same council whenever and wherever it runs.
REFERENCE_DATE = date(2026, 3, 31)

# The one password of every demo sign-in; shown by `burgh demo` and `burgh run`. Long enough
# for the validators (12+ characters, not a common password) and never used outside the demo.
DEMO_PASSWORD = "Kinloch-demo-2026"  # noqa: S105 - a published demo password, not a secret

GAZETTEER_COLUMNS = (
    "uprn",
    "organisation",
    "sub_building",
    "building_name",
    "building_number",
    "street",
    "locality",
    "town",
    "postcode",
    "usrn",
    "easting",
    "northing",
)


@dataclass(frozen=True, slots=True)
class DemoStreet:
    usrn: str
    name: str
    locality: str
    town: str


@dataclass(frozen=True, slots=True)
class DemoProperty:
    """One UPRN. `kind` is house, tenement_flat, converted_flat or business."""

    uprn: str
    kind: str
    organisation: str
    sub_building: str
    building_name: str
    building_number: str
    street: DemoStreet
    postcode: str
    easting: int
    northing: int

    @property
    def is_dwelling(self) -> bool:
        return self.kind != "business"

    def gazetteer_row(self) -> dict[str, str]:
        """The property in the gazetteer import format (GAZETTEER_COLUMNS)."""
        return {
            "uprn": self.uprn,
            "organisation": self.organisation,
            "sub_building": self.sub_building,
            "building_name": self.building_name,
            "building_number": self.building_number,
            "street": self.street.name,
            "locality": self.street.locality,
            "town": self.street.town,
            "postcode": self.postcode,
            "usrn": self.street.usrn,
            "easting": str(self.easting),
            "northing": str(self.northing),
        }


@dataclass(frozen=True, slots=True)
class DemoResident:
    given_name: str
    family_name: str
    sex: str  # "F" or "M": only used to pick names; not loaded
    date_of_birth: date
    # householder, partner, child, parent, grandchild, other relative, sharer
    relationship: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class DemoHousehold:
    uprn: str
    moved_in_on: date
    residents: tuple[DemoResident, ...]


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str  # an identity.Organisation.Kind value
    email_domain: str


@dataclass(frozen=True, slots=True)
class DemoTeam:
    organisation: str  # organisation slug
    slug: str
    name: str
    kind: str  # an identity.Team.Kind value
    parent: str | None  # parent team slug in the same organisation
    description: str = ""


@dataclass(frozen=True, slots=True)
class DemoRole:
    slug: str
    name: str
    description: str
    permissions: tuple[str, ...]
    requires_mfa: bool = False


@dataclass(frozen=True, slots=True)
class DemoStaff:
    email: str
    full_name: str
    organisation: str  # organisation slug
    job_title: str
    # (team slug, membership position) pairs; the team is in the staff member's organisation.
    teams: tuple[tuple[str, str], ...]
    roles: tuple[str, ...]  # role slugs
    # Admin site access (IT administrators).
    is_staff: bool = False
    # A demo sign-in: gets DEMO_PASSWORD; everyone else has an unusable password.
    can_sign_in: bool = False


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    email: str
    full_name: str
    shows: str  # what the account is for, in a sentence fragment


@dataclass(frozen=True)
class DemoCouncil:
    name: str
    seed: int
    residents_requested: int
    organisations: tuple[DemoOrganisation, ...]
    roles: tuple[DemoRole, ...]
    teams: tuple[DemoTeam, ...]
    staff: tuple[DemoStaff, ...]
    sign_ins: tuple[DemoSignIn, ...]
    streets: tuple[DemoStreet, ...]
    properties: tuple[DemoProperty, ...]
    households: tuple[DemoHousehold, ...]
    password: str = DEMO_PASSWORD
    council_slug: str = field(default="kinloch")

    @property
    def resident_count(self) -> int:
        return sum(len(household.residents) for household in self.households)

    def gazetteer_rows(self) -> list[dict[str, str]]:
        return [place.gazetteer_row() for place in self.properties]
