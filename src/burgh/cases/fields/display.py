"""Case-type fields: question pages, answers shown on the case page, and the JSON Schema."""

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from burgh.cases.fields.answers import applies
from burgh.cases.fields.definition import (
    CHOICE_TYPES,
    MAX_LENGTHS,
    CaseField,
    number_text,
)

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
        described.update(type="string", minLength=field.min_length or 1, maxLength=limit)
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
