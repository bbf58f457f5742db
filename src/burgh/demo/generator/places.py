"""The invented gazetteer: towns, streets with USRNs and properties with UPRNs.

Everything here is made up. Postcodes use the area "KL", which no real UK postcode area uses,
with districts KL1 to KL11; UPRNs sit in a 1340xxxxxxxx block and USRNs start at 34600001, so
nothing collides with a real address. Eastings and northings fall in the Highlands.
"""

import math
import random
from dataclasses import dataclass

from burgh.demo.generator.model import DemoProperty, DemoStreet

POSTCODE_AREA = "KL"
# Letters Royal Mail uses in the inward part of a postcode (no C, I, K, M, O or V).
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
UNITS_PER_DISTRICT = 10 * len(UNIT_LETTERS) ** 2
# A step coprime with UNITS_PER_DISTRICT, so postcodes come out varied but never repeat.
POSTCODE_STEP = 1237
FIRST_UPRN = 134000100000
FIRST_USRN = 34600001


@dataclass(frozen=True)
class Town:
    name: str
    districts: tuple[int, ...]
    centre: tuple[int, int]
    share: float
    # "glasgow" writes tenement flats as "Flat 2/1", "edinburgh" as "2F1".
    flat_style: str
    tenement_share: float
    village: bool
    localities: tuple[str, ...] = ("",)


TOWNS = (
    Town(
        "Kinloch",
        (1, 2, 3),
        (265400, 737800),
        0.42,
        "glasgow",
        0.3,
        False,
        ("", "", "Burnbank", "Westfield", "Harbourside"),
    ),
    Town(
        "Inverbrae",
        (4, 5),
        (283100, 721600),
        0.22,
        "edinburgh",
        0.25,
        False,
        ("", "Easter Inverbrae"),
    ),
    Town("Ardmhor", (6,), (249700, 752300), 0.12, "glasgow", 0.12, False),
    Town("Glenrossie", (7,), (271900, 760400), 0.08, "glasgow", 0.0, True),
    Town("Balnacorrie", (8,), (238200, 729900), 0.04, "glasgow", 0.0, True),
    Town("Tullochbeg", (9,), (290600, 748100), 0.04, "glasgow", 0.0, True),
    Town("Achnafearn", (10,), (256300, 771800), 0.04, "glasgow", 0.0, True),
    Town("Portmhairi", (11,), (232900, 744700), 0.04, "glasgow", 0.0, True),
)

STREET_STEMS = (
    "Burnside",
    "Loch",
    "Station",
    "Church",
    "Mill",
    "Harbour",
    "Castle",
    "Kirk",
    "Braehead",
    "Hillview",
    "Rowan",
    "Birch",
    "Heather",
    "Thistle",
    "Glebe",
    "Manse",
    "School",
    "Quarry",
    "Bridge",
    "Market",
    "Ferry",
    "Shore",
    "Links",
    "Craigmore",
    "Ardbeg",
    "Balmore",
    "Dunbrae",
    "Glenview",
    "Strathmore",
    "Moss",
    "Orchard",
    "Forge",
    "Well",
    "Cairn",
    "Corrie",
    "Firhill",
    "Kelvin",
    "Lomond",
    "Morven",
    "Fyne",
    "Elm",
    "Ash",
    "Hawthorn",
    "Juniper",
    "Larch",
    "Laurel",
    "Oak",
    "Pine",
    "Willow",
    "Sycamore",
    "Crofthead",
    "Muirhead",
    "Westburn",
    "Eastfield",
    "Northbank",
    "Southpark",
    "Bay",
    "Tolbooth",
    "Mercat",
    "Provost",
    "Bailie",
)
STREET_KINDS = (
    "Street",
    "Road",
    "Crescent",
    "Place",
    "Gardens",
    "Terrace",
    "Avenue",
    "Drive",
    "Court",
    "Lane",
    "Wynd",
    "Brae",
    "View",
    "Park",
    "Loan",
    "Grove",
    "Square",
    "Way",
)
STREET_QUALIFIERS = ("Upper", "Lower", "North", "South", "East", "West", "New", "Old", "Wester")
HOUSE_NAMES = (
    "Rowan Cottage",
    "Braeside",
    "Tigh na Mara",
    "The Old Manse",
    "Schoolhouse",
    "Birchwood",
    "Craigard",
    "Lochview",
    "Ivy Cottage",
    "Seaview",
    "Hillcrest",
    "Burnfoot",
    "Achray",
    "Heatherbank",
    "The Steading",
    "Millbrae",
    "Fernlea",
    "Tigh na Bruaich",
    "Kirkhill House",
    "Glenside",
    "Mains Farmhouse",
    "Shore Cottage",
    "The Bothy",
    "Woodend",
    "Rosebank",
    "Taigh Ban",
    "Corrie Lodge",
    "Ardlui",
    "Stonefield",
    "Hazelbank",
)
BUSINESS_KINDS = (
    "Pharmacy",
    "Stores",
    "Bakery",
    "Hardware",
    "Post Office",
    "Dental Practice",
    "Café",
    "Butchers",
    "Hairdressers",
    "Garage",
    "Hotel",
    "Fish Bar",
    "Newsagent",
    "Launderette",
)


