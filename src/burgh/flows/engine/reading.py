"""Reading BPMN and DMN files for deployment: every problem found, or the parsed processes.

A deployment is one or more files as a modeller saves them. Before anything is saved each file
is parsed without network, entities or DTDs, checked against the BPMN 2.0 and DMN schemas,
and read for what Burgh cannot run: an element it does not support, a service task without one
of Burgh's actions, an expression that imports, opens files or does not parse. Every problem is
reported with its file, its element's id and the reason; only a clean deployment is parsed by
SpiffWorkflow into specs.
"""

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.exceptions import SpiffWorkflowException

from burgh.flows.engine import expressions, forms
from burgh.flows.engine.actions import ACTIONS
from burgh.flows.engine.specs import SERIALIZER, BurghParser, action_of, camunda_tag, inputs_of

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
LARGEST_FILE = 2_000_000
MOST_FILES = 50

# What Burgh does not run, and what to do instead.
UNSUPPORTED = {
    "transaction": "transactions (and their compensation) are not supported: use a sub-process",
    "adHocSubProcess": "ad hoc sub-processes are not supported: use a sub-process",
    "complexGateway": "complex gateways are not supported: use an inclusive gateway",
    "compensateEventDefinition": "compensation events are not supported",
    "cancelEventDefinition": "cancel events are not supported",
    "conditionalEventDefinition": "conditional events are not supported: use a gateway",
    "linkEventDefinition": "link events are not supported: draw the sequence flow",
    "receiveTask": "receive tasks are not supported: use an intermediate message catch event",
    "sendTask": "send tasks are not supported: use the message_case action in a service task",
}
# Throwing a message or a signal from an event: Burgh sends them with its actions, which reach
# other cases' processes (a thrown event would reach only this one's).
THROWN = {
    "messageEventDefinition": "throwing a message is done with the message_case action in a "
    "service task",
    "signalEventDefinition": "throwing a signal is done with the send_signal action in a "
    "service task",
}
DECISION_HIT_POLICIES = {"UNIQUE", "COLLECT"}
# Camunda Modeler writes a timer's date or duration as ISO 8601 text, which runs as a string.
ISO_8601 = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-][0-9:]+)?)?)$")


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.element}: {self.reason}"


@dataclass(frozen=True)
class ReadProcess:
    key: str
    name: str
    file: str
    xml: str
    spec: dict[str, Any]
    elements: int
    calls: tuple[str, ...]
    # The stages a case moves through, in order (flow nodes' `stage` property).
    stages: tuple[str, ...]


@dataclass(frozen=True)
class ReadDecision:
    key: str
    name: str
    file: str
    xml: str


@dataclass
class Reading:
    processes: list[ReadProcess] = field(default_factory=list)
    decisions: list[ReadDecision] = field(default_factory=list)


class DefinitionError(Exception):
    """Files that cannot be deployed, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Tree:
    name: str
    kind: str  # "bpmn" or "dmn"
    root: Any
    xml: str


@dataclass(frozen=True)
class Deployed:
    """An earlier deployment's file a new one may call or decide with (not deployed again)."""

    file: str
    xml: str
    kind: str  # "bpmn" or "dmn"


SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


Lookup = Callable[[str, str], Deployed | None]
# Of the teams ("team") or webhooks ("webhook") the files name, those that do not exist.
Missing = Callable[[str, set[str]], set[str]]


def read(
    files: Sequence[tuple[str, bytes]],
    lookup: Lookup = lambda kind, key: None,
    missing: Missing = lambda kind, names: set(),
) -> Reading:
    """Parse and check `files` (name, content); raise DefinitionError with every problem.

    A process may call another (a call activity) or a decision table deployed earlier:
    `lookup(kind, key)` ("bpmn" or "dmn") gives that file, or None when there is none. User
    tasks name teams (Candidate groups) and `call_webhook` tasks webhooks: `missing(kind,
    names)` gives those that do not exist.
    """
    if not files:
        raise DefinitionError([Problem("(none)", "-", "choose at least one BPMN or DMN file")])
    if len(files) > MOST_FILES:
        raise DefinitionError([Problem("(all)", "-", f"deploy at most {MOST_FILES} files at once")])
    problems: list[Problem] = []
    trees: list[Tree] = []
    for name, content in files:
        parsed = _parse(name, content, problems)
        if parsed is not None:
            trees.append(Tree(name, parsed[0], parsed[1], content.decode("utf-8", "replace")))
    names = [tree.name for tree in trees]
    for name in {name for name in names if names.count(name) > 1}:
        problems.append(Problem(name, "-", "two files have this name: rename one"))
    for tree in trees:
        (_check_bpmn if tree.kind == "bpmn" else _check_dmn)(tree.name, tree.root, problems)
    problems += _unknown_names(trees, missing)
    deployed = _references(trees, lookup, problems)
    if problems:
        raise DefinitionError(problems)
    return _specs(trees, deployed)


