"""Process flow figures on PostgreSQL: deploying a 50-element process, the timer sweep among
10,000 running instances, and completing a user task however long the instance has run.

`python -m bench flows [--quick]` makes a scratch database (BENCH_FLOWS_DATABASE, default
burgh_bench_flows, on the server at POSTGRES_URL), and measures in this process through the
services the pages and the API call. Figures, each beside a baseline from the same run:

1. Deploy a generated 50-element process (a new version each time): <= 1 s. Baseline: reading
   and checking the same file without saving it (engine.reading.read).
2. Timer sweep with 10,000 running instances (--quick: 500), when none is due and when 1%
   are: <= 1 s. Baseline: the sweep's query for the due instances alone.
3. Completing a user task, p95 <= 100 ms, on instances that have just started and on
   instances that have looped through the same task 1,000 times (--quick: 50); the ratio of
   the two says whether a step's cost grows with the instance's history, and so does the
   saved state's size.
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

DATABASE = os.environ.get("BENCH_FLOWS_DATABASE", "burgh_bench_flows")
DEPLOY_SECONDS, SWEEP_SECONDS, COMPLETE_P95_MS = 1.0, 1.0, 100.0
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench" '
    'targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
    'exporterVersion="5.31.0">\n'
)


def run(quick: bool = False) -> None:
    from bench.setup import run_on_scratch_postgres

    run_on_scratch_postgres("bench.flows", DATABASE, "flows benchmark", quick=quick)


def _form(field: str) -> str:
    return (
        f'<bpmn:extensionElements><camunda:formData><camunda:formField id="{field}" '
        f'label="{field}" type="string" /></camunda:formData></bpmn:extensionElements>'
    )


def chain(key: str, name: str, tasks: int, *, label: str = "") -> str:
    """A straight process: start, `tasks` user and script tasks in turn, end (its sequence
    flows joining them), 2 * tasks + 3 elements."""
    nodes = ['<bpmn:startEvent id="start" />']
    for n in range(tasks):
        if n % 2:
            nodes.append(
                f'<bpmn:scriptTask id="t{n}" name="Count {n}" scriptFormat="python">'
                f"<bpmn:script>count_{n} = {n} + 1</bpmn:script></bpmn:scriptTask>"
            )
        else:
            nodes.append(
                f'<bpmn:userTask id="t{n}" name="Step {n}{label}">{_form("note")}</bpmn:userTask>'
            )
    nodes.append('<bpmn:endEvent id="end" />')
    ids = ["start", *(f"t{n}" for n in range(tasks)), "end"]
    flows = [
        f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}" />'
        for n, (a, b) in enumerate(itertools.pairwise(ids))
    ]
    body = "\n".join(nodes + flows)
    process = f'<bpmn:process id="{key}" name="{name}" isExecutable="true">'
    return f"{HEAD}{process}\n{body}\n</bpmn:process>\n</bpmn:definitions>\n"


def waiting_with_timer() -> str:
    """A user task with an interrupting one-day boundary timer: what the sweep fires."""
    return (
        f'{HEAD}<bpmn:process id="bench_timer" name="Timer" isExecutable="true">'
        '<bpmn:startEvent id="start" />'
        f'<bpmn:userTask id="work" name="Work">{_form("note")}</bpmn:userTask>'
        '<bpmn:boundaryEvent id="late" name="A day" attachedToRef="work">'
        '<bpmn:timerEventDefinition id="late_timer">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:endEvent id="done" /><bpmn:endEvent id="escalated" />'
        '<bpmn:sequenceFlow id="a" sourceRef="start" targetRef="work" />'
        '<bpmn:sequenceFlow id="b" sourceRef="work" targetRef="done" />'
        '<bpmn:sequenceFlow id="c" sourceRef="late" targetRef="escalated" />'
        "</bpmn:process></bpmn:definitions>\n"
    )


def looping() -> str:
    """A review repeated while `again` is true: an instance's history grows with each pass."""
    return (
        f'{HEAD}<bpmn:process id="bench_loop" name="Loop" isExecutable="true">'
        '<bpmn:startEvent id="start" />'
        f'<bpmn:userTask id="review" name="Review">{_form("note")}</bpmn:userTask>'
        '<bpmn:exclusiveGateway id="again_gw" default="stop" />'
        '<bpmn:endEvent id="end" />'
        '<bpmn:sequenceFlow id="a" sourceRef="start" targetRef="review" />'
        '<bpmn:sequenceFlow id="b" sourceRef="review" targetRef="again_gw" />'
        '<bpmn:sequenceFlow id="again" sourceRef="again_gw" targetRef="review">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">note != "stop"'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="stop" sourceRef="again_gw" targetRef="end" />'
        "</bpmn:process></bpmn:definitions>\n"
    )


