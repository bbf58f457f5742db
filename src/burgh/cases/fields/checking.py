"""Case-type fields: checking the definition an administrator writes, every problem at once."""

from collections.abc import Callable, Mapping
from typing import Any

from burgh.cases.fields.answers import (
    _CLEANERS,
    FIELD_TYPES,
    _choice,
    clean_value,
    missing_message,
)
from burgh.cases.fields.definition import (
    _ONLY_FOR,
    CHOICE_TYPES,
    DEFINITION_DETAIL,
    LONGEST,
    MAX_LENGTHS,
    NAME,
    RESERVED_NAMES,
    SETTINGS,
    VARIABLE,
    AnswerError,
    CaseField,
    Condition,
    FieldDefinitionError,
    Option,
    _escape,
    _is_number,
    _is_whole,
    _listed,
    _problem,
)

# Checking a definition


def check_definition(raw: Any, *, variables: bool = False) -> tuple[CaseField, ...]:
    """The fields an administrator defined, or one FieldDefinitionError naming every problem.

    With `variables`, the questions are a process step's (flows): each name is a variable of
    the process, so an identifier such as `depthMm` or `status`, not a case's data key.
    """
    problems: list[dict[str, str]] = []
    if not isinstance(raw, list):
        detail = 'Give a list of fields, like [{"name": "bin_type", "label": …, "type": "radios"}].'
        raise FieldDefinitionError(DEFINITION_DETAIL, errors=[_problem("#/fields", detail)])
    names: dict[str, int] = {}
    built: dict[str, CaseField] = {}
    for index, item in enumerate(raw):
        field = _check_field(item, index, names, built, problems, variables=variables)
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
    *,
    variables: bool,
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
    name: Any = item.get("name")
    if wrong := _name_problem(name, variables=variables):
        report("name", wrong)
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


def _name_problem(name: Any, *, variables: bool) -> str:
    if variables:
        if isinstance(name, str) and VARIABLE.match(name):
            return ""
        return (
            "Give a name of up to 100 letters, digits and underscores, beginning with a letter, "
            f"like depthMm; not {name!r}."
        )
    if not isinstance(name, str) or len(name) > 40 or not NAME.match(name):
        return f"Give a name of lowercase_words, up to 40 characters, like bin_type; not {name!r}."
    if name in RESERVED_NAMES:
        return f"Every case has a {name}; choose another name, like {name}_detail."
    return ""


def _check_settings(item: dict[str, Any], kind: str, report: Callable[[str, str], None]) -> None:
    for key, kinds in _ONLY_FOR.items():
        if key in item and kind not in kinds:
            report(key, f"{key} is only for {_listed(kinds, 'and')} fields; remove it.")
    if kind in MAX_LENGTHS:
        lengths = {"min_length": 1, "max_length": MAX_LENGTHS[kind]} | item
        wrong = [k for k in ("min_length", "max_length") if not _length(lengths[k])]
        for key in wrong:
            report(key, f"Give {key} as a whole number from 1 to {LONGEST:,}.")
        if not wrong and lengths["min_length"] > lengths["max_length"]:
            longest = lengths["max_length"]
            report("min_length", f"Give a min_length of at most the max_length, {longest:,}.")
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


def _length(value: Any) -> bool:
    return _is_whole(value) and 1 <= value <= LONGEST


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