def _references(trees: list[Tree], lookup: Lookup, problems: list[Problem]) -> list[Deployed]:
    """The earlier deployments' files that these call or decide with (and those that they call,
    in turn); a problem for each process or decision named that is neither here nor deployed."""
    defined: dict[str, set[str]] = {"bpmn": set(), "dmn": set()}
    found: list[Deployed] = []
    waiting = [(tree.name, tree.root) for tree in trees]
    for _, root in waiting:
        defined["bpmn"].update(p.get("id") for p in root.findall(f"{{{BPMN}}}process"))
        defined["dmn"].update(d.get("id") for d in root if _local(d) == "decision")
    wanted = [(f"{{{BPMN}}}callActivity", "calledElement", "bpmn", "calls the process")]
    wanted.append(
        (f"{{{BPMN}}}businessRuleTask", camunda_tag("decisionRef"), "dmn", "decides with")
    )
    while waiting:
        name, root = waiting.pop()
        for tag, attribute, kind, verb in wanted:
            for element in root.iter(tag):
                key = element.get(attribute) or ""
                if key in defined[kind]:
                    continue
                earlier = lookup(kind, key)
                if earlier is None:
                    reason = f"it {verb} {key!r}, which is neither in these files nor deployed"
                    problems.append(Problem(name, _element(element), reason))
                    continue
                found.append(earlier)
                defined[kind].add(key)
                if kind == "bpmn":
                    waiting.append((earlier.file, etree.fromstring(earlier.xml.encode(), SAFE_XML)))
    return found


def _parse(name: str, content: bytes, problems: list[Problem]) -> tuple[str, Any] | None:
    if len(content) > LARGEST_FILE:
        problems.append(Problem(name, "-", f"is over {LARGEST_FILE // 1_000_000} MB"))
        return None
    if b"<!DOCTYPE" in content[:4096].upper():
        problems.append(Problem(name, "-", "declares a DOCTYPE, which Burgh does not read"))
        return None
    try:
        root = etree.fromstring(content, SAFE_XML)
    except etree.XMLSyntaxError as error:
        problems.append(
            Problem(name, f"line {error.lineno}", f"is not well-formed XML: {error.msg}")
        )
        return None
    if root.tag == f"{{{BPMN}}}definitions":
        schema_problem = _schema_problem(BpmnValidator(), root)
        kind = "bpmn"
    elif (
        etree.QName(root).namespace in DMN_SCHEMAS and etree.QName(root).localname == "definitions"
    ):
        schema_problem = _schema_problem(
            BpmnValidator(DMN_SCHEMAS[etree.QName(root).namespace]), root
        )
        kind = "dmn"
    else:
        problems.append(Problem(name, "-", "is neither a BPMN 2.0 nor a DMN file"))
        return None
    if schema_problem:
        problems.append(Problem(name, *schema_problem))
        return None
    return kind, root


def _schema_problem(validator: Any, root: Any) -> tuple[str, str] | None:
    try:
        validator.validate(root.getroottree())
    except ValidationException:
        error = validator.validator.error_log.last_error
        return f"line {error.line}", f"breaks the {_standard(root)} schema: {error.message}"
    return None


def _standard(root: Any) -> str:
    return "BPMN 2.0" if root.tag == f"{{{BPMN}}}definitions" else "DMN"


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _element(element: Any) -> str:
    return element.get("id") or f"{_local(element)} on line {element.sourceline}"


