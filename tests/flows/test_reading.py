"""Reading files for deployment: a modeller's files parse; everything Burgh cannot run is
refused before anything is saved, each problem with its file, element id and reason."""

from pathlib import Path

import pytest

from burgh.flows.engine.reading import DefinitionError, read

FILES = Path(__file__).parent / "files"
POTHOLE = (FILES / "pothole.bpmn").read_text()
PRIORITY = (FILES / "pothole_priority.dmn").read_text()


def _problems(*files: tuple[str, str | bytes]) -> list[str]:
    given = [(name, text.encode() if isinstance(text, str) else text) for name, text in files]
    with pytest.raises(DefinitionError) as refused:
        read(given)
    return [str(problem) for problem in refused.value.problems]


def test_a_modellers_process_and_decision_table_are_read():
    reading = read([("pothole.bpmn", POTHOLE.encode()), ("rules.dmn", PRIORITY.encode())])
    [process] = reading.processes
    assert (process.key, process.name, process.file) == (
        "pothole",
        "Pothole repair",
        "pothole.bpmn",
    )
    # 7 flow nodes and 6 sequence flows
    assert process.elements == 13
    assert process.spec["process"]["task_specs"]["order"]["action"] == "create_task"
    [decision] = reading.decisions
    assert (decision.key, decision.name) == ("pothole_priority", "Pothole repair priority")


def test_every_problem_in_every_file_is_reported_at_once():
    bad = (
        POTHOLE.replace('camunda:topic="create_task"', 'camunda:topic="delete_everything"')
        .replace('severity == "none"', '__import__("os").system("rm -rf /")')
        .replace('severity != "none"', "${severity != 'none'}")
    )
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY.replace("UNIQUE", "PRIORITY")))
    assert "pothole.bpmn: order: its action 'delete_everything' is not one of Burgh's" in "\n".join(
        found
    )
    assert any(
        p.startswith("pothole.bpmn: no: its condition") and "'__import__'" in p for p in found
    )
    assert any(p.startswith("pothole.bpmn: yes:") and "Camunda (JUEL or FEEL)" in p for p in found)
    assert any(p.startswith("rules.dmn: pothole_priority: its hit policy PRIORITY") for p in found)


def test_a_service_task_input_that_opens_a_file_is_refused():
    bad = POTHOLE.replace(
        '<camunda:inputParameter name="title">"Works order: " + severity + " pothole"',
        '<camunda:inputParameter name="title">open("/etc/passwd").read()',
    )
    [problem] = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert problem.startswith("pothole.bpmn: order: its input 'title'")
    assert "uses 'open', which a process may not use" in problem


def test_an_action_missing_a_required_input_or_given_an_unknown_one_is_refused():
    bad = POTHOLE.replace('name="title"', 'name="heading"')
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert "pothole.bpmn: order: create_task takes no input 'heading'" in found[0]
    assert "pothole.bpmn: order: create_task needs the input 'title'" in found[1]


def test_a_java_class_service_task_is_refused_with_what_to_do_instead():
    bad = POTHOLE.replace(
        'camunda:type="external" camunda:topic="create_task"',
        'camunda:class="org.example.Delegate"',
    )
    [problem] = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert "order: it runs a Java class" in problem
    assert "External" in problem


def test_an_unsupported_element_is_refused():
    bad = POTHOLE.replace("bpmn:exclusiveGateway", "bpmn:complexGateway")
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert "pothole.bpmn: repair_needed: complex gateways are not supported" in found[0]


def test_a_script_in_another_language_is_refused():
    script = (
        '<bpmn:scriptTask id="tidy" scriptFormat="javascript"><bpmn:script>x = 1'
        "</bpmn:script></bpmn:scriptTask>"
    )
    bad = POTHOLE.replace('<bpmn:endEvent id="no_repair"', script + '<bpmn:endEvent id="no_repair"')
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert "pothole.bpmn: tidy: its script is javascript" in found[0]


def test_a_decision_table_that_is_not_deployed_anywhere_is_refused():
    [problem] = _problems(("pothole.bpmn", POTHOLE))
    assert problem == (
        "pothole.bpmn: prioritise: it decides with 'pothole_priority', which is neither in these "
        "files nor deployed"
    )


def test_a_dmn_entry_that_imports_is_refused_with_its_rule():
    bad = PRIORITY.replace("<text>20</text>", "<text>__import__('os').getpid()</text>")
    found = _problems(("rules.dmn", bad))
    assert found
    assert all(p.startswith("rules.dmn: minor: its output entry") for p in found)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is not xml", "is not well-formed XML"),
        (b'<?xml version="1.0"?><html/>', "is neither a BPMN 2.0 nor a DMN file"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
            b"</bpmn:definitions>",
            "declares a DOCTYPE",
        ),
        (
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            b'id="d" targetNamespace="x"><bpmn:process id="p"><bpmn:nonsense/></bpmn:process>'
            b"</bpmn:definitions>",
            "breaks the BPMN 2.0 schema",
        ),
    ],
)
def test_a_file_that_is_not_a_model_is_refused(content, reason):
    [problem] = _problems(("upload.bpmn", content))
    assert problem.startswith("upload.bpmn: ")
    assert reason in problem


