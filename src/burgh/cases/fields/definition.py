"""Case-type fields: the definition an administrator writes, and checking it."""

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any, TypeGuard

from burgh.core.errors import InvalidInputError

CHOICE_TYPES = frozenset({"select", "radios", "checkboxes"})
# A case's own details (and routing's `channel` fact): a field of the same name would be
# confused with them in the API, in routing rules and in exports.
RESERVED_NAMES = frozenset(
    {
        "id",
        "reference",
        "status",
        "stage",
        "owner",
        "team",
        "priority",
        "subject",
        "location",
        "uprn",
        "description",
        "title",
        "data",
        "channel",
        "case_type",
        "version",
        "created_at",
        "updated_at",
        "closed_at",
        "outcome",
        "reporter",
    }
)
MAX_LENGTHS = {"text": 500, "textarea": 5000}
LONGEST = 100_000
# Larger numbers would lose digits in JavaScript clients and as floats.
LARGEST = 10**15
NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
# A question asked by a step of a process: its name is a variable the process's expressions
# read, so any identifier they may read (not one beginning with an underscore).
VARIABLE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}\Z")
POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})\Z")
PHONE = re.compile(r"0[1-9][0-9]{8,9}\Z")
_WHOLE = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# A label's first words that need no "the" after "Enter": "Enter your email address".
_NO_ARTICLE = re.compile(
    r"which|what|when|where|who|whose|why|how|whether|if|is|are|was|were|do|does|did|has|have"
    r"|the|a|an|your|their|his|her|its|our|my|this|that|these|those|any|some|each|every",
    re.IGNORECASE,
)
# A label that asks for something ("Describe the problem") is its own error message.
_IMPERATIVE = re.compile(r"(describe|explain|tell|give|list|enter|provide|say|add|choose)\b", re.I)
# Settings that belong to some types only.
_ONLY_FOR = {
    "min_length": ("text", "textarea"),
    "max_length": ("text", "textarea"),
    "min": ("number", "decimal"),
    "max": ("number", "decimal"),
    "past": ("date",),
    "future": ("date",),
    "options": ("select", "radios", "checkboxes"),
}
DEFINITION_DETAIL = "The case type's fields are not right."
DATA_DETAIL = "The request's details are not right."


class FieldDefinitionError(InvalidInputError):
    slug = "invalid-field-definition"
    title = "The case type's fields are not right"


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is what to tell the person."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """The question applies only when the answer to `field` is `equals` (or includes it)."""

    field: str
    equals: str | int | float | bool


@dataclass(frozen=True)
class CaseField:
    """One checked question of a case type; `to_definition()` gives back its JSON."""

    name: str
    label: str
    type: str
    required: bool = False
    hint: str = ""
    options: tuple[Option, ...] = ()
    page: int = 1
    show_if: Condition | None = None
    sensitive: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min: int | float | None = None
    max: int | float | None = None
    past: bool = False
    future: bool = False

    def to_definition(self) -> dict[str, Any]:
        """The JSON an administrator would write, without settings left at their defaults."""
        kept = {
            key: value
            for key, value in asdict(self).items()
            if value is not None and value is not False and value not in ("", ())
        }
        if self.options:
            kept["options"] = list(kept["options"])
        return {**kept, "required": self.required, "page": self.page}


SETTINGS = tuple(setting.name for setting in dataclass_fields(CaseField))


def number_text(value: Any) -> str:
    """1200 → "1,200", 2.50 → "2.5"."""
    if not _is_number(value):
        raise TypeError(value)
    return f"{Decimal(str(value)).normalize():,f}"


def _problem(pointer: str, detail: str) -> dict[str, str]:
    return {"pointer": pointer, "detail": detail}


def _escape(key: str) -> str:
    """A key as one JSON Pointer token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _listed(items: Sequence[str], joiner: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return _is_whole(value) or (isinstance(value, float) and math.isfinite(value))