def _check_bpmn(name: str, root: Any, problems: list[Problem]) -> None:
    def refuse(element: Any, reason: str) -> None:
        problems.append(Problem(name, _element(element), reason))

    def expression(element: Any, text: str | None, what: str, mode: expressions.Mode) -> None:
        text = (text or "").strip()
        if not text:
            refuse(element, f"its {what} is empty")
        elif text.startswith(("${", "#{", "=")):
            refuse(
                element,
                f"its {what} {text!r} is a Camunda (JUEL or FEEL) expression: write it "
                'in Python, like severity == "high"',
            )
        else:
            for reason in expressions.problems(text, mode):
                refuse(element, f"its {what} {text!r} may not run: {reason}")

    processes = root.findall(f"{{{BPMN}}}process")
    if not processes:
        problems.append(Problem(name, "-", "holds no process"))
    for process in processes:
        if process.get("isExecutable") == "false":
            refuse(process, "is marked not executable: tick 'Executable' in the modeller")
    for element in root.iter(f"{{{BPMN}}}*"):
        local = _local(element)
        if UNSUPPORTED.get(local):
            refuse(element, UNSUPPORTED[local])
        elif local in THROWN and _local(element.getparent()) in {
            "intermediateThrowEvent",
            "endEvent",
        }:
            refuse(element.getparent(), THROWN[local])
        elif local == "serviceTask":
            _check_action(element, refuse, expression)
        elif local == "scriptTask":
            script_format = (element.get("scriptFormat") or "python").lower()
            if script_format not in {"python", "python3"}:
                refuse(element, f"its script is {script_format}: Burgh runs Python scripts only")
            else:
                expression(element, element.findtext(f"{{{BPMN}}}script"), "script", "exec")
        elif local == "conditionExpression":
            flow = element.getparent()
            expression(flow, element.text, "condition", "eval")
        elif local in {"loopCardinality", "completionCondition"}:
            expression(element.getparent().getparent(), element.text, local, "eval")
        elif local in {"timeDate", "timeDuration", "timeCycle"}:
            text = (element.text or "").strip()
            if not ISO_8601.match(text):
                expression(element.getparent().getparent(), text, f"timer's {local}", "eval")
        elif local == "businessRuleTask" and not element.get(camunda_tag("decisionRef")):
            refuse(
                element,
                "it names no decision: set its implementation to DMN and its "
                "decision reference to a decision table's id",
            )
        elif local == "userTask" and element.get(camunda_tag("dueDate")):
            due = element.get(camunda_tag("dueDate")).strip()
            if not ISO_8601.match(due) or not due.startswith("P"):
                refuse(
                    element,
                    f"its due date {due!r} is not an ISO 8601 duration like P1D, PT24H or P1M",
                )
        if local == "userTask":
            for problem in forms.problems(forms.drawn_in_xml(element)):
                refuse(element, problem)


def _check_action(element: Any, refuse: Any, expression: Any) -> None:
    action_name = action_of(element)
    if action_name is None:
        for attribute in ("class", "expression", "delegateExpression"):
            if element.get(camunda_tag(attribute)):
                refuse(
                    element,
                    f"it runs a Java {attribute}, which Burgh cannot: set its "
                    "implementation to External and its topic to a Burgh action",
                )
                return
        refuse(
            element,
            "it names no action: set its implementation to External and its topic "
            f"to one of {', '.join(ACTIONS)}",
        )
        return
    action = ACTIONS.get(action_name)
    if action is None:
        refuse(element, f"its action {action_name!r} is not one of Burgh's: {', '.join(ACTIONS)}")
        return
    given = inputs_of(element)
    for input_name, text in given.items():
        if action.input_named(input_name) is None:
            allowed = ", ".join(i.name for i in action.inputs)
            refuse(element, f"{action.name} takes no input {input_name!r} (it takes {allowed})")
        else:
            expression(element, text, f"input {input_name!r}", "eval")
    for wanted in action.inputs:
        if wanted.required and wanted.name not in given:
            refuse(element, f"{action.name} needs the input {wanted.name!r}: {wanted.description}")


