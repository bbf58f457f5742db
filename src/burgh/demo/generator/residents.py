"""Invented residents in households: families, couples, sharers, twins, fathers and sons."""

import random
import re
from datetime import date, timedelta

from faker import Faker

from burgh.demo.generator.model import DemoHousehold, DemoMember, DemoPerson

# Ages are counted from this day, not today, so the same seed gives the same people every year.
REFERENCE_DATE = date(2026, 1, 1)

SCOTTISH_FAMILY_NAMES = (
    "MacLeod",
    "MacDonald",
    "McKenzie",
    "McIntyre",
    "MacKay",
    "McLean",
    "MacGregor",
    "McAllister",
    "MacInnes",
    "McPhee",
    "MacRae",
    "McCallum",
    "MacNeil",
    "McLaren",
    "Campbell",
    "Stewart",
    "Fraser",
    "Robertson",
    "Murray",
    "Grant",
    "Cameron",
    "Munro",
    "Ross",
    "Sinclair",
    "Ferguson",
    "Henderson",
    "Paterson",
    "Urquhart",
    "Buchanan",
    "Docherty",
    "Gillies",
    "Matheson",
)
SCOTTISH_GIVEN_NAMES = {
    "female": (
        "Eilidh",
        "Isla",
        "Morag",
        "Ailsa",
        "Catriona",
        "Mhairi",
        "Kirsty",
        "Fiona",
        "Shona",
        "Iona",
        "Rhona",
        "Seonaid",
        "Kirsteen",
        "Morven",
        "Euphemia",
        "Elspeth",
    ),
    "male": (
        "Callum",
        "Hamish",
        "Ewan",
        "Fraser",
        "Iain",
        "Rory",
        "Angus",
        "Alasdair",
        "Murdo",
        "Calum",
        "Ruaridh",
        "Euan",
        "Lachlan",
        "Duncan",
        "Finlay",
        "Gregor",
    ),
}
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

# (kind, weight): the share of households of each make-up.
HOUSEHOLD_KINDS = (
    ("single", 17),
    ("older_single", 13),
    ("couple", 16),
    ("older_couple", 9),
    ("family", 22),
    ("lone_parent", 7),
    ("father_and_son", 3),
    ("sharers", 6),
    ("three_generations", 3),
    ("couple_with_adult_child", 4),
)


