"""Case-type fields: answers checked and normalised for a case's `data`."""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from burgh.cases.fields.definition import (
    _DECIMAL,
    _IMPERATIVE,
    _ISO_DATE,
    _NO_ARTICLE,
    _WHOLE,
    CHOICE_TYPES,
    DATA_DETAIL,
    LARGEST,
    MAX_LENGTHS,
    PHONE,
    POSTCODE,
    AnswerError,
    CaseField,
    _escape,
    _is_number,
    _listed,
    _problem,
    number_text,
)
from burgh.core.errors import InvalidInputError

# Answers


def clean_data(
    fields: Sequence[CaseField], raw: Mapping[str, Any], *, at: str = "#/data/"
) -> dict[str, Any]:
    """The answers for a case's `data`, normalised, or InvalidInputError naming every problem.

    Takes JSON values, or strings as a form sends them ("2026-11-30", "12"). Answers to
    questions that do not apply (show_if) are dropped; unknown names are refused. Each problem
    points at its answer under `at` (a case's answers are its `data`).
    """
    known = sorted(field.name for field in fields)
    problems = [
        _problem(
            f"{at}{_escape(str(key))}",
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
            problems.append(_problem(f"{at}{field.name}", str(error)))
            continue
        if answer is not None:
            data[field.name] = answer
        elif field.required:
            problems.append(_problem(f"{at}{field.name}", missing_message(field)))
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
    if field.min_length and len(text) < field.min_length:
        shortest = field.min_length
        raise AnswerError(f"{phrase(field, capital=True)} must be {shortest:,} characters or more")
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
