"""How each council system writes a synthetic resident: its own habits with names, dates, addresses.

Part of the synthetic residents generator (`burgh.people.linkage.synthetic`): the population
there knows the truth about each resident; `RecordWriter` decides which systems hold them and
writes each record as that system would.
"""

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import TYPE_CHECKING, TypeVar

from burgh.people.linkage import synthetic_names as names

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

    from burgh.people.linkage.synthetic import Address, Resident

T = TypeVar("T")

SYSTEMS = (
    "council_tax",
    "housing",
    "social_work",
    "education",
    "electoral_register",
    "nhs_grampian",
)
# Ages are counted from this day, so a seed gives the same residents every year.
REFERENCE_DATE = date(2026, 1, 1)
ORDINALS = ("Ground", "1st", "2nd", "3rd", "4th", "5th", "6th")
MAC_PREFIXES = ("Mac", "Mc")


class Dice(random.Random):
    """`random.Random` with quicker whole-number draws, taken from one `random()` each.

    The generator makes tens of millions of small draws; the standard ones spend most of their
    time checking arguments. The bias of scaling a float is far below anything measured here.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        if step == 1:
            return start + int(self.random() * (stop - start))
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: "SupportsLenAndGetItem[T]") -> T:
        return seq[int(self.random() * len(seq))]


@dataclass(frozen=True)
class Habits:
    """One system's habits: each figure is the share of its records written that way."""

    nickname: float = 0.0
    spelling: float = 0.0
    initial: float = 0.0
    middle: float = 0.0  # the middle name written into the forename field
    upper: float = 0.0  # names in capitals
    upper_family: float = 0.0
    name_typo: float = 0.0
    mac: float = 0.0  # Mac written Mc, Mc written Mac, or split from the name
    double_barrel: float = 0.3  # a double-barrelled name written with a space, or one half
    maiden: float = 0.0  # a married woman still under her birth family name
    dob_missing: float = 0.0
    named_dob_missing: float = 0.0  # more missing for a son or daughter named after a parent
    dob_year: float = 0.0
    dob_slip: float = 0.0  # day/month swapped, a digit wrong, the year's digits turned round
    stale_address: float = 0.0  # still the address before a move
    old_account: float = 0.0  # a second record at the address before a move
    duplicate: float = 0.0  # a second record made by mistake
    # Ways of writing a flat: canonical before the street, canonical after it, without the word
    # "Flat", numbered from the ground floor, or spoken ("2nd Floor Left").
    flats: tuple[float, float, float, float, float] = (1, 0, 0, 0, 0)
    short_street: float = 0.3
    town: float = 0.5
    address_upper: float = 0.0
    address_typo: float = 0.0
    postcode_missing: float = 0.02
    postcode_squashed: float = 0.1
    postcode_lower: float = 0.02
    postcode_typo: float = 0.005
    email: float = 0.0
    old_email: float = 0.0
    email_case: float = 0.05
    phone: float = 0.0
    landline_first: float = 0.3
    sex_missing: float = 0.0
    sex_words: float = 0.0  # "Male" and "Female" rather than "M" and "F"
    identifier: float = 0.0
    uprn: float = 0.0