class ResidentMaker:
    """Makes households one at a time from a seeded random source and a seeded Faker."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake
        self.kinds = [kind for kind, _ in HOUSEHOLD_KINDS]
        self.weights = [weight for _, weight in HOUSEHOLD_KINDS]

    def households(self, residents: int) -> list[list[DemoMember]]:
        """Households' members, `residents` people in all (the last household may be cut short)."""
        made: list[list[DemoMember]] = []
        count = 0
        while count < residents:
            kind = self.rng.choices(self.kinds, self.weights)[0]
            members = getattr(self, f"_{kind}")()[: residents - count]
            made.append(members)
            count += len(members)
        return made

    # Household make-ups; the householder comes first, always an adult.

    def _single(self) -> list[DemoMember]:
        return [self._member("householder", self._adult(22, 64))]

    def _older_single(self) -> list[DemoMember]:
        return [self._member("householder", self._adult(65, 96))]

    def _couple(self) -> list[DemoMember]:
        first = self._adult(24, 64)
        return [self._member("householder", first), self._member("partner", self._partner(first))]

    def _older_couple(self) -> list[DemoMember]:
        first = self._adult(65, 92)
        return [self._member("householder", first), self._member("partner", self._partner(first))]

    def _family(self) -> list[DemoMember]:
        first = self._adult(28, 52)
        members = [self._member("householder", first)]
        if self.rng.random() < 0.85:
            members.append(self._member("partner", self._partner(first)))
        members += self._children(first, self.rng.randint(1, 3))
        return members

    def _lone_parent(self) -> list[DemoMember]:
        first = self._adult(20, 50, sex="female" if self.rng.random() < 0.85 else "male")
        return [self._member("householder", first), *self._children(first, self.rng.randint(1, 3))]

    def _father_and_son(self) -> list[DemoMember]:
        # Same given and family name at one address: the person index must keep them apart.
        father = self._adult(46, 75, sex="male")
        members = [self._member("householder", father)]
        if self.rng.random() < 0.7:
            members.append(self._member("partner", self._partner(father)))
        son_born = self._born_between(father.date_of_birth, 20, 35)
        son = DemoPerson(
            father.given_name,
            father.family_name,
            son_born,
            *self._contact(father.given_name, father.family_name),
            sex="male",
        )
        members.append(self._member("child", son))
        return members

    def _sharers(self) -> list[DemoMember]:
        people = [self._adult(19, 38) for _ in range(self.rng.randint(2, 4))]
        return [self._member("householder", people[0])] + [
            self._member("sharer", person) for person in people[1:]
        ]

    def _three_generations(self) -> list[DemoMember]:
        first = self._adult(32, 50)
        members = [self._member("householder", first)]
        if self.rng.random() < 0.8:
            members.append(self._member("partner", self._partner(first)))
        grandparent_sex = self._sex()
        grandparent = DemoPerson(
            self._given_name(grandparent_sex),
            first.family_name,
            self._born_between(first.date_of_birth, -38, -22),
            sex=grandparent_sex,
        )
        members.append(self._member("parent", grandparent))
        members += self._children(first, self.rng.randint(1, 2))
        return members

    def _couple_with_adult_child(self) -> list[DemoMember]:
        first = self._adult(45, 68)
        child_born = self._born_between(first.date_of_birth, 20, 34)
        child_sex = self._sex()
        given = self._given_name(child_sex)
        child = DemoPerson(
            given,
            first.family_name,
            child_born,
            *self._contact(given, first.family_name),
            sex=child_sex,
        )
        return [
            self._member("householder", first),
            self._member("partner", self._partner(first)),
            self._member("child", child),
        ]

    # People.

    def _member(self, relationship: str, person: DemoPerson) -> DemoMember:
        return DemoMember(person, relationship)

    def _adult(self, youngest: int, oldest: int, sex: str | None = None) -> DemoPerson:
        sex = sex or self._sex()
        given = self._given_name(sex)
        family = self._family_name()
        born = REFERENCE_DATE - timedelta(days=self.rng.randint(youngest * 365, oldest * 365 + 364))
        return DemoPerson(given, family, born, *self._contact(given, family), sex=sex)

    def _partner(self, first: DemoPerson) -> DemoPerson:
        sex = self._sex()
        given = self._given_name(sex)
        # Most partners share a family name; some keep their own.
        family = first.family_name if self.rng.random() < 0.6 else self._family_name()
        born = first.date_of_birth + timedelta(days=self.rng.randint(-6 * 365, 6 * 365))
        born = min(born, REFERENCE_DATE - timedelta(days=18 * 365 + 5))
        return DemoPerson(given, family, born, *self._contact(given, family), sex=sex)

    def _children(self, parent: DemoPerson, count: int) -> list[DemoMember]:
        children = []
        parent_age_days = (REFERENCE_DATE - parent.date_of_birth).days
        for _ in range(count):
            # Born when the parent was 18 or older, and no later than the reference day.
            earliest = max(parent_age_days - 18 * 365 - 364, 0)
            born = REFERENCE_DATE - timedelta(days=self.rng.randint(0, min(earliest, 17 * 365)))
            sex = self._sex()
            children.append(DemoPerson(self._given_name(sex), parent.family_name, born, sex=sex))
            if count >= 2 and len(children) == 1 and self.rng.random() < 0.12:
                # Twins: same birthday and family name, different given names.
                twin_sex = self._sex()
                twin_name = self._given_name(twin_sex)
                while twin_name == children[0].given_name:
                    twin_sex = self._sex()
                    twin_name = self._given_name(twin_sex)
                children.append(DemoPerson(twin_name, parent.family_name, born, sex=twin_sex))
        return [self._member("child", child) for child in children[:count]]

    def _born_between(self, other: date, years_after_min: int, years_after_max: int) -> date:
        born = other + timedelta(
            days=self.rng.randint(years_after_min * 365, years_after_max * 365)
        )
        return min(born, REFERENCE_DATE - timedelta(days=18 * 365 + 5))

    def _sex(self) -> str:
        return "female" if self.rng.random() < 0.5 else "male"

    def _given_name(self, sex: str) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choice(SCOTTISH_GIVEN_NAMES[sex])
        return str(
            self.fake.first_name_female() if sex == "female" else self.fake.first_name_male()
        )

    def _family_name(self) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return f"{self._plain_family_name()}-{self._plain_family_name()}"
        return self._plain_family_name()

    def _plain_family_name(self) -> str:
        if self.rng.random() < 0.35:
            return self.rng.choice(SCOTTISH_FAMILY_NAMES)
        return str(self.fake.last_name())

    def _contact(self, given: str, family: str) -> tuple[str, str]:
        email = ""
        if self.rng.random() < 0.35:
            local = re.sub(r"[^a-z.]", "", f"{given}.{family}".lower())
            if self.rng.random() < 0.5:
                local += str(self.rng.randint(1, 99))
            email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
        phone = ""
        if self.rng.random() < 0.5:
            # Ofcom's ranges reserved for drama: never a real subscriber.
            if self.rng.random() < 0.7:
                phone = f"07700 900{self.rng.randint(0, 999):03d}"
            else:
                phone = f"01632 960{self.rng.randint(0, 999):03d}"
        return email, phone


def place_households(
    rng: random.Random, members: list[list[DemoMember]], homes: list[str]
) -> list[DemoHousehold]:
    """Put each household in its own home (UPRNs in `homes`); some homes stay empty."""
    if len(homes) < len(members):
        raise ValueError(f"{len(members)} households need as many homes; {len(homes)} given.")
    chosen = rng.sample(homes, len(members))
    households = []
    for uprn, people in zip(chosen, members, strict=True):
        moved_in = REFERENCE_DATE - timedelta(days=rng.randint(30, 30 * 365))
        # The householder moved in as an adult, and nobody moves in before they are born.
        householder_adult = people[0].person.date_of_birth + timedelta(days=18 * 365 + 5)
        youngest_birth = max(member.person.date_of_birth for member in people)
        moved_in = min(max(moved_in, householder_adult, youngest_birth), REFERENCE_DATE)
        households.append(DemoHousehold(uprn, moved_in, tuple(people)))
    return households
