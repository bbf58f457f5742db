"""Case types as data: checking an administrator's definition, saving it, routing by it.

A definition is the JSON an administrator writes (docs/case-types.md): its form fields,
statuses and transitions, SLA, routing rules, outcomes and decisions. Every problem in a
definition is reported at once, each with a pointer to where it is; nothing is saved unless
the whole definition is right.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from burgh.cases import fields as case_fields
from burgh.cases.access import MANAGE_CASE_TYPES
from burgh.cases.models import Allocation, CaseType, Priority, Stage
from burgh.cases.services.common import require
from burgh.cases.sla import SlaPolicy
from burgh.core.changes import record_change
from burgh.core.concurrency import check_version
from burgh.core.errors import InvalidInputError
from burgh.identity.models import Team, User

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$")
STATUS_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")
PRIORITIES = {label.lower(): value for value, label in Priority.choices}
STRINGS = {
    "name": 120,
    "service": 120,
    "group": 120,
    "keywords": 300,
    "description": 5000,
    "retention_class": 80,
    "statutory_timescale": 300,
    "required_skill": 80,
}
FLAGS = ("public", "active", "sensitive", "needs_subject", "needs_location")
KNOWN_KEYS = {
    "code",
    "fields",
    "statuses",
    "transitions",
    "initial_status",
    "outcomes",
    "decision_kinds",
    "sla",
    "routing",
    "default_team",
    "default_priority",
    "allocation",
    "duplicate_radius_m",
    "process",
    "routing_decision",
    *STRINGS,
    *FLAGS,
}


class CaseTypeDefinitionError(InvalidInputError):
    slug = "case-type-definition"
    title = "The case type definition is not right"


def team_by_path(path: str) -> Team | None:
    """A team named as `organisation-slug/team-slug`, as definitions and imports name them."""
    organisation, _, slug = path.partition("/")
    if not organisation or not slug:
        return None
    return Team.objects.filter(organisation__slug=organisation, slug=slug).first()


def team_path(team: Team) -> str:
    return f"{team.organisation.slug}/{team.slug}"


class _Problems:
    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, pointer: str, detail: str) -> None:
        self.errors.append({"pointer": pointer, "detail": detail})


def check_definition(raw: Any) -> dict[str, Any]:
    """The definition as the columns of a CaseType, or every problem in it at once."""
    problems = _Problems()
    if not isinstance(raw, Mapping):
        raise CaseTypeDefinitionError(
            "A case type definition is a JSON object.",
            errors=[{"pointer": "#", "detail": 'Expected an object such as {"code": ...}.'}],
        )
    for key in sorted(set(raw) - KNOWN_KEYS):
        problems.add(f"#/{key}", f"{key!r} is not part of a case type definition.")
    values: dict[str, Any] = {}
    code = raw.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.add("#/code", "Give a code of 2 to 60 lower-case letters, digits and hyphens.")
    values["code"] = code
    for name, limit in STRINGS.items():
        value = raw.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            problems.add(f"#/{name}", f"Give text of {limit} characters or fewer.")
        values[name] = value.strip() if isinstance(value, str) else ""
    for name in ("name", "service"):
        if not values[name]:
            problems.add(f"#/{name}", f"Give the case type's {name}.")
    for name in FLAGS:
        value = raw.get(name, name == "active")
        if not isinstance(value, bool):
            problems.add(f"#/{name}", "Give true or false.")
        values[name] = bool(value)
    statuses = _statuses(raw.get("statuses"), problems)
    values["statuses"] = statuses
    codes = {status["code"]: status["stage"] for status in statuses}
    values["initial_status"] = _initial(raw.get("initial_status"), codes, problems)
    values["transitions"] = _transitions(raw.get("transitions", {}), codes, problems)
    values["outcomes"] = _coded_list(raw.get("outcomes"), "outcomes", problems, required=True)
    values["decision_kinds"] = _decision_kinds(raw.get("decision_kinds", []), problems)
    try:
        values["fields"] = [
            field.to_definition() for field in case_fields.check_definition(raw.get("fields", []))
        ]
    except InvalidInputError as error:
        problems.errors.extend(error.errors or [{"pointer": "#/fields", "detail": str(error)}])
    values["sla"] = _sla(raw.get("sla"), codes, problems)
    values["default_team"] = _team(raw.get("default_team"), "#/default_team", problems)
    values["routing"] = _routing(raw.get("routing", []), problems)
    values["default_priority"] = _priority(
        raw.get("default_priority", "normal"), "#/default_priority", problems
    )
    allocation = raw.get("allocation", Allocation.MANUAL)
    if allocation not in Allocation.values:
        problems.add("#/allocation", f"Give one of: {', '.join(Allocation.values)}.")
    values["allocation"] = allocation
    radius = raw.get("duplicate_radius_m", 0)
    if not isinstance(radius, int) or isinstance(radius, bool) or not 0 <= radius <= 5000:
        problems.add("#/duplicate_radius_m", "Give whole metres from 0 (same property) to 5000.")
    values["duplicate_radius_m"] = radius
    values["process_key"] = _process(raw.get("process", ""), problems)
    values["routing_decision"] = _routing_decision(raw.get("routing_decision", ""), problems)
    if problems.errors:
        raise CaseTypeDefinitionError(
            f"The case type definition has {len(problems.errors)} problem(s).",
            errors=problems.errors,
        )
    return values


def _process(raw: Any, problems: _Problems) -> str:
    """The key of a deployed process flow, or "" for none."""
    from burgh.flows.services import latest_process

    if raw in ("", None):
        return ""
    if not isinstance(raw, str) or latest_process(raw) is None:
        problems.add("#/process", f"No process flow {raw!r} is deployed: deploy it first.")
        return ""
    return raw


def _routing_decision(raw: Any, problems: _Problems) -> str:
    """The key of a deployed DMN decision table, or "" for the routing rules."""
    from burgh.flows.services import latest_decision

    if raw in ("", None):
        return ""
    if not isinstance(raw, str) or latest_decision(raw) is None:
        problems.add(
            "#/routing_decision", f"No decision table {raw!r} is deployed: deploy it first."
        )
        return ""
    return raw


def _statuses(raw: Any, problems: _Problems) -> list[dict[str, str]]:
    if not isinstance(raw, list) or not raw:
        problems.add("#/statuses", "List the statuses, each with a code, a label and a stage.")
        return []
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        pointer = f"#/statuses/{index}"
        if not isinstance(item, Mapping):
            problems.add(pointer, "Give an object with code, label and stage.")
            continue
        code, label, stage = item.get("code"), item.get("label"), item.get("stage", "open")
        if not isinstance(code, str) or not STATUS_CODE.match(code):
            problems.add(f"{pointer}/code", "Use lower-case letters, digits and hyphens (≤ 40).")
            continue
        if code in seen:
            problems.add(f"{pointer}/code", f"The status {code!r} is listed twice.")
        if not isinstance(label, str) or not label.strip() or len(label) > 60:
            problems.add(f"{pointer}/label", "Give a label of 1 to 60 characters.")
            label = code
        if stage not in Stage.values:
            problems.add(f"{pointer}/stage", f"Give one of: {', '.join(Stage.values)}.")
        seen.add(code)
        found.append({"code": code, "label": label.strip(), "stage": str(stage)})
    stages = {status["stage"] for status in found}
    for stage in (Stage.OPEN, Stage.CLOSED):
        if found and stage not in stages:
            problems.add("#/statuses", f"At least one status must have the stage {stage!r}.")
    return found


def _initial(raw: Any, codes: Mapping[str, str], problems: _Problems) -> str:
    if raw not in codes:
        problems.add("#/initial_status", "Give the code of one of the statuses.")
        return ""
    if codes[raw] == Stage.CLOSED:
        problems.add("#/initial_status", "A case cannot start closed: choose an open status.")
    return str(raw)


def _transitions(raw: Any, codes: Mapping[str, str], problems: _Problems) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        problems.add("#/transitions", "Give an object: each status to the statuses it may go to.")
        return {}
    result: dict[str, list[str]] = {}
    for source, targets in raw.items():
        pointer = f"#/transitions/{source}"
        if source not in codes:
            problems.add(pointer, f"{source!r} is not one of the statuses.")
            continue
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            problems.add(pointer, "Give a list of status codes.")
            continue
        for target in targets:
            if target not in codes:
                problems.add(pointer, f"{target!r} is not one of the statuses.")
            elif codes[target] == Stage.CLOSED:
                problems.add(
                    pointer,
                    f"{target!r} is a closed status: a case reaches it by being closed with an "
                    "outcome, so leave it out of the transitions.",
                )
        result[source] = list(dict.fromkeys(targets))
    return result


def _coded_list(
    raw: Any, name: str, problems: _Problems, *, required: bool
) -> list[dict[str, str]]:
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or (required and not raw):
        problems.add(f"#/{name}", f"List the {name}, each with a code and a label.")
        return []
    found: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        pointer = f"#/{name}/{index}"
        if not isinstance(item, Mapping):
            problems.add(pointer, "Give an object with code and label.")
            continue
        code, label = item.get("code"), item.get("label")
        if not isinstance(code, str) or not STATUS_CODE.match(code):
            problems.add(f"{pointer}/code", "Use lower-case letters, digits and hyphens (≤ 40).")
            continue
        if any(existing["code"] == code for existing in found):
            problems.add(f"{pointer}/code", f"{code!r} is listed twice.")
        if not isinstance(label, str) or not label.strip():
            problems.add(f"{pointer}/label", "Give a label.")
            continue
        found.append({"code": code, "label": label.strip()[:120]})
    return found


def _decision_kinds(raw: Any, problems: _Problems) -> list[dict[str, Any]]:
    kinds: list[dict[str, Any]] = list(_coded_list(raw, "decision_kinds", problems, required=False))
    for index, kind in enumerate(kinds):
        source = raw[index] if isinstance(raw, list) and index < len(raw) else {}
        needs = source.get("needs_authorisation", False) if isinstance(source, Mapping) else False
        if not isinstance(needs, bool):
            problems.add(f"#/decision_kinds/{index}/needs_authorisation", "Give true or false.")
        kind["needs_authorisation"] = bool(needs)
    return kinds


def _sla(raw: Any, codes: Mapping[str, str], problems: _Problems) -> dict[str, Any]:
    if raw is None or raw == {}:
        return {}
    if not isinstance(raw, Mapping):
        problems.add("#/sla", 'Give an object such as {"unit": "working_days", "target": 5}.')
        return {}
    paused = sorted(code for code, stage in codes.items() if stage == Stage.PAUSED)
    try:
        # The clock stops in every status whose stage is "paused": one place says so.
        policy = SlaPolicy.from_definition({**raw, "pause_statuses": paused})
    except InvalidInputError as error:
        problems.errors.extend(error.errors or [{"pointer": "#/sla", "detail": str(error)}])
        return {}
    definition = policy.to_definition()
    definition.pop("pause_statuses", None)
    return definition


def _team(raw: Any, pointer: str, problems: _Problems) -> Team | None:
    if not isinstance(raw, str) or not raw:
        problems.add(pointer, "Name the team as organisation/team, e.g. kinloch/roads-maintenance.")
        return None
    team = team_by_path(raw)
    if team is None:
        problems.add(pointer, f"There is no team {raw!r} (write it as organisation/team).")
    return team


def _priority(raw: Any, pointer: str, problems: _Problems) -> int:
    if isinstance(raw, str) and raw.lower() in PRIORITIES:
        return PRIORITIES[raw.lower()]
    problems.add(pointer, f"Give one of: {', '.join(PRIORITIES)}.")
    return Priority.NORMAL


def _routing(raw: Any, problems: _Problems) -> list[dict[str, Any]]:
    """Rules tried in order: the first whose every condition holds sends the case to its team."""
    if not isinstance(raw, list):
        problems.add("#/routing", "Give a list of rules, each with `when` and `team`.")
        return []
    rules: list[dict[str, Any]] = []
    for index, rule in enumerate(raw):
        pointer = f"#/routing/{index}"
        if not isinstance(rule, Mapping) or not isinstance(rule.get("when"), Mapping):
            problems.add(pointer, 'Give {"when": {"field": value}, "team": "org/team"}.')
            continue
        team = _team(rule.get("team"), f"{pointer}/team", problems)
        checked: dict[str, Any] = {"when": dict(rule["when"]), "team": rule.get("team")}
        if team is not None:
            checked["team_id"] = str(team.pk)
        if "priority" in rule:
            checked["priority"] = _priority(rule["priority"], f"{pointer}/priority", problems)
        rules.append(checked)
    return rules


def save_case_type(
    by: User | None, definition: Any, *, expected_version: int | None = None
) -> tuple[CaseType, bool]:
    """Create the case type, or change the one with the definition's code; (type, created).

    With `expected_version` (the version the editor read), a change saved by someone else
    in between is refused rather than overwritten."""
    require(by, MANAGE_CASE_TYPES, "define case types")
    values = check_definition(definition)
    code = values.pop("code")
    with transaction.atomic():
        existing = CaseType.objects.select_for_update().filter(code=code).first()
        if existing is None:
            case_type = CaseType.objects.create(code=code, **values)
            record_change(case_type, "defined", {"code": code}, actor=by)
            return case_type, True
        if expected_version is not None:
            check_version(existing, expected_version)
        _keep_statuses_in_use(existing, values["statuses"])
        changed = sorted(name for name, value in values.items() if getattr(existing, name) != value)
        if not changed:
            return existing, False
        for name in changed:
            setattr(existing, name, values[name])
        existing.version += 1
        existing.save()
        if existing.sensitive and "sensitive" in changed:
            # Cases logged before the type became sensitive are restricted from now on too. The
            # reverse is not done: what was logged under the promise of privacy stays private.
            from burgh.cases.models import Case

            Case.objects.filter(case_type=existing, sensitive=False).update(sensitive=True)
        record_change(
            existing,
            "changed",
            {"code": code, "version": existing.version, "fields": changed},
            actor=by,
        )
        return existing, False


def _keep_statuses_in_use(case_type: CaseType, statuses: list[dict[str, str]]) -> None:
    """Refuse a new definition that drops a status cases are in, or changes its stage."""
    from burgh.cases.models import Case

    stages = {status["code"]: status["stage"] for status in statuses}
    in_use = (
        Case.objects.filter(case_type=case_type)
        .values("status", "stage")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    errors = [
        {
            "pointer": "#/statuses",
            "detail": f"{row['n']} case(s) are in the status {row['status']!r}: keep it"
            + (
                f" with the stage {row['stage']!r}."
                if row["status"] in stages
                else ", or move those cases first."
            ),
        }
        for row in in_use
        if stages.get(row["status"]) != row["stage"]
    ]
    if errors:
        raise CaseTypeDefinitionError(
            "The new definition would strand cases in statuses it no longer has.", errors=errors
        )


@dataclass(frozen=True)
class Routed:
    team: Team
    priority: int
    # How a decision table routed it, for the case's chronology (None: by the rules).
    decided: Any = None


def route(case_type: CaseType, data: Mapping[str, Any], *, channel: str) -> tuple[Team, int]:
    """The team queue and priority a new case of `case_type` goes to."""
    routed = route_explained(case_type, data, channel=channel)
    return routed.team, routed.priority


def route_explained(case_type: CaseType, data: Mapping[str, Any], *, channel: str) -> Routed:
    """Where a new case goes, by the type's routing decision table if it has one (its `team`
    and `priority` outputs; the defaults for what it leaves out), else by its routing rules."""
    facts = {**data, "channel": channel}
    if case_type.routing_decision:
        from burgh.flows.services.decisions import decide

        decided = decide(case_type.routing_decision, facts)
        team = case_type.default_team
        if decided.outputs.get("team"):
            team = team_by_path(str(decided.outputs["team"])) or team
        priority = decided.outputs.get("priority")
        if isinstance(priority, str):
            priority = PRIORITIES.get(priority.lower())
        if priority not in (1, 2, 3, 4):
            priority = case_type.default_priority
        return Routed(team, int(priority), decided)
    team, priority = _by_rules(case_type, facts)
    return Routed(team, priority)


def _by_rules(case_type: CaseType, facts: Mapping[str, Any]) -> tuple[Team, int]:
    for rule in case_type.routing:
        if all(_holds(facts.get(name), wanted) for name, wanted in rule["when"].items()):
            team = Team.objects.filter(pk=rule.get("team_id")).first()
            if team is not None:
                return team, int(rule.get("priority", case_type.default_priority))
    return case_type.default_team, case_type.default_priority


def _holds(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, list):
        return value in wanted or (isinstance(value, list) and bool(set(value) & set(wanted)))
    if isinstance(value, list):
        return wanted in value
    return bool(value == wanted)


def offered(*, public_only: bool = False) -> "Any":
    """Active case types, for intake screens and Open311 `services`."""
    found = CaseType.objects.filter(active=True)
    if public_only:
        found = found.filter(public=True)
    return found.select_related("default_team").order_by("group", "name", "code")


def find_case_type(code: str, *, public_only: bool = False) -> CaseType | None:
    found = CaseType.objects.filter(Q(code=code), active=True)
    if public_only:
        found = found.filter(public=True)
    return found.first()