def _times(action: Callable[[int], Any], count: int) -> list[float]:
    found = []
    for n in range(count):
        started = time.perf_counter()
        action(n)
        found.append(time.perf_counter() - started)
    return found


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _line(name: str, times: list[float], target: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("PASS" if met else "FAIL")
    print(
        f"  {name:<58} n={len(times):<5} median {statistics.median(times) * 1000:8.1f} ms  "
        f"p95 {_p95(times) * 1000:8.1f} ms  {target:<12} {verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="The flows benchmark, in its database.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from bench.setup import django_on_fresh_database

    os.environ["BURGH_TEST_TASKS"] = "immediate"
    django_on_fresh_database()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The flows benchmark needs PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    quick = args.quick
    instances, loops, completions, deploys = (500, 50, 20, 3) if quick else (10_000, 1_000, 200, 10)
    world = _world()
    _deploy_figures(world, deploys)
    _sweep_figures(world, instances)
    _completion_figures(world, loops, completions)
    return 0


def _world() -> dict[str, Any]:
    from burgh.cases.services import save_case_type
    from burgh.flows import services
    from burgh.identity.models import Membership, Organisation, Role, RoleAssignment, Team, User

    council = Organisation.objects.create(name="Bench Council", slug="bench", kind="council")
    team = Team.objects.create(organisation=council, name="Bench Team", slug="bench-team")
    worker = User.objects.create_user(email="worker@bench.example", password=None, full_name="W")
    worker.organisation = council
    worker.save()
    role = Role.objects.create(
        name="Worker",
        slug="worker",
        permissions=["cases.view_case", "cases.update_case", "flows.deploy"],
    )
    RoleAssignment.objects.create(user=worker, role=role)
    Membership.objects.create(user=worker, team=team, position=Membership.Position.LEADER)
    files = [("timer.bpmn", waiting_with_timer().encode()), ("loop.bpmn", looping().encode())]
    services.deploy_definitions(worker, files, source="command")
    types = {}
    for key in ("bench_timer", "bench_loop"):
        definition = {
            "code": key.replace("_", "-"),
            "name": key,
            "service": "Bench",
            "statuses": [
                {"code": "open", "label": "Open", "stage": "open"},
                {"code": "done", "label": "Done", "stage": "closed"},
            ],
            "initial_status": "open",
            "outcomes": [{"code": "done", "label": "Done"}],
            "default_team": "bench/bench-team",
            "process": key,
        }
        types[key] = save_case_type(None, definition)[0]
    return {"worker": worker, "team": team, "types": types}


def _deploy_figures(world: dict[str, Any], repeats: int) -> None:
    from burgh.flows import services
    from burgh.flows.engine.reading import read

    def version(n: int) -> list[tuple[str, bytes]]:
        return [("fifty.bpmn", chain("fifty", "Fifty", 24, label=f" v{n}").encode())]

    [process] = read(version(0)).processes
    print(f"deploy: a process of {process.elements} elements (BPMN flow nodes and flows)")
    deploy = _times(
        lambda n: services.deploy_definitions(world["worker"], version(n), source="command"),
        repeats,
    )
    check = _times(lambda n: read(version(n)), repeats)
    worst = max(deploy)
    _line(
        "deploy (check, parse, save a new version)", deploy, "<= 1000 ms", worst <= DEPLOY_SECONDS
    )
    _line("baseline: read and check only (engine.reading.read)", check)
    print(f"  ratio deploy/read: {statistics.median(deploy) / statistics.median(check):.2f}")


def _cases(world: dict[str, Any], key: str, count: int) -> list[Any]:
    from django.utils import timezone

    from burgh.cases.models import Case

    now = timezone.now()
    case_type = world["types"][key]
    start = Case.objects.count()
    rows = [
        Case(
            reference=f"B{start + n:07d}",
            case_type=case_type,
            status="open",
            stage="open",
            title=f"Bench {n}",
            channel="staff",
            team=world["team"],
            received_at=now,
        )
        for n in range(count)
    ]
    return Case.objects.bulk_create(rows, batch_size=2000)


def _sweep_figures(world: dict[str, Any], count: int) -> None:
    """`count` running instances waiting at a user task with a one-day timer, as if started
    one by one (the first is started through the service; the rest copy its state)."""
    from django.utils import timezone

    from burgh.flows import services
    from burgh.flows.models import ProcessInstance, ProcessTask

    cases = _cases(world, "bench_timer", count)
    first = services.start_for_case(cases[0])
    assert first is not None
    template = ProcessTask.objects.get(instance=first)
    now = timezone.now()
    instances = ProcessInstance.objects.bulk_create(
        [
            ProcessInstance(
                case=case,
                definition=first.definition,
                state=first.state,
                stage=first.stage,
                next_timer_at=now + timedelta(days=1, seconds=n),
            )
            for n, case in enumerate(cases[1:])
        ],
        batch_size=2000,
    )
    ProcessTask.objects.bulk_create(
        [
            ProcessTask(
                instance=instance,
                case_id=instance.case_id,
                task_id=template.task_id,
                element=template.element,
                name=template.name,
                form=template.form,
                team=world["team"],
            )
            for instance in instances
        ],
        batch_size=2000,
    )
    running = ProcessInstance.objects.filter(status="running").count()
    print(f"timer sweep: {running:,} running instances, each waiting at a task with a timer")
    idle = _times(lambda n: services.sweep_timers(), 20)
    query = _times(
        lambda n: list(
            ProcessInstance.objects.filter(status="running", next_timer_at__lte=timezone.now())
            .order_by("next_timer_at")
            .values_list("pk", flat=True)[:200]
        ),
        20,
    )
    _line("sweep, nothing due", idle, "<= 1000 ms", max(idle) <= SWEEP_SECONDS)
    _line("baseline: the due-instances query alone", query)
    due = max(1, count // 100)
    ProcessInstance.objects.filter(
        pk__in=[i.pk for i in instances[:due]]
    ).update(next_timer_at=now - timedelta(minutes=1))  # fmt: skip
    # The timers are due a day after each instance started: travel there.
    import time_machine

    with time_machine.travel(now + timedelta(days=1, seconds=-30), tick=True):
        started = time.perf_counter()
        fired = services.sweep_timers()
        took = time.perf_counter() - started
    print(
        f"  sweep, {due} of {running:,} due (1%): {took * 1000:.0f} ms, {fired} fired "
        f"({took / max(fired, 1) * 1000:.1f} ms each)  <= 1000 ms "
        f"{'PASS' if took <= SWEEP_SECONDS and fired == due else 'FAIL'}"
    )


def _completion_figures(world: dict[str, Any], loops: int, completions: int) -> None:
    from burgh.flows import services
    from burgh.flows.models import ProcessInstance, ProcessTask

    worker = world["worker"]

    def complete_next(instance_id: Any, note: str = "again") -> None:
        step = ProcessTask.objects.get(instance_id=instance_id, status="open")
        services.complete_task(worker, step.pk, {"note": note})

    long_cases = _cases(world, "bench_loop", 2)
    long_ones = [services.start_for_case(case) for case in long_cases]
    for instance in long_ones:
        assert instance is not None
        for _ in range(loops):
            complete_next(instance.pk)
    fresh_cases = _cases(world, "bench_loop", completions)
    fresh_ones = [services.start_for_case(case) for case in fresh_cases]
    fresh = _times(lambda n: complete_next(fresh_ones[n].pk), completions)  # type: ignore[union-attr]
    long = _times(lambda n: complete_next(long_ones[n % 2].pk), completions)  # type: ignore[union-attr]
    sizes = {
        label: len(ProcessInstance.objects.get(pk=instance.pk).state)  # type: ignore[union-attr]
        for label, instance in (("fresh", fresh_ones[0]), ("long", long_ones[0]))
    }
    print("completing a user task (a review that loops), through flows.services.complete_task")
    _line("complete, instance just started (baseline)", fresh)
    _line(
        f"complete, instance after {loops + completions // 2:,} passes",
        long,
        "p95 <= 100 ms",
        _p95(long) * 1000 <= COMPLETE_P95_MS and _p95(fresh) * 1000 <= COMPLETE_P95_MS,
    )
    print(
        f"  ratio long/fresh p95: {_p95(long) / _p95(fresh):.2f}; saved state "
        f"{sizes['fresh']:,} bytes fresh, {sizes['long']:,} bytes after {loops:,} passes"
    )


if __name__ == "__main__":
    sys.exit(main())