def _check_dmn(name: str, root: Any, problems: list[Problem]) -> None:
    namespace = etree.QName(root).namespace

    def tag(local: str) -> str:
        return f"{{{namespace}}}{local}"

    decisions = root.findall(tag("decision"))
    if len(decisions) != 1:
        problems.append(
            Problem(
                name,
                "-",
                f"holds {len(decisions)} decisions: Burgh reads one "
                "decision table per DMN file, so save each in a file of its own",
            )
        )
        return
    decision = decisions[0]
    table = decision.find(tag("decisionTable"))
    if table is None:
        problems.append(Problem(name, _element(decision), "is not a decision table"))
        return
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in DECISION_HIT_POLICIES:
        problems.append(
            Problem(
                name,
                _element(decision),
                f"its hit policy {policy} is not "
                "supported: use UNIQUE (the first rule that matches) or COLLECT",
            )
        )

    def check(element: Any, text: str, what: str) -> None:
        for reason in expressions.problems(text, "eval"):
            problems.append(
                Problem(name, _element(element), f"its {what} {text!r} may not run: {reason}")
            )

    for given in table.iter(tag("inputExpression")):
        check(given, given.findtext(tag("text")) or "", "input expression")
    for rule in table.iter(tag("rule")):
        for entry in rule.iter(tag("inputEntry")):
            text = (entry.findtext(tag("text")) or "").strip()
            if not text or text == "-":
                continue
            if "?" not in text and expressions.problems(text) and text[0].isalpha():
                reason = (
                    f"its input entry {text!r} begins with a word, which is joined to the input "
                    f"without a space: write it with ? for the input, like '? {text}'"
                )
                problems.append(Problem(name, _element(rule), reason))
            else:
                check(rule, _as_run(text), "input entry")
        for entry in rule.iter(tag("outputEntry")):
            text = (entry.findtext(tag("text")) or "").strip()
            if text:
                check(rule, text, "output entry")


def _as_run(entry: str) -> str:
    """A decision table's input entry as SpiffWorkflow runs it, `value` for the input: with
    `?` for the input where it says so, else compared for equality when it is a value, else
    the input and the entry joined as they are (so `< 40` runs as `value< 40`)."""
    if "?" in entry:
        return entry.replace("?", "value")
    if not expressions.problems(entry):
        return f"value == ({entry})"
    return f"value{entry}"


def _quote_timer_literals(root: Any) -> None:
    """A timer's ISO 8601 text as a Python string, which SpiffWorkflow evaluates."""
    for local in ("timeDate", "timeDuration", "timeCycle"):
        for element in root.iter(f"{{{BPMN}}}{local}"):
            text = (element.text or "").strip()
            if ISO_8601.match(text):
                element.text = repr(text)


def _specs(trees: list[Tree], deployed: list[Deployed]) -> Reading:
    parser = BurghParser(validator=None)
    reading = Reading()
    processes: list[tuple[Tree, Any]] = []
    try:
        for earlier in deployed:
            root = etree.fromstring(earlier.xml.encode(), SAFE_XML)
            _add(parser, earlier.kind, root, earlier.file)
        for tree in trees:
            _add(parser, tree.kind, tree.root, tree.name)
            if tree.kind == "dmn":
                decision = tree.root.find(f"{{{etree.QName(tree.root).namespace}}}decision")
                key = decision.get("id")
                reading.decisions.append(
                    ReadDecision(key, decision.get("name") or key, tree.name, tree.xml)
                )
            else:
                processes.extend(
                    (tree, process) for process in tree.root.findall(f"{{{BPMN}}}process")
                )
        for decision in reading.decisions:
            parser.get_engine(decision.key, None)
        for tree, process in processes:
            key = process.get("id")
            spec = parser.get_spec(key)
            subprocesses = parser.get_subprocess_specs(key)
            reading.processes.append(
                ReadProcess(
                    key=key,
                    name=process.get("name") or key,
                    file=tree.name,
                    xml=tree.xml,
                    spec={
                        "process": SERIALIZER.to_dict(spec),
                        "subprocesses": {k: SERIALIZER.to_dict(v) for k, v in subprocesses.items()},
                    },
                    elements=sum(1 for _ in _flow_nodes(process)),
                    calls=tuple(sorted(subprocesses)),
                    stages=tuple(_stages(process)),
                )
            )
    except ValidationException as error:
        where = error.id or (f"line {error.line_number}" if error.line_number else "-")
        raise DefinitionError(
            [Problem(error.file_name or "(deployment)", where, _message(error))]
        ) from error
    except SpiffWorkflowException as error:
        raise DefinitionError([Problem("(deployment)", "-", _message(error))]) from error
    except (TypeError, ValueError, KeyError) as error:  # SpiffWorkflow could not take it
        raise DefinitionError(
            [Problem("(deployment)", "-", f"Burgh cannot run it ({type(error).__name__}: {error})")]
        ) from error
    return reading