def build_gazetteer(
    rng: random.Random, residential_units: int
) -> tuple[list[DemoStreet], list[DemoProperty]]:
    """Streets and properties with at least `residential_units` homes, spread over the towns."""
    builder = _GazetteerBuilder(rng)
    for town in TOWNS:
        builder.build_town(town, max(12, math.ceil(residential_units * town.share)))
    return builder.streets, builder.properties


class _GazetteerBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.streets: list[DemoStreet] = []
        self.properties: list[DemoProperty] = []
        self.next_uprn = FIRST_UPRN
        self.next_usrn = FIRST_USRN
        self.postcodes_used = {district: 0 for town in TOWNS for district in town.districts}

    def build_town(self, town: Town, homes_wanted: int) -> None:
        homes = 0
        names: set[str] = set()
        first = True
        while homes < homes_wanted:
            # The first street of every town is its high street, where the shops are.
            name = ("High Street" if not town.village else "Main Street") if first else None
            name = name or self._street_name(names)
            names.add(name)
            locality = "" if first else self.rng.choice(town.localities)
            street = DemoStreet(self._usrn(), name, locality, town.name)
            self.streets.append(street)
            homes += self._build_street(town, street, shops=first, limit=homes_wanted - homes)
            first = False

    def _street_name(self, taken: set[str]) -> str:
        for attempt in range(10_000):
            name = f"{self.rng.choice(STREET_STEMS)} {self.rng.choice(STREET_KINDS)}"
            if attempt > 50:
                # A big town runs out of plain names, as real ones do: Upper, New, West...
                name = f"{self.rng.choice(STREET_QUALIFIERS)} {name}"
            if name not in taken:
                return name
        raise RuntimeError("Ran out of street names; add more stems.")

    def _build_street(self, town: Town, street: DemoStreet, *, shops: bool, limit: int) -> int:
        rng = self.rng
        spread = 600 if town.village else 1800
        east = int(rng.gauss(town.centre[0], spread))
        north = int(rng.gauss(town.centre[1], spread))
        heading = rng.uniform(0, 2 * math.pi)
        district = rng.choice(town.districts)
        postcode = self._postcode(district)
        on_postcode = 0
        homes = 0
        names_left = list(HOUSE_NAMES)
        rng.shuffle(names_left)
        buildings = rng.randint(8, 40)
        for number in range(1, buildings + 1):
            if homes >= limit:
                break
            if on_postcode >= rng.randint(12, 24):
                postcode, on_postcode = self._postcode(district), 0
            point = (
                east + int(number * 14 * math.cos(heading)) + rng.randint(-4, 4),
                north + int(number * 14 * math.sin(heading)) + rng.randint(-4, 4),
            )
            units = self._units(town, number, shops, names_left)
            for organisation, sub_building, building_name, building_number in units:
                residential = not organisation
                self.properties.append(
                    DemoProperty(
                        uprn=self._uprn(),
                        usrn=street.usrn,
                        organisation=organisation,
                        sub_building=sub_building,
                        building_name=building_name,
                        building_number=building_number,
                        postcode=postcode,
                        easting=point[0],
                        northing=point[1],
                        residential=residential,
                    )
                )
                homes += residential
                on_postcode += 1
        return homes

    def _units(
        self, town: Town, number: int, shops: bool, names_left: list[str]
    ) -> list[tuple[str, str, str, str]]:
        """(organisation, sub_building, building_name, building_number) for each unit."""
        rng = self.rng
        roll = rng.random()
        if shops and roll < 0.35:
            business = f"{town.name} {rng.choice(BUSINESS_KINDS)}"
            # Flats above the shop, as on most Scottish high streets.
            return [(business, "", "", str(number)), ("", "Flat 1", "", str(number))]
        if town.village and names_left and roll < 0.55:
            return [("", "", names_left.pop(), "")]
        if roll < town.tenement_share:
            return [("", flat, "", str(number)) for flat in self._tenement_flats(town)]
        if roll < town.tenement_share + 0.08:
            return [
                ("", f"Flat {letter}", "", str(number)) for letter in "ABC"[: rng.randint(2, 3)]
            ]
        return [("", "", "", str(number))]

    def _tenement_flats(self, town: Town) -> list[str]:
        floors = self.rng.randint(3, 4)
        per_floor = self.rng.randint(2, 3)
        flats = []
        for floor in range(floors):
            for position in range(1, per_floor + 1):
                if town.flat_style == "edinburgh":
                    flats.append(f"{'G' if floor == 0 else floor}F{position}")
                else:
                    flats.append(f"Flat {floor}/{position}")
        return flats

    def _postcode(self, district: int) -> str:
        index = (self.postcodes_used[district] * POSTCODE_STEP) % UNITS_PER_DISTRICT
        self.postcodes_used[district] += 1
        sector, unit = divmod(index, len(UNIT_LETTERS) ** 2)
        first, second = divmod(unit, len(UNIT_LETTERS))
        return f"{POSTCODE_AREA}{district} {sector}{UNIT_LETTERS[first]}{UNIT_LETTERS[second]}"

    def _uprn(self) -> str:
        uprn = self.next_uprn
        self.next_uprn += self.rng.randint(1, 6)
        return str(uprn)

    def _usrn(self) -> str:
        usrn = self.next_usrn
        self.next_usrn += self.rng.randint(1, 3)
        return str(usrn)
