"""What each council system and the health board hold about the residents, as they hold it.

The same resident is in several systems, each spelt and dated its own way: a nickname on the
social work file, "Mc" for "Mac" on the council tax, a day and month swapped by a school
office, a tenement flat written "2/1" in one system and "Flat 2/1" in another, a partner's
earlier family name on an old housing record. The person index must see through that
(linking), and must not be fooled by twins or a father and son of one name at one address.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from burgh.demo.generator.model import (
    DemoHousehold,
    DemoInvolvement,
    DemoPerson,
    DemoProperty,
    DemoSourceRecord,
    DemoSourceSystem,
    DemoStreet,
)
from burgh.demo.generator.residents import REFERENCE_DATE

SOURCE_SYSTEMS = (
    DemoSourceSystem("nhs-chi", "NHS Kinloch and Glens patient index (CHI)", 90),
    DemoSourceSystem("social-work", "Social work case records", 70),
    DemoSourceSystem("education", "Schools pupil records", 70),
    DemoSourceSystem("housing", "Housing management", 60),
    DemoSourceSystem("council-tax", "Council tax", 50),
    DemoSourceSystem("electoral-register", "Electoral register", 40),
)

# Informal forms a resident gives one office and not another (each a fact, not a rule).
INFORMAL_NAMES = {
    "Alexander": ("Alex", "Sandy"),
    "Alasdair": ("Ali",),
    "Andrew": ("Andy", "Drew"),
    "Angus": ("Gus",),
    "Anthony": ("Tony",),
    "Benjamin": ("Ben",),
    "Catherine": ("Kate", "Cathy"),
    "Catriona": ("Cat",),
    "Charles": ("Charlie",),
    "Christopher": ("Chris",),
    "Daniel": ("Danny", "Dan"),
    "David": ("Davie", "Dave"),
    "Deborah": ("Debbie",),
    "Donald": ("Donnie",),
    "Edward": ("Eddie", "Ted"),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "Elspeth": ("Elsie",),
    "Euphemia": ("Effie",),
    "Frances": ("Fran",),
    "Gregor": ("Greg",),
    "Hamish": ("Hamie",),
    "Helen": ("Nell",),
    "James": ("Jim", "Jamie"),
    "Jennifer": ("Jen", "Jenny"),
    "John": ("Jack", "Johnny"),
    "Joseph": ("Joe",),
    "Katherine": ("Kate", "Kathy"),
    "Kirsteen": ("Kirsty",),
    "Lachlan": ("Lachie",),
    "Margaret": ("Maggie", "Peggy"),
    "Matthew": ("Matt",),
    "Michael": ("Mike", "Mick"),
    "Nicholas": ("Nick",),
    "Patricia": ("Pat", "Trish"),
    "Patrick": ("Paddy", "Pat"),
    "Rebecca": ("Becky",),
    "Richard": ("Rick", "Dick"),
    "Robert": ("Rab", "Rob", "Bob", "Robbie"),
    "Samuel": ("Sam",),
    "Stephen": ("Steve",),
    "Susan": ("Sue",),
    "Thomas": ("Tom", "Tam"),
    "Victoria": ("Vicky",),
    "William": ("Bill", "Willie", "Liam"),
}
# Each system's id prefix and first number.
ID_FORMATS = {
    "social-work": ("SW", 40_000),
    "education": ("SCN", 100_000_000),
    "housing": ("HT", 10_000),
    "council-tax": ("CTR", 3_000_000),
    "electoral-register": ("ER", 1),
}
# The day each electoral register canvass is published.
REGISTER_PUBLISHED = date(2025, 12, 1)
SOCIAL_WORK_TEAMS = (
    "children-and-families-north",
    "children-and-families-south",
    "adult-social-work-kinloch",
    "adult-social-work-glens",
)


@dataclass(frozen=True)
class _Resident:
    index: int
    person: DemoPerson
    household: DemoHousehold
    relationship: str


def build_source_records(
    rng: random.Random,
    households: list[DemoHousehold],
    properties: list[DemoProperty],
    streets: list[DemoStreet],
    involvements: list[DemoInvolvement],
) -> list[DemoSourceRecord]:
    """Every system's records of the residents, oldest first (the order they would arrive)."""
    maker = _SourceMaker(rng, properties, streets)
    residents = [
        _Resident(index, member.person, household, member.relationship)
        for index, (household, member) in enumerate(
            (household, member) for household in households for member in household.members
        )
    ]
    social_work = {i.person for i in involvements if i.team in SOCIAL_WORK_TEAMS}
    for resident in residents:
        maker.health_record(resident)
        age = _age(resident.person.date_of_birth)
        if 4 <= age <= 17:
            maker.pupil_record(resident)
        if age >= 16:
            maker.register_record(resident)
        if resident.index in social_work:
            maker.social_work_record(resident)
    for household in households:
        maker.household_records(household, residents)
    twins = _twins(residents)
    if twins:
        maker.school_meals_record(twins[0][1])
    # Everyone is known to some system: a resident no other system holds is at least
    # registered with a GP (the health board's index covers nearly everyone).
    covered = {record.person for record in maker.records}
    for resident in residents:
        if resident.index not in covered:
            maker.health_record(resident, always=True)
    return sorted(maker.records, key=lambda r: (r.received_on, r.system, r.source_id))


