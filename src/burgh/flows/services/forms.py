"""A user task's form: Camunda Modeler's form fields as Burgh keeps and checks them.

A field has an id (the name the process reads the answer by), a label, a type (string, long,
boolean, date or enum, with options) and constraints (required, min and max, minlength and
maxlength). The answers a person gives are checked against it, each problem with its field.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from burgh.core.errors import InvalidInputError

CONSTRAINTS = ("required", "min", "max", "minlength", "maxlength")


def form_of(spec: Any) -> list[dict[str, Any]]:
    """A task spec's form as a list of fields (none for a task without one)."""
    form = getattr(spec, "form", None)
    found = []
    for field in getattr(form, "fields", []) or []:
        rules = {v.name: v.config for v in field.validation if v.name in CONSTRAINTS}
        found.append(
            {
                "id": field.id,
                "label": field.label or field.id,
                "type": field.type or "string",
                "default": field.default_value or "",
                "required": "required" in rules,
                "rules": {k: v for k, v in rules.items() if k != "required"},
                "options": [
                    {"id": option.id, "name": option.name}
                    for option in getattr(field, "options", [])
                ],
            }
        )
    return found


def clean_answers(form: list[dict[str, Any]], given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as the process reads them (whole numbers, yes or no, dates as ISO text),
    or every problem at once, each pointing at its field."""
    cleaned: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for field in form:
        name, label = field["id"], field["label"]
        raw = given.get(name)
        text = "" if raw is None else str(raw).strip()
        if field["type"] == "boolean":
            if isinstance(raw, bool):
                cleaned[name] = raw
            elif text.lower() in {"true", "yes", "on", "1"}:
                cleaned[name] = True
            elif text.lower() in {"false", "no", "0", ""}:
                if field["required"] and not text:
                    problems.append(_problem(name, f"Select yes or no for “{label}”"))
                cleaned[name] = False
            else:
                problems.append(_problem(name, f"Select yes or no for “{label}”"))
            continue
        if not text:
            if field["required"]:
                verb = "Select" if field["type"] == "enum" else "Enter"
                problems.append(_problem(name, f"{verb} “{label}”"))
            cleaned[name] = None
            continue
        try:
            cleaned[name] = _value(field, text)
        except ValueError as error:
            problems.append(_problem(name, str(error)))
    if problems:
        raise InvalidInputError(
            f"{len(problems)} answer{'s' if len(problems) != 1 else ''} need changing.",
            errors=problems,
        )
    return cleaned


def _problem(name: str, detail: str) -> dict[str, str]:
    return {"pointer": f"#/{name}", "detail": detail}


def _value(field: dict[str, Any], text: str) -> Any:
    label, rules = field["label"], field["rules"]
    kind = field["type"]
    if kind == "long":
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"“{label}” must be a whole number, like 12") from None
        if "min" in rules and number < int(rules["min"]):
            raise ValueError(f"“{label}” must be {rules['min']} or more")
        if "max" in rules and number > int(rules["max"]):
            raise ValueError(f"“{label}” must be {rules['max']} or less")
        return number
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"“{label}” must be a real date, like 2026-12-31") from None
    if kind == "enum":
        choices = {option["id"] for option in field["options"]}
        if text not in choices:
            names = ", ".join(option["name"] for option in field["options"])
            raise ValueError(f"Select one of the choices for “{label}”: {names}")
        return text
    if "minlength" in rules and len(text) < int(rules["minlength"]):
        raise ValueError(f"“{label}” must be {rules['minlength']} characters or more")
    if len(text) > int(rules.get("maxlength", 5000)):
        raise ValueError(f"“{label}” must be {rules.get('maxlength', 5000)} characters or fewer")
    return text


def describe_answers(form: list[dict[str, Any]], cleaned: Mapping[str, Any]) -> str:
    """The answers as a sentence for the chronology: 'How bad is it?: Serious; Depth: 45'."""
    said = []
    for field in form:
        value = cleaned.get(field["id"])
        if value is None:
            continue
        if field["type"] == "enum":
            value = next((o["name"] for o in field["options"] if o["id"] == value), value)
        elif field["type"] == "boolean":
            value = "Yes" if value else "No"
        said.append(f"{field['label']}: {value}")
    return "; ".join(said)