def _add(parser: BurghParser, kind: str, root: Any, name: str) -> None:
    if kind == "dmn":
        parser.add_dmn_xml(root, name)
    else:
        _quote_timer_literals(root)
        parser.add_bpmn_xml(root.getroottree(), name)


def _message(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text[:1].lower() + text[1:] if text else "cannot be read"


def stage_of(element: Any) -> str:
    """A flow node's `stage` property (Camunda Modeler: Extension properties), or ""."""
    for found in element.iter(camunda_tag("property")):
        if found.get("name") == "stage" and (found.get("value") or "").strip():
            return str(found.get("value")).strip()
    return ""


def _stages(process: Any) -> list[str]:
    """The stages of a process in the order a case meets them: along its sequence flows from
    its start events, then any node not reached that way (an event sub-process's)."""
    nodes = {node.get("id"): node for node in _flow_nodes(process) if node.get("id")}
    following: dict[str, list[str]] = {}
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        following.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    order = [key for key, node in nodes.items() if _local(node) == "startEvent"]
    seen = set(order)
    for key in order:  # grows as it goes: a breadth-first walk
        for after in following.get(key, []):
            if after not in seen:
                seen.add(after)
                order.append(after)
    order.extend(key for key in nodes if key not in seen)
    stages = (stage_of(nodes[key]) for key in order if key in nodes)
    return list(dict.fromkeys(stage for stage in stages if stage))


def _unknown_names(trees: list[Tree], missing: Missing) -> list[Problem]:
    """The teams and webhooks the processes name that do not exist, each where it is named."""
    named = sorted(
        (tree.name, element, kind, name)
        for tree in trees
        if tree.kind == "bpmn"
        for kind, found in (("team", _teams(tree.root)), ("webhook", _webhooks(tree.root)))
        for name, element in found
    )
    absent: dict[str, set[str]] = {}
    for kind in ("team", "webhook"):
        names = {name for _, _, k, name in named if k == kind}
        absent[kind] = missing(kind, names) if names else set()
    reasons = {
        "team": "its candidate group {!r} is not a team's slug",
        "webhook": "it calls the webhook {!r}, which is not registered: ask IT",
    }
    return [
        Problem(file, element, reasons[kind].format(name))
        for file, element, kind, name in named
        if name in absent[kind]
    ]


def _webhooks(root: Any) -> set[tuple[str, str]]:
    found = set()
    for task in root.iter(f"{{{BPMN}}}serviceTask"):
        if action_of(task) != "call_webhook":
            continue
        try:
            name = ast.literal_eval(inputs_of(task).get("webhook", ""))
        except (ValueError, SyntaxError):
            continue  # an expression: checked when it runs
        if isinstance(name, str):
            found.add((name, _element(task)))
    return found


def _teams(root: Any) -> set[tuple[str, str]]:
    found = set()
    for task in root.iter(f"{{{BPMN}}}userTask"):
        team = (task.get(camunda_tag("candidateGroups")) or "").split(",")[0].strip()
        if team:
            found.add((team, _element(task)))
    return found


FLOW_NODES = {
    "startEvent", "endEvent", "userTask", "serviceTask", "scriptTask", "businessRuleTask",
    "manualTask", "task", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "callActivity", "subProcess", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "receiveTask", "sendTask", "sequenceFlow",
}  # fmt: skip


def _flow_nodes(process: Any) -> Iterable[Any]:
    return (element for element in process.iter(f"{{{BPMN}}}*") if _local(element) in FLOW_NODES)
