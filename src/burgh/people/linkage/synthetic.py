"""Invented Scottish residents as six council systems hold them, with the truth and the traps.

`generate(n_people, seed=...)` makes a population of households at addresses (tenement flats
among them) in the towns of an invented council, then writes each resident into the systems
that would know them, each system with its own habits: nicknames where staff know people
informally, full forenames on the electoral register, dates of birth missing or year-only where
a system never needed them, flats written "2/1 14 Main St" or "Flat 2/1, 14 Main Street",
postcodes without the space, typos, married names, and the old address in a system nobody told
about the move. The truth (which resident each record is) comes with it, and the pairs of
records of different residents that a linker is most likely to merge by mistake: twins, a
father and son of one name at one address, spouses, and namesakes in one town.

Everything is deterministic for a seed and made up: postcodes use the area "KL", which no real
postcode uses; emails use reserved example domains.
"""

from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import accumulate

from burgh.people.linkage import synthetic_names as names
from burgh.people.linkage.features import FIELDS, OPTIONAL_FIELDS
from burgh.people.linkage.synthetic_records import REFERENCE_DATE, SYSTEMS, Dice, RecordWriter

__all__ = [
    "HARD_NEGATIVE_KINDS",
    "RECORD_FIELDS",
    "REFERENCE_DATE",
    "SYSTEMS",
    "Generated",
    "generate",
]

RECORD_FIELDS = ("key", "source_system", "source_id", *FIELDS, *OPTIONAL_FIELDS)
HARD_NEGATIVE_KINDS = ("twins", "generations", "spouses", "namesakes")

# (kind, weight): the share of households of each make-up.
HOUSEHOLD_KINDS = (
    ("single", 17),
    ("older_single", 12),
    ("couple", 15),
    ("older_couple", 9),
    ("family", 22),
    ("lone_parent", 7),
    ("father_and_son", 4),
    ("sharers", 6),
    ("three_generations", 3),
    ("couple_with_adult_child", 5),
)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in a postcode's unit
UNITS_PER_DISTRICT = 10 * len(UNIT_LETTERS) ** 2
POSTCODE_STEP = 1237  # coprime with UNITS_PER_DISTRICT: postcodes look varied, never repeat
FIRST_UPRN = 134100000000
YEAR = 365.2425


@dataclass
class Generated:
    """Source records, the resident each record truly is, and the known traps between them."""

    records: list[dict[str, str]]
    truth: dict[str, int]
    hard_negative_pairs: list[tuple[str, str, str]]

    def residents(self) -> int:
        return len(set(self.truth.values()))


@dataclass(slots=True)
class Address:
    uprn: str
    town: int
    number: int
    street: str
    kind: int  # index into names.STREET_KINDS
    postcode: str
    floor: int = -1  # -1 for a house; 0 is the ground floor of a tenement
    door: int = 0
    doors_per_floor: int = 0


@dataclass(slots=True)
class Resident:
    id: int
    sex: str  # "M" or "F"
    given: str
    middle: str
    family: str
    birth_family: str  # differs from `family` after a change of name on marriage
    dob: date
    age: int
    household: int
    role: str  # householder, partner, child, parent, sharer
    address: Address | None = None
    previous: Address | None = None  # the home before a move, which some systems still hold
    email: str = ""
    old_email: str = ""
    mobile: str = ""
    landline: str = ""
    chi: str = ""
    contact: "Resident | None" = None  # the parent a child's records give as contact
    tenant: bool = False  # the household rents from the council
    named_after_parent: bool = False


def _weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], list[int]]:
    return tuple(name for name, _ in pairs), list(accumulate(weight for _, weight in pairs))


@dataclass
class _Town:
    index: int
    name: str
    districts: tuple[int, ...]
    tenement_share: float
    dial_code: str
    streets: list[tuple[str, int]] = field(default_factory=list)
    street_length: int = 0
    next_number: int = 1
    building: list[Address] = field(default_factory=list)  # flats still empty in the tenement
    adults: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {"M": [], "F": []})
    postcode: str = ""
    postcode_left: int = 0  # addresses the current postcode still covers
    district: int = 0