HABITS = {
    "council_tax": Habits(
        nickname=0.03, spelling=0.03, initial=0.08, upper=0.45, name_typo=0.02, mac=0.05,
        maiden=0.04, dob_missing=0.55, named_dob_missing=0.3, dob_year=0.1, dob_slip=0.01,
        old_account=0.5, flats=(0.5, 0.2, 0.3, 0, 0), short_street=0.5, town=0.3,
        address_upper=0.45, address_typo=0.01, email=0.4, phone=0.55, landline_first=0.5,
        sex_missing=0.6, uprn=0.95,
    ),
    "housing": Habits(
        nickname=0.15, spelling=0.05, middle=0.05, name_typo=0.03, mac=0.08, maiden=0.1,
        dob_missing=0.1, named_dob_missing=0.3, dob_year=0.05, dob_slip=0.02,
        stale_address=0.1, old_account=0.1, flats=(0.3, 0.1, 0.1, 0.5, 0), town=0.5,
        address_typo=0.02, email=0.5, phone=0.8, sex_missing=0.05, sex_words=1.0, uprn=0.9,
    ),
    "social_work": Habits(
        nickname=0.25, spelling=0.08, middle=0.05, name_typo=0.04, mac=0.08, maiden=0.15,
        dob_missing=0.08, named_dob_missing=0.25, dob_year=0.05, dob_slip=0.04,
        stale_address=0.2, duplicate=0.04, flats=(0.4, 0.2, 0.1, 0.1, 0.2), town=0.6,
        address_typo=0.03, postcode_missing=0.06, email=0.35, phone=0.65, sex_missing=0.02,
        identifier=0.6,
    ),
    "education": Habits(
        nickname=0.12, spelling=0.02, name_typo=0.01, mac=0.03, dob_slip=0.005,
        stale_address=0.05, flats=(0.6, 0.2, 0.2, 0, 0), town=0.7, email=0.85, phone=0.92,
    ),
    "electoral_register": Habits(
        spelling=0.01, middle=0.6, upper=0.2, name_typo=0.01, mac=0.02, maiden=0.03,
        dob_missing=1.0, old_account=0.06, flats=(0.7, 0.3, 0, 0, 0), short_street=0.05,
        town=1.0, postcode_missing=0.0, postcode_squashed=0.0, email=0.02, phone=0.02,
        sex_missing=1.0,
    ),
    "nhs_grampian": Habits(
        nickname=0.02, spelling=0.02, middle=0.3, upper_family=0.6, name_typo=0.015,
        mac=0.04, maiden=0.35, dob_slip=0.01, stale_address=0.35, flats=(0.5, 0.3, 0.2, 0, 0),
        town=0.7, address_upper=0.3, address_typo=0.01, email=0.3, phone=0.85,
        landline_first=0.2, identifier=1.0,
    ),
}  # fmt: skip

# Bijective scrambles of each system's counter, so neighbours in the data have unrelated ids.
ID_SHAPES = {
    "council_tax": ("CT{:08d}", 10**8),
    "housing": ("HSG{:07d}", 10**7),
    "social_work": ("SW-{:07d}", 10**7),
    "education": ("{:09d}", 10**9),
    "electoral_register": ("{:07d}", 10**7),
}


