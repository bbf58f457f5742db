"""Messy addresses as residents and old systems type them, each with the UPRN it means.

`gazetteer_rows(seed, properties)` is the invented gazetteer of places.py as CSV rows, with
some houses split into "14" and "14A" (so that a matcher must tell them apart).
`messy_addresses(rows, seed, count)` writes addresses for random properties the ways council
tax, housing and contact-centre records hold them: tenement flats in every notation
(2/1, Flat 2/1, 2F1, G/1, PF1, "2nd floor left", counted up the stair "Flat 5", Edinburgh's
main-door "14/5"), abbreviations, spelling slips, dropped or wrong postcodes and towns,
business and house names, parts in another order, with or without commas, in any case.
A share of the addresses are not in the gazetteer at all (truth None): a number past the end
of a street, a flat or a 14A that does not exist, a street of the same name in another
council, a new build. Everything is invented; the same arguments give the same addresses.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from burgh.demo.generator.model import GAZETTEER_COLUMNS, gazetteer_row
from burgh.demo.generator.places import STREET_KINDS, STREET_STEMS, TOWNS, build_gazetteer

# A neighbouring council's towns and postcode area: streets with our names, not our places.
OTHER_TOWNS = ("Dunmore", "Strathallan", "Kirkton", "Balquhidder", "Lochgair", "Inverallan")
OTHER_AREA = "KM"
SHORT_KINDS = {
    "Street": ("St", "St.", "Str"),
    "Road": ("Rd", "Rd."),
    "Crescent": ("Cres", "Cresc", "Cr"),
    "Place": ("Pl", "Pl."),
    "Gardens": ("Gdns", "Gdn"),
    "Terrace": ("Terr", "Ter", "Tce"),
    "Avenue": ("Ave", "Av"),
    "Drive": ("Dr", "Drv"),
    "Court": ("Ct", "Crt"),
    "Lane": ("Ln",),
    "Square": ("Sq",),
    "Park": ("Pk",),
    "Grove": ("Gro",),
}
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
ORDINALS = ("ground", "1st", "2nd", "3rd", "4th", "5th")
ORDINAL_WORDS = ("ground", "first", "second", "third", "fourth", "fifth")
# Shares of the kinds of address not in the gazetteer.
NOT_IN_GAZETTEER_KINDS = (
    ("past_end", 0.25),
    ("no_such_flat", 0.25),
    ("no_such_letter", 0.15),
    ("other_council", 0.2),
    ("new_build", 0.15),
)


@dataclass(frozen=True)
class MessyAddress:
    text: str
    uprn: str | None  # the property meant; None when it is not in the gazetteer
    kind: str  # how it was made: "flat", "house", "named", "business", or a not-in kind
    # False when what the text gives (slips put right, wrong parts left out) fits more than
    # one property of the gazetteer, or, for an address not in it, fits one that is: no
    # matcher can then know the property meant, and the right answer is no UPRN.
    decidable: bool = True


# What an address as written still says about its property, part by part: see _Writer.kept.
Kept = tuple[str, bool, bool, bool, bool, bool, bool]


def gazetteer_rows(seed: int, properties: int) -> list[dict[str, str]]:
    """About `properties` gazetteer rows (GAZETTEER_COLUMNS) of the invented council."""
    rng = random.Random(f"burgh-gazetteer-{seed}")
    # Businesses and the 14As come on top of the homes asked for: about 1% more in all.
    streets, units = build_gazetteer(rng, max(12, int(properties * 0.99)))
    by_usrn = {street.usrn: street for street in streets}
    rows = [gazetteer_row(by_usrn[unit.usrn], unit) for unit in units]
    _split_houses(random.Random(f"burgh-split-{seed}"), rows)
    return rows


def _split_houses(rng: random.Random, rows: list[dict[str, str]]) -> None:
    """Turn some houses into 14 and 14A: a second property, a letter after the number."""
    next_uprn = max(int(row["uprn"]) for row in rows) + 1
    houses = [
        row
        for row in rows
        if row["building_number"] and not row["sub_building"] and not row["organisation"]
    ]
    for row in rng.sample(houses, len(houses) // 25):
        rows.append(
            {**row, "uprn": str(next_uprn), "building_number": row["building_number"] + "A"}
        )
        next_uprn += rng.randint(1, 4)
    for row in rows:
        assert tuple(row) == GAZETTEER_COLUMNS


def _typo(word: str, rng: random.Random) -> str:
    """One slip: a letter dropped, doubled, swapped with its neighbour or a neighbouring key."""
    if len(word) < 5:
        return word
    at = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.3:
        return word[:at] + word[at + 1 :]
    if roll < 0.5:
        return word[:at] + word[at] + word[at:]
    if roll < 0.75:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    row = next((keys for keys in KEYBOARD if word[at].lower() in keys), "")
    if not row:
        return word
    place = row.index(word[at].lower())
    near = row[max(0, place - 1) : place + 2].replace(word[at].lower(), "")
    return word[:at] + rng.choice(near) + word[at + 1 :] if near else word


class _Writer:
    def __init__(self, rows: Sequence[dict[str, str]], rng: random.Random) -> None:
        self.rng = rng
        self.rows = rows
        self.buildings: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        self.street_numbers: dict[str, list[int]] = defaultdict(list)
        self.street_rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.town_names: dict[str, set[str]] = defaultdict(set)
        self.kept: dict[str, str | bool] = {}
        self.written: dict[str, str] = {}
        self._fitting: dict[Kept, dict[tuple[str, ...], int]] = {}
        for row in rows:
            self.buildings[(row["usrn"], row["building_number"])].append(row)
            self.street_rows[row["usrn"]].append(row)
            digits = row["building_number"].rstrip("ABCDEFGH")
            if digits.isdigit():
                self.street_numbers[row["usrn"]].append(int(digits))
            self.town_names[row["town"]].add(row["street"])
        self.towns = sorted(self.town_names)

    # -- the parts ------------------------------------------------------------------------

    def street(self, name: str) -> str:
        rng = self.rng
        parts = name.split(" ")
        kind = parts[-1]
        roll = rng.random()
        if roll < 0.35 and kind in SHORT_KINDS:
            parts[-1] = rng.choice(SHORT_KINDS[kind])
        elif roll < 0.37:
            parts = parts[:-1]  # "14 Burnside, Kinloch"
            self.kept["street"] = "stem"
        if rng.random() < 0.15:
            longest = max(range(len(parts)), key=lambda i: len(parts[i]))
            parts[longest] = _typo(parts[longest], rng)
        return " ".join(parts)

    def postcode(self, code: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return ""
        self.kept["postcode"] = roll >= 0.33
        if roll < 0.29:
            # One character wrong in the inward part, as misheard on the phone.
            chars = list(code)
            at = rng.choice([len(code) - 1, len(code) - 2])
            chars[at] = rng.choice([c for c in "ABDEFGHJLNPQRSTUWXYZ" if c != chars[at]])
            code = "".join(chars)
        elif roll < 0.33:
            code = self._nearby_postcode(code)
        if rng.random() < 0.2:
            code = code.replace(" ", "")
        return code

    def _nearby_postcode(self, code: str) -> str:
        """Another postcode of the same district: an old or neighbouring one."""
        district = code.split(" ")[0]
        for _ in range(20):
            other = self.rng.choice(self.rows)["postcode"]
            if other.split(" ")[0] == district and other != code:
                return other
        return code

    def town(self, row: dict[str, str], *, keep: bool = False) -> list[str]:
        rng = self.rng
        parts = []
        if row["locality"] and rng.random() < 0.4:
            parts.append(row["locality"])
            self.kept["locality"] = True
        roll = rng.random()
        if keep or roll < 0.68 or (parts and roll < 0.8):
            town = row["town"]
            parts.append(_typo(town, rng) if rng.random() < 0.05 else town)
            self.kept["town"] = True
        elif roll < 0.70:
            parts.append(rng.choice(self.towns))  # the wrong town
        return parts

    def flat(self, row: dict[str, str]) -> tuple[str, bool]:
        """The flat as written, and whether it is written before the number (else after)."""
        sub = row["sub_building"]
        building = self.buildings[(row["usrn"], row["building_number"])]
        flats = [other["sub_building"] for other in building if other["sub_building"]]
        text = self._write_flat(sub, flats, row["building_number"], real=sub in flats)
        return text, self.rng.random() < 0.8

    def _write_flat(self, sub: str, flats: list[str], number: str, *, real: bool) -> str:
        rng = self.rng
        floor_door = _floor_door(sub)
        if floor_door is None:
            letter_or_number = sub.split(" ")[-1]
            return rng.choice([f"Flat {letter_or_number}", f"flat {letter_or_number.lower()}"])
        floor, door = floor_door
        if not real:
            # A door the building does not have: only notations that name it by itself, as
            # counting up the stair or "right" would name a door that does exist.
            shown = "G" if floor == 0 else str(floor)
            return rng.choice([f"Flat {floor}/{door}", f"{floor}/{door}", f"{shown}F{door}"])
        doors_on_floor = sorted(d for f, d in map(_floor_door_or_zero, flats) if f == floor)
        order = sorted(_floor_door_or_zero(flat) for flat in flats)
        sequence = order.index((floor, door)) + 1
        edinburgh = "/" not in sub
        shown = "G" if floor == 0 else str(floor)
        styles: list[tuple[str, float]] = [
            (f"Flat {floor}/{door}", 0.22),
            (f"{floor}/{door}", 0.2),
            (f"{shown}F{door}", 0.18 if edinburgh else 0.05),
            (f"Flat {shown}F{door}", 0.06 if edinburgh else 0.01),
            (f"flat {floor}-{door}", 0.03),
            (f"Flat {sequence}", 0.07),
        ]
        if floor == 0:
            styles.append((f"G/{door}", 0.05))
        if floor == 1 and edinburgh:
            styles.append((f"PF{door}", 0.04))
        side = ""
        if door == 1:
            side = "left"
        elif door == doors_on_floor[-1]:
            side = "right"
        elif len(doors_on_floor) == 3 and door == 2:
            side = "middle"
        if side:
            word = rng.choice([ORDINALS[floor], ORDINAL_WORDS[floor]]) if floor < 6 else ""
            if word:
                flr = rng.choice(["floor", "floor", "flr"])
                styles.append((f"{word} {flr} {side}".capitalize(), 0.12))
        if edinburgh and number.isdigit():
            styles.append((f"MAINDOOR{number}/{sequence}", 0.04))
        texts = [text for text, _share in styles]
        return rng.choices(texts, [share for _text, share in styles])[0]

    # -- whole addresses ----------------------------------------------------------------

    def write(
        self, row: dict[str, str], *, drop_flat: bool = False, elsewhere: bool = False
    ) -> str:
        """The row as someone might write it. `elsewhere` (a property not in the gazetteer)
        always names its town or postcode: without them, "3 Southpark View" for a street of
        that name in another council is a fair match for ours, and no matcher could know."""
        rng = self.rng
        self.kept = {
            "street": "full",
            "flat": False,
            "organisation": False,
            "postcode": False,
            "town": False,
            "locality": False,
        }
        parts: list[str] = []
        flat_text, flat_first = ("", True)
        if row["sub_building"] and not drop_flat:
            flat_text, flat_first = self.flat(row)
            self.kept["flat"] = True
        number = row["building_number"]
        if flat_text.startswith("MAINDOOR"):
            number, flat_text = flat_text[len("MAINDOOR") :], ""
        if row["organisation"] and rng.random() < 0.85:
            self.kept["organisation"] = True
            name = row["organisation"]
            parts.append(_typo(name, rng) if rng.random() < 0.1 else name)
        if flat_text and flat_first:
            parts.append(flat_text)
        if row["building_name"]:
            name = row["building_name"]
            parts.append(_typo(name, rng) if rng.random() < 0.1 else name)
        street = self.street(row["street"])
        with_street = not row["building_name"] or rng.random() < 0.9
        if number:
            if rng.random() < 0.05:
                parts.append(f"{street} {number}")
            else:
                parts.append(f"{number} {street}")
        elif with_street:
            parts.append(street)
        else:
            self.kept["street"] = "none"
        if flat_text and not flat_first:
            parts.append(flat_text)
        postcode = self.postcode(row["postcode"])
        # Without a postcode most people give the town; an address with neither is rare.
        keep_town = not postcode and (elsewhere or rng.random() < 0.9)
        parts.extend(self.town(row, keep=keep_town))
        if postcode:
            if rng.random() < 0.03:
                parts.insert(0, postcode)
            else:
                parts.append(postcode)
        if rng.random() < 0.03:
            parts.append("Scotland")
        if rng.random() < 0.03 and len(parts) > 2:
            at = rng.randrange(len(parts) - 1)
            parts[at], parts[at + 1] = parts[at + 1], parts[at]
        joiner = ", " if rng.random() < 0.6 else rng.choice([" ", "  ", ","])
        text = joiner.join(part for part in parts if part)
        roll = rng.random()
        if roll < 0.3:
            text = text.lower()
        elif roll < 0.5:
            text = text.upper()
        return text

    def _elsewhere(self, row: dict[str, str]) -> str:
        text = self.write(row, elsewhere=True)
        self.written = row
        return text

    # -- whether the text could be anything else ----------------------------------------

    def fits(self, row: dict[str, str]) -> int:
        """How many gazetteer properties fit what the last address written says of `row`:
        the parts it gave (with slips taken as put right), none of those it left out or got
        wrong (a misheard postcode, another town)."""
        kept = self._kept_key()
        counts = self._fitting.get(kept)
        if counts is None:
            counts = self._fitting[kept] = defaultdict(int)
            for other in self.rows:
                counts[_signature(other, kept)] += 1
        return counts.get(_signature(row, kept), 0)

    def _kept_key(self) -> Kept:
        kept = self.kept
        return (
            str(kept["street"]),
            bool(kept["flat"]),
            bool(kept["organisation"]),
            bool(kept["postcode"]),
            bool(kept["town"]),
            bool(kept["locality"]),
            True,  # the number and a house's name are always written
        )

    def not_in_gazetteer(self, kind: str) -> str | None:
        """An address for a property the gazetteer does not hold, or None if none fits."""
        rng = self.rng
        row = rng.choice(self.rows)
        if kind == "past_end":
            numbers = self.street_numbers.get(row["usrn"])
            if not numbers:
                return None
            beyond = max(numbers) + rng.randint(1, 8)
            return self._elsewhere(
                {
                    **row,
                    "building_number": str(beyond),
                    "sub_building": "",
                    "organisation": "",
                    "building_name": "",
                }
            )
        if kind == "no_such_flat":
            building = self.buildings[(row["usrn"], row["building_number"])]
            pairs = [_floor_door(other["sub_building"]) for other in building]
            known = [pair for pair in pairs if pair is not None]
            if known:
                top = max(floor for floor, _door in known)
                doors = max(door for _floor, door in known)
                floor, door = rng.choice([(top + 1, 1), (top + 1, 2), (0, doors + 1)])
                style = "glasgow" if "/" in building[-1]["sub_building"] else "edinburgh"
                sub = (
                    f"{'G' if floor == 0 else floor}F{door}"
                    if style == "edinburgh"
                    else (f"Flat {floor}/{door}")
                )
                return self._elsewhere({**row, "sub_building": sub, "organisation": ""})
            if row["building_number"] and not row["sub_building"] and not row["organisation"]:
                # A house written as a flat ("Flat 2, 14 Rowan Road").
                sub = rng.choice(["Flat 2", "Flat 3", "Flat B", "Flat C"])
                return self._elsewhere({**row, "sub_building": sub})
            return None
        if kind == "no_such_letter":
            number = row["building_number"]
            if not number.isdigit() or row["sub_building"] or row["organisation"]:
                return None
            taken = {r["building_number"] for r in self.street_rows[row["usrn"]]}
            letter = rng.choice("ABC")
            if number + letter in taken:
                return None
            return self._elsewhere({**row, "building_number": number + letter})
        if kind == "other_council":
            town = rng.choice(OTHER_TOWNS)
            code = f"{OTHER_AREA}{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGH')}"
            code += rng.choice("JLNPQRSTUWXYZ")
            other = {
                **row,
                "town": town,
                "locality": "",
                "postcode": code,
                "organisation": "",
                "building_name": "",
                "sub_building": "",
            }
            if not other["building_number"]:
                other["building_number"] = str(rng.randint(1, 30))
            return self._elsewhere(other)
        # A new build: a street the town does not have yet, a postcode not yet given out.
        for _ in range(50):
            name = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_KINDS)}"
            if name not in self.town_names[row["town"]]:
                break
        else:
            return None
        district = row["postcode"].split(" ")[0]
        code = f"{district} {rng.randint(0, 9)}{rng.choice('ABDEFGH')}{rng.choice('JLNPQRS')}"
        return self._elsewhere(
            {
                **row,
                "street": name,
                "building_number": str(rng.randint(1, 40)),
                "sub_building": "",
                "organisation": "",
                "building_name": "",
                "locality": "",
                "postcode": code,
            }
        )


def _signature(row: dict[str, str], kept: Kept) -> tuple[str, ...]:
    """The parts of `row` an address written as `kept` says, "*" for those it does not."""
    street, flat, organisation, postcode, town, locality, _always = kept
    name = row["street"].lower()
    if street == "stem" and " " in name:
        name = name.rsplit(" ", 1)[0]
    elif street == "none":
        name = "*"
    return (
        row["building_number"].upper(),
        row["building_name"].lower(),
        name,
        row["sub_building"].lower() if flat else "*",
        row["organisation"].lower() if organisation else "*",
        row["postcode"].replace(" ", "").upper() if postcode else "*",
        row["town"].lower() if town else "*",
        row["locality"].lower() if locality else "*",
    )


def _floor_door(sub: str) -> tuple[int, int] | None:
    text = sub.removeprefix("Flat ").strip()
    if "/" in text:
        floor, door = text.split("/")
        return int(floor), int(door)
    if "F" in text and len(text) <= 4:
        floor, door = text.split("F")
        return (0 if floor == "G" else int(floor)), int(door)
    return None


def _floor_door_or_zero(sub: str) -> tuple[int, int]:
    return _floor_door(sub) or (0, 0)


def messy_addresses(
    rows: Sequence[dict[str, str]],
    seed: int,
    count: int,
    *,
    not_in_gazetteer: float = 0.1,
    flat_dropped: float = 0.003,
) -> list[MessyAddress]:
    """`count` messy addresses: most of properties in `rows`, `not_in_gazetteer` of none.

    `flat_dropped` of the flats are written without their flat ("14 Main St" for 2/1): they
    mean a UPRN, but no matcher can know which, and should say so rather than guess.
    """
    rng = random.Random(f"burgh-addresses-{seed}")
    writer = _Writer(rows, rng)
    kinds = [kind for kind, _share in NOT_IN_GAZETTEER_KINDS]
    shares = [share for _kind, share in NOT_IN_GAZETTEER_KINDS]
    out: list[MessyAddress] = []
    while len(out) < count:
        if rng.random() < not_in_gazetteer:
            kind = rng.choices(kinds, shares)[0]
            text = writer.not_in_gazetteer(kind)
            if text is not None:
                fits = writer.fits(writer.written)
                out.append(MessyAddress(text, None, kind, decidable=fits == 0))
            continue
        row = rng.choice(rows)
        if row["organisation"]:
            kind = "business"
        elif row["sub_building"]:
            kind = "flat"
        elif row["building_name"]:
            kind = "named"
        else:
            kind = "house"
        drop = kind == "flat" and rng.random() < flat_dropped
        text = writer.write(row, drop_flat=drop)
        out.append(MessyAddress(text, row["uprn"], kind, decidable=writer.fits(row) == 1))
    return out


def town_names() -> list[str]:
    return [town.name for town in TOWNS]
