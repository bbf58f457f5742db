"""Normalising people's names: plain letters, Mac/Mc/M' as one, given-name variant groups."""

import re
import unicodedata
from functools import cache
from importlib import resources

# Words that are not part of anyone's name.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "miss",
        "ms",
        "mx",
        "dr",
        "prof",
        "rev",
        "revd",
        "sir",
        "dame",
        "lady",
        "lord",
        "fr",
        "sr",
        "jr",
        "snr",
        "jnr",
        "esq",
    ]
)
# Family-name particles written apart or together: "Mac Leod", "De la Cruz", "Van der Berg".
PARTICLES = frozenset(
    [
        "mac",
        "mc",
        "m",
        "de",
        "da",
        "di",
        "del",
        "della",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "du",
        "st",
        "saint",
        "o",
    ]
)

_NOT_LETTER = re.compile(r"[^a-z]+")
_APOSTROPHES = re.compile(r"['\u2019`]")


def plain(text: str) -> str:
    """Lowercase ASCII letters and single spaces: accents dropped, apostrophes closed up."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    # O'Neill and M'Leod are one word; other punctuation separates words.
    ascii_text = re.sub(r"\bm['\u2019`]\s*", "mac", ascii_text)
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return _NOT_LETTER.sub(" ", ascii_text).strip()


@cache
def given_name_parts(text: str) -> tuple[str, tuple[str, ...]]:
    """The first given name and any further (middle) names, titles left out."""
    words = [word for word in plain(text).split() if word not in TITLES]
    if not words:
        return "", ()
    return words[0], tuple(words[1:])


def _scottish_prefix(word: str) -> str:
    # McDonald, MacDonald and M'Donald are the same name written three ways.
    if word.startswith("mc") and len(word) > 2:
        return "mac" + word[2:]
    return word


@cache
def family_name_parts(text: str) -> tuple[str, tuple[str, ...]]:
    """The family name as one key, and its parts when it is double-barrelled.

    "Mac Leod" and "McLeod" give "macleod"; "Smith-Jones" gives "smithjones" with parts
    ("jones", "smith"), so a record under either half can be recognised.
    """
    text = text.replace("-", " ")
    words = [word for word in plain(text).split() if word not in TITLES]
    joined: list[str] = []
    pending = ""
    for word in words:
        if word in PARTICLES and word != "o":
            pending += "mac" if word in ("mc", "m") else word
            continue
        joined.append(_scottish_prefix(pending + word))
        pending = ""
    if pending:
        joined.append(pending)
    key = "".join(joined)
    parts = tuple(sorted(set(joined))) if len(joined) > 1 else ()
    return key, parts


def _load_groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, set[str]] = {}
    text = resources.files(__package__).joinpath("given_names.txt").read_text("utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = line.split()
        if len(names) < 2 or any(plain(name) != name for name in names):
            raise ValueError(f"given_names.txt line {number}: a group needs two plain names")
        for name in names:
            groups.setdefault(name, set()).add(names[0])
    return {name: tuple(sorted(ids)) for name, ids in groups.items()}


def _blocking_names(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    # Groups that share a name (alex: alexander and alexandra) are joined, so every variant
    # of a name gives the same blocking key however the chain runs.
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for name, ids in groups.items():
        for group in ids:
            a, b = root(group), root(name)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {name: root(name) for name in groups}


GIVEN_NAME_GROUPS = _load_groups()
_BLOCKING_NAMES = _blocking_names(GIVEN_NAME_GROUPS)


def given_name_groups(name: str) -> tuple[str, ...]:
    """The variant groups a normalised given name belongs to (empty when it is in none)."""
    return GIVEN_NAME_GROUPS.get(name, ())


def given_name_key(name: str) -> str:
    """One name standing for all of a name's variants, for blocking: Liz and Beth give the same."""
    return _BLOCKING_NAMES.get(name, name)
