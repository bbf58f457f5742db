"""Case-type fields: the questions an administrator defines as data, checked, answered, exported.

A case type's `fields` is a JSON list of objects, one a question, in the order they are asked:

    [{"name": "bin_type", "label": "Which bin was missed?", "type": "radios", "required": true,
      "hint": "Look at the colour of the lid", "page": 1,
      "options": [{"value": "general", "label": "General waste (green)"},
                  {"value": "recycling", "label": "Recycling (blue)"}]},
     {"name": "missed_on", "label": "Date the bin was missed", "type": "date", "past": true}]

`name` (lowercase snake_case, at most 40 characters, unique, not a case's own column such as
`status` or `uprn`), `label` and `type` are needed; the rest are optional. The type says what
the answer is, as `clean_data` stores it in the case's `data`:

    text, textarea  a string, trimmed (`max_length`: default 500 and 5,000 characters)
    number          a whole number (`min`, `max`); decimal: a JSON number (`min`, `max`)
    date            "2026-11-30"; `past`: today or earlier, `future`: today or later
    select, radios  one option's value; checkboxes: a list of values, in the options' order
    yes_no          true or false
    email           an email address; phone: a UK number as "+447700900982"
    postcode        a UK postcode as Royal Mail writes it: "EH1 1YZ"

`options` (for select, radios and checkboxes) are `{"value", "label"}` objects with unique
values. `hint` is help text under the label. `required` defaults to false; an optional
question left blank is left out of `data`, never stored as null. `page` (default 1) splits a
long form into GOV.UK question pages, numbered from 1 without gaps. `sensitive: true` marks
personal data for redaction.

`show_if: {"field": "bin_type", "equals": "other"}` asks a question only when a field listed
above it, on its page or an earlier one, has that answer (for checkboxes: that box is ticked).
A question that does not apply is neither required nor stored: an answer sent for it anyway is
dropped, as a browser sends what a hidden conditional question holds.

Error messages follow GOV.UK's patterns and are made from the label, so a label reads best as
a noun phrase ("Date the bin was missed" gives "Enter the date the bin was missed"), an
indirect question ("Which bin was missed?" gives "Select which bin was missed") or a request
("Describe the problem", which is its own message when it is not answered).

The Django forms for the GOV.UK question pages are in `cases.fields_forms`.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeGuard

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

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


# Checking a definition


def check_definition(raw: Any) -> tuple[CaseField, ...]:
    """The fields an administrator defined, or one FieldDefinitionError naming every problem."""
    problems: list[dict[str, str]] = []
    if not isinstance(raw, list):
        detail = 'Give a list of fields, like [{"name": "bin_type", "label": …, "type": "radios"}].'
        raise FieldDefinitionError(DEFINITION_DETAIL, errors=[_problem("#/fields", detail)])
    names: dict[str, int] = {}
    built: dict[str, CaseField] = {}
    for index, item in enumerate(raw):
        field = _check_field(item, index, names, built, problems)
        if field is not None:
            built[field.name] = field
    given = [item.get("page", 1) if isinstance(item, dict) else 1 for item in raw]
    for index, page in enumerate(given):
        if _is_whole(page) and page > 1 and page - 1 not in given and page not in given[:index]:
            detail = f"There is no page {page - 1} before page {page}; number pages from 1."
            problems.append(_problem(f"#/fields/{index}/page", detail))
    if problems:
        raise FieldDefinitionError(DEFINITION_DETAIL, errors=problems)
    return tuple(built.values())


def _check_field(
    item: Any,
    index: int,
    names: dict[str, int],
    built: Mapping[str, CaseField],
    problems: list[dict[str, str]],
) -> CaseField | None:
    at, before = f"#/fields/{index}", len(problems)

    def report(key: str, detail: str) -> None:
        problems.append(_problem(f"{at}/{key}" if key else at, detail))

    if not isinstance(item, dict):
        report("", 'Give an object with a name, label and type, like {"name": "bin_type", …}.')
        return None
    for key in item:
        if key not in SETTINGS:
            report(
                _escape(str(key)), f"{key!r} is not a field setting; use {_listed(SETTINGS, 'or')}."
            )
    name = item.get("name")
    if not isinstance(name, str) or len(name) > 40 or not NAME.match(name):
        report(
            "name",
            f"Give a name of lowercase_words, up to 40 characters, like bin_type; not {name!r}.",
        )
    elif name in RESERVED_NAMES:
        report("name", f"Every case has a {name}; choose another name, like {name}_detail.")
    elif name in names:
        report("name", f"Field {names[name]} is already called {name!r}; names must differ.")
    else:
        names[name] = index
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 300:
        report("label", "Give the question, up to 300 characters, like “Which bin was missed?”.")
    kind = item.get("type")
    if kind not in _CLEANERS:
        report("type", f"Give a type: {_listed(FIELD_TYPES, 'or')}; not {kind!r}.")
    for key in ("required", "sensitive", "past", "future"):
        if not isinstance(item.get(key, False), bool):
            report(key, f"Give true or false for {key}.")
    if not isinstance(item.get("hint", ""), str):
        report("hint", "Give the hint as text.")
    page = item.get("page", 1)
    if not _is_whole(page) or page < 1:
        report("page", f"Give the page as a whole number from 1; not {page!r}.")
    if kind in _CLEANERS:
        _check_settings(item, kind, report)
    show_if = _check_show_if(item.get("show_if"), name, page, names, built, report)
    if len(problems) > before:
        return None
    options = tuple(Option(o["value"], o["label"].strip()) for o in item.get("options", []))
    settings = {**item, "label": str(label).strip(), "hint": item.get("hint", "").strip()}
    return CaseField(**{**settings, "options": options, "show_if": show_if})


def _check_settings(item: dict[str, Any], kind: str, report: Callable[[str, str], None]) -> None:
    for key, kinds in _ONLY_FOR.items():
        if key in item and kind not in kinds:
            report(key, f"{key} is only for {_listed(kinds, 'and')} fields; remove it.")
    limit = item.get("max_length", 1)
    if kind in MAX_LENGTHS and not (_is_whole(limit) and 1 <= limit <= LONGEST):
        report("max_length", f"Give max_length as a whole number from 1 to {LONGEST:,}.")
    bounds: list[int | float] = []
    for key in ("min", "max"):
        value = item.get(key)
        if key not in item or kind not in _ONLY_FOR[key]:
            continue
        if _is_number(value) and (kind == "decimal" or _is_whole(value)):
            bounds.append(value)
        else:
            whole = "a whole number" if kind == "number" else "a number"
            report(key, f"Give {key} as {whole}; not {value!r}.")
    if len(bounds) == 2 and bounds[0] > bounds[1]:
        report("max", f"Give a max of at least the min, {bounds[0]}.")
    if item.get("past") is True and item.get("future") is True:
        report("future", "A date cannot be both past and future; keep one.")
    if kind in CHOICE_TYPES:
        _check_options(item.get("options"), kind, report)


def _check_options(options: Any, kind: str, report: Callable[[str, str], None]) -> None:
    least = 1 if kind == "checkboxes" else 2
    example = '{"value": "general", "label": "General waste"}'
    if not isinstance(options, list) or len(options) < least:
        report("options", f"Give {kind} fields at least {least} options, like [{example}, …].")
        return
    seen: set[str] = set()
    for index, option in enumerate(options):
        at = f"options/{index}"
        if not isinstance(option, dict) or set(option) != {"value", "label"}:
            report(at, f"Give an option as {example}.")
            continue
        value, label = option["value"], option["label"]
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            report(f"{at}/value", "Give the value stored, as text of up to 100 characters.")
        elif value in seen:
            report(f"{at}/value", f"Another option has the value {value!r}; values must differ.")
        else:
            seen.add(value)
        if not isinstance(label, str) or not label.strip() or len(label) > 300:
            report(f"{at}/label", "Give the label people see, as text of up to 300 characters.")


def _check_show_if(
    show_if: Any,
    name: Any,
    page: Any,
    names: Mapping[str, int],
    built: Mapping[str, CaseField],
    report: Callable[[str, str], None],
) -> Condition | None:
    if show_if is None:
        return None
    if not isinstance(show_if, dict) or set(show_if) != {"field", "equals"}:
        report("show_if", 'Give show_if as {"field": "bin_type", "equals": "other"}.')
        return None
    target_name, equals = show_if["field"], show_if["equals"]
    target = built.get(target_name) if isinstance(target_name, str) else None
    if not isinstance(target_name, str) or target_name == name or target_name not in names:
        report("show_if/field", f"{target_name!r} is not a field above this one; name one.")
    elif target is None:
        return None  # The field it names has problems of its own.
    elif _is_whole(page) and target.page > page:
        where = f"is on page {target.page}; name a field on page {page} or before"
        report("show_if/field", f"{target_name!r} {where}.")
    else:
        try:
            return Condition(target_name, condition_value(target, equals))
        except AnswerError as error:
            report("show_if/equals", f"Give an answer {target_name!r} can have. {error}.")
    return None


def condition_value(target: CaseField, equals: Any) -> Any:
    """`equals` as the answer it is compared with; for checkboxes, one option's value."""
    answer = _choice(target, equals) if target.type == "checkboxes" else clean_value(target, equals)
    if answer is None:
        raise AnswerError(missing_message(target))
    return answer