def test_a_dmn_file_with_two_decisions_is_refused():
    second = (
        '<decision id="other" name="Other"><decisionTable id="other_table">'
        '<input id="other_in"><inputExpression id="other_expr" typeRef="string"><text>severity'
        '</text></inputExpression></input><output id="other_out" name="x" typeRef="string" />'
        "</decisionTable></decision>"
    )
    bad = PRIORITY.replace("</decision>", f"</decision>{second}", 1)
    [problem] = _problems(("rules.dmn", bad))
    assert "holds 2 decisions" in problem


def test_a_dmn_entry_that_would_not_run_as_written_is_refused_with_the_way_to_write_it():
    bad = PRIORITY.replace("<text>&gt;= 40</text>", "<text>in (40, 50)</text>")
    [problem] = _problems(("rules.dmn", bad))
    assert problem == (
        "rules.dmn: serious_deep: its input entry 'in (40, 50)' begins with a word, which is "
        "joined to the input without a space: write it with ? for the input, like "
        "'? in (40, 50)'"
    )
    good = PRIORITY.replace("<text>&gt;= 40</text>", "<text>? in (40, 50)</text>")
    assert read([("rules.dmn", good.encode())]).decisions


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        (
            '<bpmn:receiveTask id="wait" messageRef="m" />',
            "wait: receive tasks are not supported: use an intermediate message catch event",
        ),
        (
            '<bpmn:intermediateThrowEvent id="tell"><bpmn:messageEventDefinition messageRef="m" />'
            "</bpmn:intermediateThrowEvent>",
            "tell: throwing a message is done with the message_case action in a service task",
        ),
        (
            '<bpmn:endEvent id="shout"><bpmn:signalEventDefinition signalRef="s" />'
            "</bpmn:endEvent>",
            "shout: throwing a signal is done with the send_signal action in a service task",
        ),
    ],
)
def test_elements_burgh_does_with_its_actions_are_refused_saying_so(element, reason):
    bad = POTHOLE.replace(
        '<bpmn:endEvent id="no_repair"', element + '<bpmn:endEvent id="no_repair"'
    )
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert f"pothole.bpmn: {reason}" in found


def _with_form(fields: str) -> str:
    start = POTHOLE.index("<camunda:formData>") + len("<camunda:formData>")
    end = POTHOLE.index("</camunda:formData>")
    return POTHOLE[:start] + fields + POTHOLE[end:]


def test_a_form_is_refused_field_by_field_in_the_modellers_words():
    bad = _with_form(
        '<camunda:formField id="severity" label="How bad?" type="enum">'
        '<camunda:value id="minor" name="Minor" /><camunda:value id="minor" name="Small" />'
        "</camunda:formField>"
        '<camunda:formField id="depth_mm" label="Depth" type="long"><camunda:validation>'
        '<camunda:constraint name="min" config="10" /><camunda:constraint name="max" config="5" />'
        "</camunda:validation></camunda:formField>"
        '<camunda:formField id="note" label="Note" type="string"><camunda:validation>'
        '<camunda:constraint name="minlength" config="9" />'
        '<camunda:constraint name="maxlength" config="4" />'
        "</camunda:validation></camunda:formField>"
        '<camunda:formField id="depth_mm" label="Depth again" type="long" />'
    )
    found = _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY))
    assert all(problem.startswith("pothole.bpmn: inspect: its form field ") for problem in found)
    said = "\n".join(found)
    assert "'severity': Another option has the value 'minor'; values must differ." in said
    assert "'depth_mm': Give a max of at least the min, 10." in said
    assert "'note': Give a minlength of at most the maxlength, 4." in said
    assert "'depth_mm': Field 1 is already called 'depth_mm'; names must differ." in said


def test_a_type_or_constraint_burgh_does_not_ask_is_refused_before_the_rest():
    bad = _with_form(
        '<camunda:formField id="photo" label="Photo" type="file" />'
        '<camunda:formField id="depth_mm" label="Depth" type="long"><camunda:validation>'
        '<camunda:constraint name="readonly" /><camunda:constraint name="min" config="a lot" />'
        "</camunda:validation></camunda:formField>"
    )
    assert _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY)) == [
        "pothole.bpmn: inspect: its form field 'photo' has the type 'file': "
        "use one of string, long, boolean, date, enum",
        "pothole.bpmn: inspect: its form field 'depth_mm' has the constraint 'readonly': "
        "use required, min, max, minlength, maxlength",
        "pothole.bpmn: inspect: its form field 'depth_mm' has min 'a lot': give a whole number",
    ]


def test_a_default_that_is_not_an_answer_is_refused():
    bad = _with_form(
        '<camunda:formField id="severity" label="How bad?" type="enum" defaultValue="awful">'
        '<camunda:value id="minor" name="Minor" /><camunda:value id="serious" name="Serious" />'
        "</camunda:formField>"
    )
    assert _problems(("pothole.bpmn", bad), ("rules.dmn", PRIORITY)) == [
        "pothole.bpmn: inspect: its form field 'severity' has the default value 'awful', which "
        "is not an answer: Select how bad: minor or serious"
    ]
