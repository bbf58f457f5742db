"""Flats: every way a tenement door is written, read as one, and checked against a building.

Glasgow "2/1" and "Flat 2/1" (floor 2, door 1; "0/1" or "G/1" the ground floor), Edinburgh
"2F1", "GF2" and "PF1" (the principal, i.e. first, floor), spoken "2nd floor left" or "ground
floor right", numbered "Flat 5" (counted from the ground floor, left to right) and lettered
"Flat B" (A is the ground floor). Some of these only name a door once the building is known:
"right" is door 2 where a landing has two doors and door 3 where it has three; "Flat 5" is the
fifth door counted up the stair. So a query's flat is kept as written (`FlatRef`) and compared
with a candidate property's flat in the light of the other flats in its building.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SLASH = re.compile(r"^([0-9]{1,2}|g)/([0-9]{1,2})$")
_HYPHEN = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})$")
_EDINBURGH = re.compile(r"^([0-9]{1,2}|g|p|b|m)f([0-9]{1,2})$")
_ORDINAL = re.compile(r"^([0-9]{1,2})(?:st|nd|rd|th)$")
_SEQUENTIAL = re.compile(r"^[0-9]{1,3}$")
_LETTER = re.compile(r"^[a-h]$")
FLAT_INTRO = frozenset(["flat", "flt", "fl", "apartment", "apt", "unit"])
FLOOR_NAMES = {
    "ground": 0,
    "gnd": 0,
    "g": 0,
    "basement": -1,
    "first": 1,
    "principal": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "top": 99,  # the building's highest floor, whichever that is
}
FLOOR_WORDS = frozenset(["floor", "flr", "fl"])
SIDES = {"left": "left", "right": "right", "middle": "middle", "mid": "middle", "centre": "middle"}
SIDES["center"] = "middle"
TOP_FLOOR = 99
_EDINBURGH_FLOORS = {"g": 0, "p": 1, "m": 1, "b": -1}


@dataclass(frozen=True)
class FlatRef:
    """A flat as written: a floor and door, a floor and side, a number or a letter."""

    floor: int | None = None
    door: int | None = None
    side: str = ""
    number: int | None = None
    letter: str = ""

    def key(self) -> str:
        """A canonical key when the notation names one door by itself, else ""."""
        if self.floor is not None and self.door is not None:
            return f"{self.floor}/{self.door}"
        if self.letter:
            return self.letter
        if self.number is not None:
            return f"#{self.number}"
        return ""

    def describe(self) -> str:
        if self.floor is not None and self.door is not None:
            return f"floor {self.floor}, door {self.door}"
        if self.floor is not None:
            floor = "top floor" if self.floor == TOP_FLOOR else f"floor {self.floor}"
            return f"{floor} {self.side}".strip()
        if self.letter:
            return f"flat {self.letter.upper()}"
        return f"flat {self.number}"


def _floor_door(token: str) -> FlatRef | None:
    found = _SLASH.match(token) or _HYPHEN.match(token)
    if found:
        floor = 0 if found.group(1) == "g" else int(found.group(1))
        return FlatRef(floor=floor, door=int(found.group(2)))
    found = _EDINBURGH.match(token)
    if found:
        first = found.group(1)
        floor = _EDINBURGH_FLOORS[first] if first in _EDINBURGH_FLOORS else int(first)
        return FlatRef(floor=floor, door=int(found.group(2)))
    return None


def _floor_number(token: str) -> int | None:
    if token in FLOOR_NAMES and token != "g":  # noqa: S105 (a word, not a secret)
        return FLOOR_NAMES[token]
    found = _ORDINAL.match(token)
    return int(found.group(1)) if found else None


def _spoken(tokens: Sequence[str], at: int) -> tuple[FlatRef, int] | None:
    """ "2nd floor left", "ground floor", "top flr right", "1st left": the flat and its length."""
    floor = _floor_number(tokens[at])
    if floor is None:
        return None
    end = at + 1
    said_floor = end < len(tokens) and tokens[end] in FLOOR_WORDS
    if said_floor:
        end += 1
    side = SIDES.get(tokens[end], "") if end < len(tokens) else ""
    if side:
        end += 1
    elif end < len(tokens) and tokens[end] == "flat":
        end += 1  # "ground floor flat"
    if not (said_floor or side):
        return None
    return FlatRef(floor=floor, side=side), end - at


def take_flat(tokens: list[str], *, slash_is_flat: bool) -> tuple[FlatRef | None, list[str]]:
    """The flat the tokens name and the tokens left without it.

    `slash_is_flat` says whether a bare "14/2" is a Glasgow flat (the address has another
    building number) rather than Edinburgh's main-door "building 14, flat 2", which the caller
    reads itself.
    """
    for at, token in enumerate(tokens):
        if token in FLAT_INTRO and at + 1 < len(tokens):
            following = tokens[at + 1]
            ref = _floor_door(following)
            if ref is None and _SEQUENTIAL.match(following):
                ref = FlatRef(number=int(following))
            elif ref is None and _LETTER.match(following):
                ref = FlatRef(letter=following)
            if ref is not None:
                return ref, tokens[:at] + tokens[at + 2 :]
            spoken = _spoken(tokens, at + 1)
            if spoken:
                return spoken[0], tokens[:at] + tokens[at + 1 + spoken[1] :]
        if "/" in token and not slash_is_flat:
            continue
        ref = _floor_door(token) if ("/" in token or "f" in token) else None
        if ref is not None:
            return ref, tokens[:at] + tokens[at + 1 :]
        spoken = _spoken(tokens, at)
        if spoken:
            return spoken[0], tokens[:at] + tokens[at + spoken[1] :]
    return None, tokens


def gazetteer_flat(sub_building: str) -> FlatRef | None:
    """The flat a gazetteer row's sub-building names ("Flat 2/1", "2F1", "Flat B", "Flat 1")."""
    from burgh.places.matching.text import tokens as split

    found, _rest = take_flat(split(sub_building), slash_is_flat=True)
    return found


def door_order(flats: Sequence[FlatRef]) -> list[FlatRef]:
    """A building's flats counted as residents count them: up the stair, left to right."""

    def position(flat: FlatRef) -> tuple[int, int, str, int]:
        return (
            flat.floor if flat.floor is not None else 0,
            flat.door or 0,
            flat.letter,
            flat.number or 0,
        )

    return sorted(flats, key=position)


def resolve(query: FlatRef, building: Sequence[FlatRef]) -> FlatRef | None:
    """The one flat of `building` that `query` names, or None when it names none or several."""
    direct = query.key()
    for flat in building:
        if direct and flat.key() == direct:
            return flat
    ordered = door_order(building)
    if query.number is not None and 0 < query.number <= len(ordered):
        return ordered[query.number - 1]
    if query.letter and not any(flat.letter for flat in building):
        index = ord(query.letter) - ord("a")
        return ordered[index] if index < len(ordered) else None
    if query.floor is None or query.door is not None:
        return None
    floors = [flat.floor for flat in building if flat.floor is not None]
    if not floors:
        return None
    floor = max(floors) if query.floor == TOP_FLOOR else query.floor
    on_floor = sorted(
        (flat for flat in building if flat.floor == floor), key=lambda flat: flat.door or 0
    )
    if not on_floor:
        return None
    if query.side == "left":
        return on_floor[0]
    if query.side == "right":
        return on_floor[-1]
    if query.side == "middle" and len(on_floor) == 3:
        return on_floor[1]
    return on_floor[0] if len(on_floor) == 1 else None