def _twins(residents: list[_Resident]) -> list[tuple[_Resident, _Resident]]:
    """Children of one household born the same day: the pairs the index must keep apart."""
    pairs = []
    for first, second in itertools.pairwise(residents):
        if (
            first.household is second.household
            and first.relationship == second.relationship == "child"
            and first.person.date_of_birth == second.person.date_of_birth
        ):
            pairs.append((first, second))
    return pairs


def _age(born: date) -> int:
    years = REFERENCE_DATE.year - born.year
    return years - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))


class _SourceMaker:
    def __init__(
        self, rng: random.Random, properties: list[DemoProperty], streets: list[DemoStreet]
    ) -> None:
        self.rng = rng
        self.properties = {unit.uprn: unit for unit in properties}
        self.homes = [unit.uprn for unit in properties if unit.residential]
        self.streets = {street.usrn: street for street in streets}
        self.records: list[DemoSourceRecord] = []
        self.sequences = {system: start for system, (_code, start) in ID_FORMATS.items()}
        self.chi_numbers: set[str] = set()

    # One system at a time.

    def health_record(self, resident: _Resident, *, always: bool = False) -> None:
        """Nearly everyone is registered with a GP: the health board's index is the fullest."""
        if self.rng.random() > 0.96 and not always:
            return
        person = resident.person
        attributes = {
            **self._name(person, informal=0.0, mac=0.0, typo=0.01),
            "date_of_birth": person.date_of_birth.isoformat(),
            "sex": person.sex,
            **self._address(resident.household.uprn, style="formal"),
            "phone": self._phone(person.phone, 0.3),
            "identifier": self._chi(person),
        }
        registered = max(person.date_of_birth, REFERENCE_DATE - timedelta(days=3 * 365))
        chi = attributes["identifier"]
        self._add("nhs-chi", f"CHI-{chi}", resident, attributes, self._after(registered, 900))

    def pupil_record(self, resident: _Resident) -> None:
        person = resident.person
        attributes = {
            **self._name(person, informal=0.05, mac=0.05, typo=0.02),
            "date_of_birth": self._slipped_date(person.date_of_birth, 0.05),
            "sex": person.sex,
            **self._address(resident.household.uprn, style="formal"),
        }
        enrolled = date(REFERENCE_DATE.year - 1, 8, 15)
        self._add("education", None, resident, attributes, enrolled)

    def school_meals_record(self, resident: _Resident) -> None:
        """A free school meals list that gives a twin's initial only: either twin fits it."""
        person = resident.person
        attributes = {
            "given_name": person.given_name[0],
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat(),
            **self._address(resident.household.uprn, style="formal"),
        }
        self._add(
            "education", "FSM000001", resident, attributes, date(REFERENCE_DATE.year - 1, 9, 1)
        )

    def register_record(self, resident: _Resident) -> None:
        if self.rng.random() > 0.88:
            return
        person = resident.person
        attributes = {
            **self._name(person, informal=0.02, mac=0.1, typo=0.01),
            **self._address(resident.household.uprn, style="register"),
        }
        self._add("electoral-register", None, resident, attributes, REGISTER_PUBLISHED)

    def social_work_record(self, resident: _Resident) -> None:
        person = resident.person
        attributes = {
            **self._name(person, informal=0.3, mac=0.05, typo=0.02),
            "date_of_birth": self._slipped_date(person.date_of_birth, 0.06),
            "sex": person.sex,
            **self._address(resident.household.uprn, style="casual"),
            "phone": self._phone(person.phone, 0.5),
            "email": person.email,
        }
        opened = self._after(REFERENCE_DATE - timedelta(days=3 * 365), 1000)
        self._add("social-work", None, resident, attributes, opened)

    def household_records(self, household: DemoHousehold, residents: list[_Resident]) -> None:
        """The council tax account holders, and the tenants where the council is the landlord."""
        members = [r for r in residents if r.household is household]
        adults = [r for r in members if _age(r.person.date_of_birth) >= 18]
        if not adults:
            return
        payers = adults[:2] if len(adults) > 1 and self.rng.random() < 0.5 else adults[:1]
        account_opened = max(household.moved_in_on, REFERENCE_DATE - timedelta(days=6 * 365))
        for payer in payers:
            person = payer.person
            attributes = {
                **self._name(person, informal=0.08, mac=0.25, typo=0.02),
                **self._address(household.uprn, style="upper"),
                "email": person.email if self.rng.random() < 0.7 else "",
                "phone": self._phone(person.phone, 0.5),
            }
            self._add("council-tax", None, payer, attributes, account_opened)
        if self.rng.random() < 0.24:
            for tenant in adults[:2]:
                self._tenancy(tenant, household)

    def _tenancy(self, tenant: _Resident, household: DemoHousehold) -> None:
        person = tenant.person
        attributes = {
            **self._name(person, informal=0.1, mac=0.1, typo=0.02),
            "date_of_birth": self._slipped_date(person.date_of_birth, 0.04),
            **self._address(household.uprn, style="casual"),
            "phone": self._phone(person.phone, 0.4),
            "email": person.email,
        }
        self._add("housing", None, tenant, attributes, household.moved_in_on)
        if self.rng.random() < 0.15:
            # An earlier tenancy elsewhere, before they moved here: the golden address must
            # be the newer one. A partner may have been known by an earlier family name.
            earlier = dict(attributes)
            earlier.update(self._address(self.rng.choice(self.homes), style="casual"))
            if tenant.relationship == "partner" and self.rng.random() < 0.5:
                earlier["family_name"] = self.rng.choice(_EARLIER_FAMILY_NAMES)
            moved_out = household.moved_in_on - timedelta(days=self.rng.randint(30, 400))
            self._add("housing", None, tenant, earlier, max(moved_out, person.date_of_birth))

    # Pieces.

    def _add(
        self,
        system: str,
        source_id: str | None,
        resident: _Resident,
        attributes: dict[str, str],
        received_on: date,
    ) -> None:
        if source_id is None:
            code, _start = ID_FORMATS[system]
            number = self.sequences[system]
            self.sequences[system] += self.rng.randint(1, 4)
            source_id = f"{code}{number:06d}"
        self.records.append(
            DemoSourceRecord(
                system=system,
                source_id=source_id,
                person=resident.index,
                attributes=tuple((name, value) for name, value in attributes.items() if value),
                received_on=min(received_on, REFERENCE_DATE),
            )
        )

    def _after(self, start: date, days: int) -> date:
        return min(start + timedelta(days=self.rng.randint(0, days)), REFERENCE_DATE)

    def _name(
        self, person: DemoPerson, *, informal: float, mac: float, typo: float
    ) -> dict[str, str]:
        given, family = person.given_name, person.family_name
        if given in INFORMAL_NAMES and self.rng.random() < informal:
            given = self.rng.choice(INFORMAL_NAMES[given])
        if self.rng.random() < mac:
            if family.startswith("Mac"):
                family = "Mc" + family[3:]
            elif family.startswith("Mc"):
                family = "Mac" + family[2:]
        if self.rng.random() < typo:
            if self.rng.random() < 0.5:
                given = self._transposed(given)
            else:
                family = self._transposed(family)
        return {"given_name": given, "family_name": family}

    def _transposed(self, word: str) -> str:
        if len(word) < 4:
            return word
        at = self.rng.randint(1, len(word) - 3)
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]

    def _slipped_date(self, born: date, chance: float) -> str:
        if self.rng.random() >= chance:
            return born.isoformat()
        if born.day <= 12 and born.day != born.month and self.rng.random() < 0.6:
            return date(born.year, born.day, born.month).isoformat()
        # One digit of the day typed wrong.
        for day in (born.day + 1, born.day - 1):
            try:
                return born.replace(day=day).isoformat()
            except ValueError:
                continue
        return born.isoformat()

    def _address(self, uprn: str, *, style: str) -> dict[str, str]:
        unit = self.properties[uprn]
        street = self.streets[unit.usrn]
        flat = unit.sub_building
        if style in ("casual", "register") and flat.startswith("Flat ") and "/" in flat:
            flat = flat.removeprefix("Flat ")
        lines = [
            flat,
            unit.building_name,
            f"{unit.building_number} {street.name}".strip(),
            street.locality if style != "casual" else "",
            street.town,
        ]
        address = ", ".join(line for line in lines if line)
        postcode = unit.postcode
        if style == "upper":
            address, postcode = address.upper(), postcode.replace(" ", "")
        elif style == "casual" and self.rng.random() < 0.3:
            postcode = postcode.lower()
        return {"address": address, "postcode": postcode, "uprn": uprn if style != "casual" else ""}

    def _phone(self, phone: str, international: float) -> str:
        if not phone:
            return ""
        if self.rng.random() < international:
            return "+44 " + phone.removeprefix("0")
        return phone.replace(" ", "") if self.rng.random() < 0.5 else phone

    def _chi(self, person: DemoPerson) -> str:
        """A CHI number: date of birth, two digits, a sex digit (odd male), a check digit."""
        while True:
            middle = self.rng.randint(0, 99)
            sex_digit = self.rng.choice(
                (1, 3, 5, 7, 9) if person.sex == "male" else (0, 2, 4, 6, 8)
            )
            digits = f"{person.date_of_birth:%d%m%y}{middle:02d}{sex_digit}"
            total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
            check = (11 - total % 11) % 11
            if check == 10:
                continue
            chi = f"{digits}{check}"
            if chi not in self.chi_numbers:
                self.chi_numbers.add(chi)
                return chi


_EARLIER_FAMILY_NAMES = (
    "Baird",
    "Crawford",
    "Dunlop",
    "Gibson",
    "Hamilton",
    "Kerr",
    "Lindsay",
    "Mitchell",
    "Reid",
    "Wallace",
)