# Answers


def clean_data(fields: Sequence[CaseField], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The answers for a case's `data`, normalised, or InvalidInputError naming every problem.

    Takes JSON values, or strings as a form sends them ("2026-11-30", "12"). Answers to
    questions that do not apply (show_if) are dropped; unknown names are refused.
    """
    known = sorted(field.name for field in fields)
    problems = [
        _problem(
            f"#/data/{_escape(str(key))}",
            f"There is no question {key!r}; use {_listed(known, 'or')}",
        )
        for key in raw
        if key not in known
    ]
    data: dict[str, Any] = {}
    for field in fields:
        if not applies(field, data):
            continue
        try:
            answer = clean_value(field, raw.get(field.name))
        except AnswerError as error:
            problems.append(_problem(f"#/data/{field.name}", str(error)))
            continue
        if answer is not None:
            data[field.name] = answer
        elif field.required:
            problems.append(_problem(f"#/data/{field.name}", missing_message(field)))
    if problems:
        raise InvalidInputError(DATA_DETAIL, errors=problems)
    return data


def clean_value(field: CaseField, value: Any) -> Any:
    """One answer normalised, None when blank, or AnswerError with GOV.UK's message."""
    blank = value.strip() == "" if isinstance(value, str) else value in (None, [], ())
    return None if blank else _CLEANERS[field.type](field, value)


def applies(field: CaseField, answers: Mapping[str, Any]) -> bool:
    """Whether the question is asked, given the answers to the questions before it."""
    if field.show_if is None:
        return True
    given, equals = answers.get(field.show_if.field), field.show_if.equals
    if isinstance(given, list):
        return equals in given
    return type(given) is type(equals) and given == equals


def missing_message(field: CaseField) -> str:
    if field.type == "yes_no":
        return f"Select yes or no for “{field.label}”"
    if _IMPERATIVE.match(field.label):
        return field.label.strip().rstrip(":.")  # "Describe the problem"
    verb = "Select" if field.type in CHOICE_TYPES else "Enter"
    return f"{verb} {phrase(field)}"


def option_message(field: CaseField) -> str:
    return f"Select {phrase(field)}: {_listed([o.value for o in field.options], 'or')}"


def phrase(field: CaseField, *, capital: bool = False) -> str:
    """The label as words in a sentence: "Which bin was missed?" → "which bin was missed"."""
    text = field.label.strip().rstrip("?:.").strip() or field.name.replace("_", " ")
    if _IMPERATIVE.match(text):
        text = "your answer"
    first = text.split(" ", 1)[0]
    if not (len(first) > 1 and first[1].isupper()):  # "UPRN" and "MOT" keep their capitals
        text = text[0].lower() + text[1:]
    if not _NO_ARTICLE.fullmatch(first):
        text = f"the {text}"
    return text[0].upper() + text[1:] if capital else text


def _text(field: CaseField, value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"{phrase(field, capital=True)} must be text")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:  # PostgreSQL cannot store it in JSON.
        raise AnswerError(f"{phrase(field, capital=True)} must not include null characters")
    limit = field.max_length or MAX_LENGTHS[field.type]
    if len(text) > limit:
        raise AnswerError(f"{phrase(field, capital=True)} must be {limit:,} characters or fewer")
    return text


def _number(field: CaseField, value: Any) -> int | float:
    whole, noun = field.type == "number", phrase(field, capital=True)
    wrong = f"{noun} must be {'a whole number' if whole else 'a number'}"
    text = value.strip().replace(",", "") if isinstance(value, str) else ""
    if (_WHOLE if whole else _DECIMAL).match(text):
        amount = Decimal(text)
    elif _is_number(value):
        amount = Decimal(str(value))
    else:
        raise AnswerError(wrong)
    if whole and amount != amount.to_integral_value():
        raise AnswerError(wrong)
    if abs(amount) >= LARGEST:
        raise AnswerError(f"{noun} must have 15 digits or fewer before any decimal point")
    low, high = field.min, field.max
    too_low = low is not None and amount < Decimal(str(low))
    if too_low or (high is not None and amount > Decimal(str(high))):
        if low is not None and high is not None:
            raise AnswerError(f"{noun} must be between {number_text(low)} and {number_text(high)}")
        if low is not None:
            raise AnswerError(f"{noun} must be {number_text(low)} or more")
        raise AnswerError(f"{noun} must be {number_text(high)} or less")
    return int(amount) if whole else float(amount)


def _date(field: CaseField, value: Any) -> str:
    noun = phrase(field, capital=True)
    text = value.strip() if isinstance(value, str) else ""
    if isinstance(value, date) and not isinstance(value, datetime):
        typed = value
    elif _ISO_DATE.match(text):
        try:
            typed = date.fromisoformat(text)
        except ValueError:
            raise AnswerError(f"{noun} must be a real date") from None
    else:
        raise AnswerError(f"{noun} must be a real date, like 2026-11-30")
    if typed.year < 1000:  # As on the page, where a year has four digits.
        raise AnswerError(f"{noun} must be a real date")
    if field.past and typed > timezone.localdate():
        raise AnswerError(f"{noun} must be today or in the past")
    if field.future and typed < timezone.localdate():
        raise AnswerError(f"{noun} must be today or in the future")
    return typed.isoformat()


def _choice(field: CaseField, value: Any) -> str:
    if not isinstance(value, str) or value not in {option.value for option in field.options}:
        raise AnswerError(option_message(field))
    return value


def _choices(field: CaseField, value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise AnswerError(option_message(field))
    chosen = {_choice(field, one) for one in value}
    return [option.value for option in field.options if option.value in chosen]


def _yes_no(field: CaseField, value: Any) -> bool:
    word = value.strip().lower() if isinstance(value, str) else value
    if word not in (True, False, "yes", "no", "true", "false") or _is_number(word):
        raise AnswerError(missing_message(field))
    return word in (True, "yes", "true")


def _email(field: CaseField, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        validate_email(text)
    except ValidationError:
        text = ""
    if not text or len(text) > 254:
        raise AnswerError(f"Enter {phrase(field)} in the correct format, like name@example.com")
    return text


def _phone(field: CaseField, value: Any) -> str:
    compact = re.sub(r"[\s().-]", "", value) if isinstance(value, str) else ""
    for prefix in ("+44", "0044"):
        if compact.startswith(prefix):
            rest = compact.removeprefix(prefix)
            compact = rest if rest.startswith("0") else f"0{rest}"  # "+44 (0)20 …"
    if not PHONE.match(compact):
        like = "like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        raise AnswerError(f"Enter {phrase(field)} in the correct format, {like}")
    return f"+44{compact[1:]}"


def _postcode(field: CaseField, value: Any) -> str:
    found = POSTCODE.match(re.sub(r"\s+", "", value).upper()) if isinstance(value, str) else None
    if not found:
        raise AnswerError(f"Enter {phrase(field)} in the correct format, like EH1 1YZ")
    return f"{found[1]} {found[2]}"


_CLEANERS: dict[str, Callable[[CaseField, Any], Any]] = {
    "text": _text,
    "textarea": _text,
    "number": _number,
    "decimal": _number,
    "date": _date,
    "select": _choice,
    "radios": _choice,
    "checkboxes": _choices,
    "yes_no": _yes_no,
    "email": _email,
    "phone": _phone,
    "postcode": _postcode,
}
FIELD_TYPES = tuple(_CLEANERS)


# Pages, the case page and other systems


def pages(fields: Sequence[CaseField], answers: Mapping[str, Any] | None = None) -> list[int]:
    """The question pages in order; given the answers so far, only pages with a question left."""
    numbers = sorted({field.page for field in fields})
    if answers is None:
        return numbers
    return [page for page in numbers if page_fields(fields, page, answers)]


def page_fields(
    fields: Sequence[CaseField], page: int, earlier: Mapping[str, Any]
) -> tuple[CaseField, ...]:
    """A page's questions: those that apply given earlier pages' answers, and those that hang
    on a question of the same page (the form decides those when it is sent)."""
    page_of = {field.name: field.page for field in fields}
    shown: dict[str, CaseField] = {}
    for field in fields:
        if field.page != page:
            continue
        condition = field.show_if
        same_page = condition is not None and page_of[condition.field] == page
        if condition is None or (
            condition.field in shown if same_page else applies(field, earlier)
        ):
            shown[field.name] = field
    return tuple(shown.values())


def number_text(value: Any) -> str:
    """1200 → "1,200", 2.50 → "2.5"."""
    if not _is_number(value):
        raise TypeError(value)
    return f"{Decimal(str(value)).normalize():,f}"


def display(fields: Sequence[CaseField], data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Label and answer for a case page's summary list, in the questions' order; questions
    not answered are left out."""
    return [(f.label, display_value(f, data[f.name])) for f in fields if f.name in data]


def display_value(field: CaseField, value: Any) -> str:
    """An answer as a person reads it; a value older than the definition shows as it is."""
    labels = {option.value: option.label for option in field.options}
    try:
        if field.type in ("number", "decimal"):
            return number_text(value)
        if field.type == "date":
            day = date.fromisoformat(value)
            return f"{day.day} {day:%B %Y}"
        if field.type in CHOICE_TYPES:
            chosen = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(one, str(one)) for one in chosen)
        if field.type == "yes_no" and isinstance(value, bool):
            return "Yes" if value else "No"
        if field.type == "phone":
            return _phone_text("0" + value.removeprefix("+44"))
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        pass
    return str(value)


def _phone_text(national: str) -> str:
    """A UK number spaced as it is usually written: 020 7946 0000, 0131 496 0000."""
    if len(national) != 11:
        return national
    if national.startswith("02"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national[1] in "3589" or re.match(r"01(?:1[0-9]|[0-9]1)", national):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"


def json_schema(
    fields: Sequence[CaseField], *, title: str = "Case details", description: str = ""
) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for a case's `data` as `clean_data` stores it.

    A question with show_if is left out of the top-level `required`; instead one `if`/`then`/
    `else` for it says: when the condition holds it is required (if it is required at all),
    and when it does not the answer is absent, as `clean_data` drops it. Personal data carries
    `"x-sensitive": true`.
    """
    by_name = {field.name: field for field in fields}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description
        or "The answers to the case type's questions. A question not answered is left out.",
        "type": "object",
        "properties": {field.name: _property(field) for field in fields},
        "additionalProperties": False,
    }
    required = [field.name for field in fields if field.required and field.show_if is None]
    if required:
        schema["required"] = required
    rules = []
    for field in fields:
        if field.show_if is None:
            continue
        target, equals = by_name[field.show_if.field], field.show_if.equals
        match: dict[str, Any] = {"const": equals}
        if target.type == "checkboxes":
            match = {"contains": match}
        when = {"properties": {target.name: match}, "required": [target.name]}
        rule: dict[str, Any] = {"if": when}
        if field.required:
            rule["then"] = {"required": [field.name]}
        rule["else"] = {"not": {"required": [field.name]}}
        rules.append(rule)
    if rules:
        schema["allOf"] = rules
    return schema


def _property(field: CaseField) -> dict[str, Any]:
    described: dict[str, Any] = {"title": field.label}
    notes = [field.hint] if field.hint else []
    values = [option.value for option in field.options]
    if field.type in MAX_LENGTHS:
        limit = field.max_length or MAX_LENGTHS[field.type]
        described.update(type="string", minLength=1, maxLength=limit)
    elif field.type in ("number", "decimal"):
        described["type"] = "integer" if field.type == "number" else "number"
        for keyword, bound in (("minimum", field.min), ("maximum", field.max)):
            if bound is not None:
                described[keyword] = bound
    elif field.type == "date":
        described.update(type="string", format="date")
        notes += ["Today or earlier."] if field.past else []
        notes += ["Today or later."] if field.future else []
    elif field.type in ("select", "radios"):
        described.update(type="string", enum=values)
    elif field.type == "checkboxes":
        items = {"type": "string", "enum": values}
        described.update(type="array", items=items, uniqueItems=True, minItems=1)
    elif field.type == "yes_no":
        described["type"] = "boolean"
    elif field.type == "email":
        described.update(type="string", format="email", maxLength=254)
    elif field.type == "phone":
        described.update(type="string", pattern=r"^\+44[1-9][0-9]{8,9}$")
        notes.append("A UK number, like +447700900982.")
    else:
        described.update(type="string", pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
    if notes:
        described["description"] = " ".join(notes)
    if field.sensitive:
        described["x-sensitive"] = True
    return described


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