class RecordWriter:
    """Writes residents into the systems that know them, each in its own way."""

    def __init__(self, rng: random.Random, towns: int) -> None:
        self.rng = rng
        self.counters = dict.fromkeys(SYSTEMS, 0)
        self.flat_weights = {s: list(accumulate(h.flats)) for s, h in HABITS.items()}
        self.towns = [town[0] for town in names.TOWNS][:towns]

    def write(self, residents: "list[Resident]") -> list[list[dict[str, str]]]:
        """The records of each resident, in the order of `residents`."""
        return [self._resident(resident) for resident in residents]

    def _resident(self, resident: "Resident") -> list[dict[str, str]]:
        rng = self.rng
        age = resident.age
        systems = []
        if age >= 18 and rng.random() < {"householder": 0.9, "partner": 0.55, "sharer": 0.6}.get(
            resident.role, 0.05
        ):
            systems.append("council_tax")
        if resident.tenant and rng.random() < (0.92 if age >= 16 else 0.5):
            systems.append("housing")
        if rng.random() < (0.16 if age >= 75 else 0.08 if age < 18 else 0.04):
            systems.append("social_work")
        if 4 <= age <= 17 and rng.random() < 0.96:
            systems.append("education")
        if age >= 16 and rng.random() < 0.87:
            systems.append("electoral_register")
        if rng.random() < 0.96 or not systems:
            systems.append("nhs_grampian")
        records = []
        for system in systems:
            habits = HABITS[system]
            address = resident.address
            assert address is not None
            previous = resident.previous
            if previous is not None and rng.random() < habits.stale_address:
                address = previous
            records.append(self._record(system, habits, resident, address))
            if previous is not None and rng.random() < habits.old_account:
                records.append(self._record(system, habits, resident, previous))
            if rng.random() < habits.duplicate:
                records.append(self._record(system, habits, resident, address))
        return records

    def _record(
        self, system: str, habits: Habits, resident: "Resident", address: "Address"
    ) -> dict[str, str]:
        rng = self.rng
        source_id = self._source_id(system, resident, address)
        contact = resident.contact if resident.contact is not None else resident
        return {
            "key": f"{system}:{source_id}",
            "source_system": system,
            "source_id": source_id,
            "given_name": self._given_name(habits, resident),
            "family_name": self._family_name(habits, resident),
            "date_of_birth": self._date_of_birth(system, habits, resident),
            "sex": self._sex(habits, resident),
            "address": self._address(system, habits, address),
            "postcode": self._postcode(habits, address.postcode),
            "email": self._email(habits, contact) if rng.random() < habits.email else "",
            "phone": self._phone(habits, contact) if rng.random() < habits.phone else "",
            "uprn": address.uprn if rng.random() < habits.uprn else "",
            "identifier": resident.chi if rng.random() < habits.identifier else "",
        }

    def _source_id(self, system: str, resident: "Resident", address: "Address") -> str:
        if system == "nhs_grampian":
            return resident.chi
        count = self.counters[system] + 1
        self.counters[system] = count
        shape, modulus = ID_SHAPES[system]
        number = (count * 7919 + 104729) % modulus
        if system == "electoral_register":
            return f"{self.towns[address.town][:3].upper()}-{shape.format(number)}"
        return shape.format(number)

    # Names.

    def _given_name(self, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        given = resident.given
        roll = rng.random()
        if roll < habits.initial:
            given = given[0]
        elif roll < habits.initial + habits.nickname:
            given = _pick(rng, names.NICKNAMES.get(given), given)
        elif roll < habits.initial + habits.nickname + habits.spelling:
            given = _pick(rng, names.SPELLINGS.get(given), given)
        if resident.middle and len(given) > 1 and rng.random() < habits.middle:
            given = f"{given} {resident.middle}"
        if rng.random() < habits.name_typo:
            given = self._typo(given)
        if rng.random() < habits.upper:
            given = given.upper()
        return given

    def _family_name(self, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        family = resident.family
        if resident.birth_family != family and rng.random() < habits.maiden:
            family = resident.birth_family
        if "-" in family and rng.random() < habits.double_barrel:
            first, _, second = family.partition("-")
            family = (f"{first} {second}", second, first)[rng.randrange(3)]
        if rng.random() < habits.mac:
            family = _mac_variant(rng, family)
        if "'" in family and rng.random() < 0.3:
            family = family.replace("'", "" if rng.random() < 0.7 else " ")
        if rng.random() < habits.name_typo:
            family = self._typo(family)
        if rng.random() < habits.upper or (rng.random() < habits.upper_family):
            family = family.upper()
        return family

    def _typo(self, text: str) -> str:
        """One slip of the keyboard: a key beside the right one, two turned, one lost or doubled."""
        rng = self.rng
        if len(text) < 3:
            return text
        at = rng.randrange(1, len(text) - 1)
        kind = rng.randrange(4)
        letter = text[at]
        if kind == 0 and letter.lower() in names.KEYBOARD_NEIGHBOURS:
            near = rng.choice(names.KEYBOARD_NEIGHBOURS[letter.lower()])
            return text[:at] + (near.upper() if letter.isupper() else near) + text[at + 1 :]
        if kind == 1:
            return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :]
        if kind == 2 and text[at].isalpha():
            return text[:at] + text[at + 1 :]
        return text[:at] + letter + text[at:]

    # Dates of birth, sex.

    def _date_of_birth(self, system: str, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        missing = habits.dob_missing
        if resident.named_after_parent:
            missing += habits.named_dob_missing
        if system == "electoral_register" and resident.age < 18:
            missing = 0.0  # the register holds the date a young voter comes of age
        if rng.random() < missing:
            return ""
        born = resident.dob
        if rng.random() < habits.dob_slip:
            born = _slip(rng, born)
        if rng.random() < habits.dob_year:
            return str(born.year)
        return born.isoformat()

    def _sex(self, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        if rng.random() < habits.sex_missing:
            return ""
        if rng.random() < habits.sex_words:
            return "Male" if resident.sex == "M" else "Female"
        return resident.sex

    # Addresses.

    def _address(self, system: str, habits: Habits, address: "Address") -> str:
        rng = self.rng
        full, short = names.STREET_KINDS[address.kind]
        street = f"{address.street} {short if rng.random() < habits.short_street else full}"
        number = address.number
        if address.floor < 0:
            text = f"{number} {street}"
        else:
            weights = self.flat_weights[system]
            style = bisect(weights, rng.random() * weights[-1])
            text = self._flat(style, address, number, street)
        if rng.random() < habits.town:
            text = f"{text}, {self.towns[address.town]}"
        if rng.random() < habits.address_typo:
            text = self._typo(text)
        if rng.random() < habits.address_upper:
            text = text.upper()
        return text

    def _flat(self, style: int, address: "Address", number: int, street: str) -> str:
        floor, door, doors = address.floor, address.door, address.doors_per_floor
        if names.TOWNS[address.town][3] == "edinburgh":
            label = f"{'G' if floor == 0 else floor}F{door}"
        else:
            label = f"{'G' if floor == 0 and self.rng.random() < 0.3 else floor}/{door}"
        if style == 0:
            return f"Flat {label}, {number} {street}"
        if style == 1:
            return f"{number} {street}, Flat {label}"
        if style == 2:
            return f"{label} {number} {street}"
        if style == 3:
            sequence = floor * doors + door
            if names.TOWNS[address.town][3] == "edinburgh":
                return f"{number}/{sequence} {street}"
            return f"Flat {sequence}, {number} {street}"
        side = "Left" if door == 1 else "Right" if door == doors else "Middle"
        return f"{number} {street}, {ORDINALS[floor]} Floor {side}"

    def _postcode(self, habits: Habits, postcode: str) -> str:
        rng = self.rng
        if rng.random() < habits.postcode_missing:
            return ""
        if rng.random() < habits.postcode_typo:
            unit = postcode[-2:]
            postcode = postcode[:-2] + unit[::-1] if unit[0] != unit[1] else postcode
        if rng.random() < habits.postcode_squashed:
            postcode = postcode.replace(" ", "")
        if rng.random() < habits.postcode_lower:
            postcode = postcode.lower()
        return postcode

    # Contacts.

    def _email(self, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        email = resident.email
        if resident.old_email and rng.random() < 0.3:
            email = resident.old_email
        if email and rng.random() < habits.email_case:
            local, _, domain = email.partition("@")
            email = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
            email = email.upper() if rng.random() < 0.3 else email
        return email

    def _phone(self, habits: Habits, resident: "Resident") -> str:
        rng = self.rng
        mobile, landline = resident.mobile, resident.landline
        if landline and (not mobile or rng.random() < habits.landline_first):
            code, rest = landline[:5], landline[5:]
            shape = rng.randrange(4)
            return (
                f"{code} {rest}",
                f"({code}) {rest}",
                f"{code}{rest}",
                f"+44 {code[1:]} {rest}",
            )[shape]
        if not mobile:
            return ""
        shape = rng.randrange(5)
        return (
            f"{mobile[:5]} {mobile[5:]}",
            mobile,
            f"+44 {mobile[1:5]} {mobile[5:]}",
            f"+44{mobile[1:]}",
            f"{mobile[:5]} {mobile[5:8]} {mobile[8:]}",
        )[shape]


def _pick(rng: random.Random, choices: tuple[str, ...] | None, default: str) -> str:
    return choices[rng.randrange(len(choices))] if choices else default


def _mac_variant(rng: random.Random, family: str) -> str:
    for prefix in MAC_PREFIXES:
        rest = family[len(prefix) :]
        if family.startswith(prefix) and len(rest) > 2:
            other = "Mc" if prefix == "Mac" else "Mac"
            return (
                f"{other}{rest[0].upper()}{rest[1:]}",
                f"{prefix} {rest[0].upper()}{rest[1:]}",
                f"{prefix}{rest.lower()}",
            )[rng.randrange(3)]
    return family


def _slip(rng: random.Random, born: date) -> date:
    """A date of birth as a clerk mistypes it; always a real date, never in the future."""
    kind = rng.randrange(3)
    try:
        if kind == 0 and born.day <= 12 and born.day != born.month:
            slipped = date(born.year, born.day, born.month)
        elif kind == 1:
            slipped = born.replace(day=(born.day // 10) * 10 + rng.randrange(1, 10))
        else:
            year = str(born.year)
            turned = int(year[:2] + year[3] + year[2])
            slipped = born.replace(year=turned if turned != born.year else born.year - 1)
    except ValueError:
        return born
    return slipped if slipped < REFERENCE_DATE else born