class Population:
    """Builds households of residents at addresses, one household at a time, from one seed."""

    def __init__(self, rng: Dice) -> None:
        self.rng = rng
        self.residents: list[Resident] = []
        self.pairs: list[tuple[int, int, str]] = []  # resident pairs a linker must keep apart
        self.towns = [
            _Town(i, name, districts, share, dial)
            for i, (name, districts, _, _style, share, dial) in enumerate(names.TOWNS)
        ]
        self.town_weights = list(accumulate(town[2] for town in names.TOWNS))
        self.kinds, self.kind_weights = _weighted(HOUSEHOLD_KINDS)
        self.family_names, self.family_weights = _weighted(names.FAMILY_NAMES)
        self.given_names = {
            (sex, era): _weighted(table)
            for sex, eras in names.GIVEN_NAMES.items()
            for era, table in eras.items()
        }
        self.next_uprn = FIRST_UPRN
        self.postcodes_used = dict.fromkeys(range(1, 12), 0)
        self.households = 0
        self.taken: set[str] = set()  # emails, phone numbers and CHI numbers already given out

    # Households.

    def grow(self, n_people: int) -> None:
        while len(self.residents) < n_people:
            kind = self.kinds[bisect(self.kind_weights, self.rng.random() * self.kind_weights[-1])]
            town = self.towns[bisect(self.town_weights, self.rng.random() * self.town_weights[-1])]
            start = len(self.residents)
            self.households += 1
            getattr(self, f"_{kind}")(town)
            # The last household may be cut short to give exactly n_people.
            self._settle(town, self.residents[start:n_people])
        del self.residents[n_people:]
        self.pairs = [p for p in self.pairs if p[0] < n_people and p[1] < n_people]

    def _single(self, town: _Town) -> None:
        self._adult(town, 20, 64, "householder")

    def _older_single(self, town: _Town) -> None:
        self._adult(town, 65, 97, "householder")

    def _couple(self, town: _Town) -> None:
        self._partner(self._adult(town, 22, 64, "householder"), town)

    def _older_couple(self, town: _Town) -> None:
        self._partner(self._adult(town, 65, 92, "householder"), town)

    def _family(self, town: _Town) -> None:
        first = self._adult(town, 26, 54, "householder", sex="M" if self.rng.random() < 0.8 else "")
        second = self._partner(first, town) if self.rng.random() < 0.88 else None
        self._children(first, second, self.rng.randint(1, 4), oldest=17)

    def _lone_parent(self, town: _Town) -> None:
        parent = self._adult(
            town, 20, 52, "householder", sex="F" if self.rng.random() < 0.85 else "M"
        )
        self._children(parent, None, self.rng.randint(1, 3), oldest=17)

    def _father_and_son(self, town: _Town) -> None:
        # One name, one address, a generation apart: the case that hurts most when merged.
        father = self._adult(town, 45, 82, "householder", sex="M")
        if self.rng.random() < 0.6:
            self._partner(father, town)
        gap = self.rng.randint(20, min(40, father.age - 16))
        self._child(father, None, father.age - gap, father.age - gap, named=True, sex="M")

    def _sharers(self, town: _Town) -> None:
        for i in range(self.rng.randint(2, 4)):
            self._adult(town, 19, 38, "householder" if i == 0 else "sharer")

    def _three_generations(self, town: _Town) -> None:
        first = self._adult(town, 32, 50, "householder")
        second = self._partner(first, town) if self.rng.random() < 0.8 else None
        elder = self._make(
            self._sex(),
            self.rng.randint(first.age + 20, min(first.age + 38, 99)),
            first.family,
            first.household,
            "parent",
        )
        if elder.sex == first.sex and self.rng.random() < 0.15:
            # A parent named after the grandparent.
            first.given, first.middle = elder.given, elder.middle
            self.pairs.append((elder.id, first.id, "generations"))
        self._children(first, second, self.rng.randint(1, 2), oldest=17)

    def _couple_with_adult_child(self, town: _Town) -> None:
        first = self._adult(town, 44, 70, "householder")
        second = self._partner(first, town)
        self._children(first, second, self.rng.randint(1, 2), youngest=18, oldest=first.age - 20)

    # People.

    def _adult(self, town: _Town, youngest: int, oldest: int, role: str, sex: str = "") -> Resident:
        sex = sex or self._sex()
        age = self.rng.randint(youngest, oldest)
        resident = self._make(sex, age, self._family_name(), self.households, role)
        known = town.adults[sex]
        if known and self.rng.random() < 0.03:
            # A namesake of someone already in the town.
            resident.given, resident.family = known[self.rng.randrange(len(known))]
            resident.birth_family = resident.family
        elif role == "householder":
            known.append((resident.given, resident.family))
        return resident

    def _partner(self, first: Resident, town: _Town) -> Resident:
        sex = first.sex if self.rng.random() < 0.03 else ("F" if first.sex == "M" else "M")
        age = max(18, first.age + self.rng.randint(-6, 6))
        partner = self._make(sex, age, self._family_name(), first.household, "partner")
        wife, husband = (partner, first) if sex == "F" else (first, partner)
        if wife.sex == "F" and husband.sex == "M":
            took_name = 0.92 if wife.age > 60 else 0.65
            if self.rng.random() < took_name:
                wife.family = husband.family
        self.pairs.append((first.id, partner.id, "spouses"))
        if self.rng.random() < 0.12:
            # One address for the two of them: "smithfamily@", "johnandmary@".
            joint = (
                f"{_ascii(first.family)}family"
                if self.rng.random() < 0.5
                else f"{_ascii(first.given)}and{_ascii(partner.given)}"
            )
            first.email = partner.email = self._email_at(joint)
        return partner

    def _children(
        self,
        first: Resident,
        second: Resident | None,
        count: int,
        *,
        oldest: int,
        youngest: int = 0,
    ) -> None:
        mother = first if first.sex == "F" else second
        parent_age = min(first.age, second.age if second else first.age)
        oldest = min(oldest, parent_age - 18)
        if oldest < youngest:
            return
        born: list[Resident] = []
        for _ in range(count):
            child = self._child(first, mother, youngest, oldest)
            born.append(child)
            # About one birth in sixty is twins; more here, so a small run still meets them.
            if self.rng.random() < 0.04:
                twin = self._child(first, mother, child.age, child.age, may_be_named=False)
                twin.dob = child.dob
                twin.chi = self._chi(twin.dob, twin.sex)
                while _same_name(twin.given, child.given):
                    twin.given = self._given(twin.sex, twin.dob.year)
                self.pairs.append((child.id, twin.id, "twins"))
                born.append(twin)

    def _child(
        self,
        first: Resident,
        mother: Resident | None,
        youngest: int,
        oldest: int,
        *,
        named: bool = False,
        may_be_named: bool = True,
        sex: str = "",
    ) -> Resident:
        """A child of `first` (whose family name they take) and `mother` if she is another."""
        sex = sex or self._sex()
        age = self.rng.randint(youngest, oldest)
        child = self._make(sex, age, first.family, first.household, "child")
        parent = first if first.sex == sex else mother
        if parent is not None and (named or (may_be_named and self.rng.random() < 0.08)):
            child.given = parent.given
            child.middle = parent.middle if self.rng.random() < 0.5 else child.middle
            child.named_after_parent = True
            self.pairs.append((parent.id, child.id, "generations"))
        if child.age < 16:
            child.contact = mother or first
        return child

    def _make(self, sex: str, age: int, family: str, household: int, role: str) -> Resident:
        rng = self.rng
        dob = date.fromordinal(REFERENCE_DATE.toordinal() - int(age * YEAR) - rng.randint(1, 364))
        age = _age(dob)
        given = self._given(sex, dob.year)
        roll = rng.random()
        if roll < 0.55:
            middle = self._given(sex, dob.year)
            middle = "" if middle == given else middle
        elif roll < 0.62:
            middle = self._family_name()  # a family name given as a middle name
        else:
            middle = ""
        resident = Resident(
            len(self.residents), sex, given, middle, family, family, dob, age, household, role
        )
        resident.chi = self._chi(dob, sex)
        if age >= 14 and rng.random() < (0.88 if age < 75 else 0.55):
            resident.mobile = self._unique(lambda: f"07{rng.randrange(10**9):09d}")
        if age >= 13 and rng.random() < (0.78 if age >= 18 else 0.4):
            resident.email = self._email(given, family)
            if rng.random() < 0.15:
                resident.old_email = self._email(given, family)
        self.residents.append(resident)
        return resident

    def _settle(self, town: _Town, members: list[Resident]) -> None:
        """Give the household its home, a landline, and sometimes the home they moved from."""
        if not members:
            return
        rng = self.rng
        home = self._home(town)
        oldest = max(member.age for member in members)
        landline = ""
        if rng.random() < (0.7 if oldest >= 65 else 0.3):
            landline = self._unique(lambda: f"{town.dial_code}{rng.randrange(10**6):06d}")
        previous = None
        if rng.random() < 0.2:
            moved_from = town if rng.random() < 0.8 else self.towns[rng.randrange(len(self.towns))]
            previous = self._home(moved_from)
        tenant = rng.random() < (0.45 if home.floor >= 0 else 0.2)
        for member in members:
            member.address, member.landline, member.tenant = home, landline, tenant
            if previous is not None and (member.age >= 1 or member.role != "child"):
                member.previous = previous

    # Addresses.

    def _home(self, town: _Town) -> Address:
        rng = self.rng
        if town.street_length <= town.next_number:
            self._new_street(town)
        street, kind = town.streets[-1]
        if rng.random() < town.tenement_share:
            if not town.building:
                number = self._take_number(town)
                floors, doors = rng.randint(3, 5), rng.choice((2, 2, 3))
                postcode = self._claim_postcode(town, floors * doors)
                town.building = [
                    Address("", town.index, number, street, kind, postcode, floor, door, doors)
                    for floor in range(floors)
                    for door in range(1, doors + 1)
                ]
            home = town.building.pop(0)
        else:
            number = self._take_number(town)
            home = Address("", town.index, number, street, kind, self._claim_postcode(town, 1))
        home.uprn = str(self.next_uprn)
        self.next_uprn += 1
        return home

    def _take_number(self, town: _Town) -> int:
        number = town.next_number
        town.next_number += 1 if self.rng.random() < 0.7 else 2
        return number

    def _claim_postcode(self, town: _Town, addresses: int) -> str:
        """The postcode for the next `addresses` on the street: a unit covers about fifteen."""
        if town.postcode_left <= 0:
            town.postcode = self._postcode(town.district)
            town.postcode_left = self.rng.randint(8, 22)
        town.postcode_left -= addresses
        return town.postcode

    def _new_street(self, town: _Town) -> None:
        rng = self.rng
        used = set(town.streets)
        while True:
            street = (rng.choice(names.STREET_STEMS), rng.randrange(len(names.STREET_KINDS)))
            if street not in used or len(used) > 900:
                break
        town.streets.append(street)
        town.street_length = rng.randint(12, 90)
        town.next_number = 1
        town.building = []
        town.district = town.districts[rng.randrange(len(town.districts))]
        town.postcode_left = 0

    def _postcode(self, district: int) -> str:
        count = self.postcodes_used[district]
        self.postcodes_used[district] = count + 1
        unit = (count * POSTCODE_STEP + 17) % UNITS_PER_DISTRICT
        sector, rest = divmod(unit, len(UNIT_LETTERS) ** 2)
        first, second = divmod(rest, len(UNIT_LETTERS))
        return f"KL{district} {sector}{UNIT_LETTERS[first]}{UNIT_LETTERS[second]}"

    # Names and numbers.

    def _sex(self) -> str:
        return "F" if self.rng.random() < 0.51 else "M"

    def _given(self, sex: str, year: int) -> str:
        era = "old" if year < 1960 else "mid" if year < 1990 else "young"
        table, weights = self.given_names[(sex, era)]
        return table[bisect(weights, self.rng.random() * weights[-1])]

    def _family_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.015:
            return f"{self._plain_family_name()}-{self._plain_family_name()}"
        return self._plain_family_name()

    def _plain_family_name(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:
            prefix = "Mac" if rng.random() < 0.6 else "Mc"
            return prefix + rng.choice(names.TAIL_MAC_STEMS)
        if roll < 0.35:
            return rng.choice(names.TAIL_PREFIXES) + rng.choice(names.TAIL_SUFFIXES)
        weights = self.family_weights
        return self.family_names[bisect(weights, rng.random() * weights[-1])]

    def _email(self, given: str, family: str) -> str:
        rng = self.rng
        first, last = _ascii(given), _ascii(family)
        shape = rng.randrange(5)
        local = (
            f"{first}.{last}",
            f"{first}{last}",
            f"{first[:1]}.{last}",
            f"{last}{first[:1]}",
            f"{first}_{last}",
        )[shape].strip(".")
        if rng.random() < 0.4:
            local += str(rng.randint(1, 99))
        return self._email_at(local)

    def _email_at(self, local: str) -> str:
        rng = self.rng
        domain = names.EMAIL_DOMAINS[rng.randrange(len(names.EMAIL_DOMAINS))]
        email = f"{local}@{domain}"
        while email in self.taken:
            email = f"{local}{rng.randint(1, 9999)}@{domain}"
        self.taken.add(email)
        return email

    def _chi(self, dob: date, sex: str) -> str:
        """A CHI number: date of birth, two digits, a sex digit (odd for male), a check digit."""
        rng = self.rng
        day, month, year = dob.day, dob.month, dob.year % 100
        born_total = ((day // 10) * 10 + (day % 10) * 9 + (month // 10) * 8 + (month % 10) * 7) + (
            (year // 10) * 6 + (year % 10) * 5
        )
        while True:
            draw = rng.randrange(500)  # two serial digits, then the sex digit's five choices
            serial, sex_digit = draw // 5, (draw % 5) * 2 + (1 if sex == "M" else 0)
            total = born_total + (serial // 10) * 4 + (serial % 10) * 3 + sex_digit * 2
            check = (11 - total % 11) % 11
            if check == 10:
                continue
            chi = f"{day:02d}{month:02d}{year:02d}{serial:02d}{sex_digit}{check}"
            if chi not in self.taken:
                self.taken.add(chi)
                return chi

    def _unique(self, make: Callable[[], str]) -> str:
        while (value := make()) in self.taken:
            pass
        self.taken.add(value)
        return value


def _age(born: date) -> int:
    return int((REFERENCE_DATE.toordinal() - born.toordinal()) / YEAR)


@cache
def _ascii(name: str) -> str:
    return "".join(c for c in name.lower() if "a" <= c <= "z")


def _same_name(one: str, other: str) -> bool:
    """Whether two forenames could be written alike (one a nickname or spelling of the other)."""
    if one == other:
        return True
    forms = {one, *names.NICKNAMES.get(one, ()), *names.SPELLINGS.get(one, ())}
    return bool(forms & {other, *names.NICKNAMES.get(other, ()), *names.SPELLINGS.get(other, ())})


def generate(n_people: int, *, seed: int = 0, hard_negatives: bool = True) -> Generated:
    """`n_people` residents written into the council's systems; deterministic for `seed`.

    With `hard_negatives=False` the traps are left out (no twins, namesakes or parents and
    children of one name; spouses keep their own family names and contacts), for a baseline.
    """
    if n_people < 1:
        raise ValueError(f"n_people must be at least 1, not {n_people}.")
    rng = Dice(seed)
    population = Population(rng)
    population.grow(n_people)
    residents = population.residents
    pairs = population.pairs
    if not hard_negatives:
        _remove_traps(population)
        pairs = []
    else:
        pairs = pairs + _namesakes(residents, {(a, b) for a, b, _ in pairs})
    writer = RecordWriter(Dice(seed + 1), len(names.TOWNS))
    by_resident = writer.write(residents)
    records = [record for written in by_resident for record in written]
    rng.shuffle(records)
    truth = {
        record["key"]: resident.id
        for resident, written in zip(residents, by_resident, strict=True)
        for record in written
    }
    hard = [
        (left["key"], right["key"], kind)
        for a, b, kind in pairs
        for left in by_resident[a]
        for right in by_resident[b]
    ]
    return Generated(records, truth, hard)


def _namesakes(
    residents: list[Resident], related: set[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Residents of one town with the same forename and family name, as a chain per name."""
    last_seen: dict[tuple[int, str, str], int] = {}
    found = []
    for resident in residents:
        assert resident.address is not None
        name = (resident.address.town, resident.given, resident.family)
        before = last_seen.get(name)
        if (
            before is not None
            and (before, resident.id) not in related
            and residents[before].household != resident.household
        ):
            found.append((before, resident.id, "namesakes"))
        last_seen[name] = resident.id
    return found


def _remove_traps(population: Population) -> None:
    rng = population.rng
    for a, b, kind in population.pairs:
        one, other = population.residents[a], population.residents[b]
        if kind in ("twins", "generations"):
            while _same_name(other.given, one.given):
                other.given = population._given(other.sex, other.dob.year)
            other.named_after_parent = False
            if kind == "twins":
                other.dob = date.fromordinal(other.dob.toordinal() - rng.randint(400, 900))
                other.age = _age(other.dob)
                other.chi = population._chi(other.dob, other.sex)
        if kind == "spouses" and one.email == other.email:
            other.email = population._email(other.given, other.family)
    seen: dict[tuple[int, str, str], int] = {}
    for resident in population.residents:
        assert resident.address is not None
        while (resident.address.town, resident.given, resident.family) in seen:
            resident.given = population._given(resident.sex, resident.dob.year)
        seen[(resident.address.town, resident.given, resident.family)] = resident.id
